import { Inject } from '@nestjs/common';
import { Query, Resolver } from '@nestjs/graphql';
import { RequiresScope } from '../auth/requires-scope.decorator';
import { LakeCatalog } from './lake-catalog';
import { LakeTable } from './lake-table.model';

@Resolver(() => LakeTable)
export class LakeResolver {
  constructor(@Inject(LakeCatalog) private readonly catalog: LakeCatalog) {}

  @Query(() => [LakeTable], { description: 'The processed zone: tables, row counts and event days covered' })
  @RequiresScope('admin')
  lakeTables(): Promise<LakeTable[]> {
    return this.catalog.processedTables();
  }
}

import { Field, Int, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'A table of the processed zone' })
export class LakeTable {
  @Field(() => String)
  name!: string;

  @Field(() => Int, { description: 'Rows across all partitions' })
  rows!: number;

  @Field(() => Int, { description: 'Event-day partitions (dt=YYYY-MM-DD)' })
  partitions!: number;

  @Field(() => String, { nullable: true, description: 'First event day present' })
  firstDay!: string | null;

  @Field(() => String, { nullable: true, description: 'Last event day present' })
  lastDay!: string | null;
}

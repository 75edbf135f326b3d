import { Inject } from '@nestjs/common';
import { Args, Context, ID, Query, Resolver } from '@nestjs/graphql';
import { hasScope } from '../../../auth/principal';
import type { RequestContext } from '../../../auth/request-context';
import { RequiresScope } from '../../../auth/requires-scope.decorator';
import { FeatureRegistry } from '../../feature-registry';
import { resolveFeatureNames, validateEntityIds } from '../feature-request';
import { OnlineFeatureReader } from '../online-feature-reader';
import { entityLoaderFor, loadThrough } from './feature-loader';
import { EntityFeaturesModel } from './feature-value.model';
import { entityFeatureModels } from './feature-values';

/** The recommendation hot path over GraphQL; bad ids or names come back as BAD_USER_INPUT naming them. */
@Resolver(() => EntityFeaturesModel)
export class FeaturesResolver {
  constructor(
    @Inject(FeatureRegistry) private readonly registry: FeatureRegistry,
    @Inject(OnlineFeatureReader) private readonly reader: OnlineFeatureReader,
  ) {}

  @Query(() => [EntityFeaturesModel], {
    description: `Online features of up to 1,000 customers, one entry per id in the order given. Health and personal features are MASKED without pii:read`,
  })
  @RequiresScope('features:read')
  async features(
    @Args('entityIds', { type: () => [ID], description: 'Customer ids' }) entityIds: string[],
    @Args('names', { type: () => [String], description: 'Feature names or `view:name` references' }) names: string[],
    @Context() context: RequestContext,
  ): Promise<EntityFeaturesModel[]> {
    const ids = validateEntityIds(entityIds);
    const features = resolveFeatureNames(this.registry, names);
    const loaded = await loadThrough(entityLoaderFor(context, this.reader), ids);
    return entityFeatureModels(this.reader.serve(ids, loaded, features, context.principal !== undefined && hasScope(context.principal, 'pii:read')));
  }

}

import { Inject } from '@nestjs/common';
import { Args, Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { hasScope } from '../../../auth/principal';
import type { RequestContext } from '../../../auth/request-context';
import { RequiresScope } from '../../../auth/requires-scope.decorator';
import { Customer } from '../../../identity/api';
import { DomainError } from '../../../shared/domain-error';
import { FeatureRegistry } from '../../feature-registry';
import { resolveFeatureNames } from '../feature-request';
import { OnlineFeatureReader } from '../online-feature-reader';
import { entityLoaderFor, loadThrough } from './feature-loader';
import { FeatureValueModel } from './feature-value.model';
import { featureValueModels } from './feature-values';

/**
 * `Customer.features(names)`: the same values, statuses and masking as the `features` query, through
 * the same per-request loader, so `customers(ids) { features(names) }` is one cache round trip and
 * at most one store read for all of them, shared with any `features` query in the same request.
 */
@Resolver(() => Customer)
@RequiresScope('features:read')
export class CustomerFeaturesResolver {
  constructor(
    @Inject(FeatureRegistry) private readonly registry: FeatureRegistry,
    @Inject(OnlineFeatureReader) private readonly reader: OnlineFeatureReader,
  ) {}

  @ResolveField(() => [FeatureValueModel], {
    description: 'Online features of the customer, in the order the names were given; needs features:read. Health and personal features are MASKED without pii:read',
  })
  async features(
    @Parent() customer: Customer,
    @Args('names', { type: () => [String], description: 'Feature names or `view:name` references' }) names: string[],
    @Context() context: RequestContext,
  ): Promise<FeatureValueModel[]> {
    // Guards do not run for field resolvers (no fieldResolverEnhancers), so the scope is checked here:
    // profiles:read, which reaching a Customer takes, must not open features too.
    const principal = context.principal;
    if (!principal || !hasScope(principal, 'features:read')) throw new DomainError('FORBIDDEN', 'Customer.features needs the features:read scope', { requiredScope: 'features:read' });
    const features = resolveFeatureNames(this.registry, names);
    const loaded = await loadThrough(entityLoaderFor(context, this.reader), [customer.customerId]);
    const [served] = this.reader.serve([customer.customerId], loaded, features, hasScope(principal, 'pii:read'));
    return featureValueModels(served?.features ?? []);
  }
}

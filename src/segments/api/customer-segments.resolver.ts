import { Inject } from '@nestjs/common';
import { Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { hasScope } from '../../auth/principal';
import type { RequestContext } from '../../auth/request-context';
import { RequiresScope } from '../../auth/requires-scope.decorator';
import { Customer } from '../../identity/api';
import { DomainError } from '../../shared/domain-error';
import { SegmentAudiences } from '../segment-audiences';
import { segmentModel, SegmentModel } from './segments.model';

/** `Customer.segments`: the active segments the customer is in now, by the online store (daily run and real time). */
@Resolver(() => Customer)
@RequiresScope('segments:read')
export class CustomerSegmentsResolver {
  constructor(@Inject(SegmentAudiences) private readonly audiences: SegmentAudiences) {}

  @ResolveField(() => [SegmentModel], { description: 'The active segments the customer is in now; needs segments:read' })
  async segments(@Parent() customer: Customer, @Context() context: RequestContext): Promise<SegmentModel[]> {
    // Guards do not run for field resolvers, so the scope is checked here: profiles:read, which
    // reaching a Customer takes, must not open the audiences too.
    if (!context.principal || !hasScope(context.principal, 'segments:read')) {
      throw new DomainError('FORBIDDEN', 'Customer.segments needs the segments:read scope', { requiredScope: 'segments:read' });
    }
    return (await this.audiences.segmentsOf(customer.customerId)).map(segmentModel);
  }
}

import { Inject } from '@nestjs/common';
import { Args, Query, Resolver } from '@nestjs/graphql';
import { RequiresScope } from '../auth/requires-scope.decorator';
import { FunnelStepInputModel } from './funnels.inputs';
import { CampaignFunnelModel, FunnelModel } from './funnels.model';
import { FunnelsService, type CampaignFunnelReport } from './funnels.service';
import type { FunnelReport } from './funnel-report';

/** Validation and semantics live in FunnelsService; bad arguments come back as BAD_USER_INPUT. */
@Resolver()
export class FunnelsResolver {
  constructor(@Inject(FunnelsService) private readonly funnels: FunnelsService) {}

  @Query(() => CampaignFunnelModel, { description: 'A banner’s funnel and view-through conversions; precomputed daily, ad hoc for other windows' })
  @RequiresScope('funnels:read')
  campaignFunnel(
    @Args('promotionId', { type: () => String }) promotionId: string,
    @Args('from', { type: () => String, description: 'First entry day, YYYY-MM-DD' }) from: string,
    @Args('to', { type: () => String, description: 'Last entry day, YYYY-MM-DD' }) to: string,
    @Args('window', { type: () => String, nullable: true, description: 'Click-through window (default 7d)' }) window?: string | null,
    @Args('viewThroughWindow', { type: () => String, nullable: true, description: 'View-through window (default 1d)' }) viewThroughWindow?: string | null,
    @Args('breakdown', { type: () => String, nullable: true, description: 'day, platform or vertical' }) breakdown?: string | null,
  ): Promise<CampaignFunnelReport> {
    return this.funnels.campaignFunnel({ promotionId, from, to, window, viewThroughWindow, breakdown });
  }

  @Query(() => FunnelModel, { description: 'An ad hoc funnel of up to 10 steps, computed on the lake engine' })
  @RequiresScope('funnels:read')
  funnel(
    @Args('steps', { type: () => [FunnelStepInputModel] }) steps: FunnelStepInputModel[],
    @Args('from', { type: () => String }) from: string,
    @Args('to', { type: () => String }) to: string,
    @Args('window', { type: () => String, nullable: true, description: 'Conversion window from step 1 (default 7d, at most 90d)' }) window?: string | null,
    @Args('breakdown', { type: () => String, nullable: true, description: 'day, platform or vertical (vertical needs an order as the last step)' }) breakdown?: string | null,
  ): Promise<FunnelReport> {
    return this.funnels.funnel({ steps, from, to, window, breakdown });
  }
}

import { Field, Float, Int, ObjectType } from '@nestjs/graphql';
import type { Breakdown, CountingUnit } from './funnel-definition';
import type { FunnelBreakdownReport, FunnelReport, FunnelSource, FunnelStepReport } from './funnel-report';

@ObjectType('FunnelStep', { description: 'One step: who reached it, conversion rates and median time to convert' })
export class FunnelStepModel implements FunnelStepReport {
  @Field(() => Int)
  step!: number;

  @Field(() => String)
  name!: string;

  @Field(() => Int, { description: 'Stitched customers (customer-days for campaign funnels) reaching this step' })
  customers!: number;

  @Field(() => Float, { nullable: true, description: 'customers / the previous step’s customers' })
  conversionFromPrevious!: number | null;

  @Field(() => Float, { nullable: true, description: 'customers / step 1’s customers' })
  conversionFromFirst!: number | null;

  @Field(() => Float, { nullable: true, description: 'Median seconds from the previous step to this one' })
  medianSecondsFromPrevious!: number | null;

  @Field(() => Float, { nullable: true, description: 'Median seconds from step 1 to this one' })
  medianSecondsFromFirst!: number | null;
}

@ObjectType('FunnelBreakdownRow', { description: 'The funnel for one breakdown value; a customer counts once per value' })
export class FunnelBreakdownRowModel implements FunnelBreakdownReport {
  @Field(() => String, { nullable: true, description: 'A day (YYYY-MM-DD), platform or vertical; null when the unit had none' })
  value!: string | null;

  @Field(() => [FunnelStepModel])
  steps!: FunnelStepModel[];

  @Field(() => Float, { nullable: true })
  revenue!: number | null;
}

@ObjectType('Funnel', { description: 'An ordered funnel over stitched customers; step 1 happens inside [from, to]' })
export class FunnelModel implements FunnelReport {
  @Field(() => String)
  from!: string;

  @Field(() => String)
  to!: string;

  @Field(() => String, { description: 'Conversion window from step 1, e.g. 7d' })
  window!: string;

  @Field(() => Int)
  windowSeconds!: number;

  @Field(() => String, { description: '`customers`: each once over the range; `customer-days`: each once per day of entry, so days add up' })
  counting!: CountingUnit;

  @Field(() => String, { description: '`precomputed` (daily metrics) or `ad_hoc` (computed on the lake now)' })
  source!: FunnelSource;

  @Field(() => Boolean, { description: 'Medians estimated from merged daily histograms (a precomputed range of several days): within one log bucket, under 19%' })
  mediansEstimated!: boolean;

  @Field(() => [FunnelStepModel])
  steps!: FunnelStepModel[];

  @Field(() => Float, { nullable: true, description: 'Total of the converting orders, when the last step is an order' })
  revenue!: number | null;

  @Field(() => String, { nullable: true })
  breakdown!: Breakdown | null;

  @Field(() => [FunnelBreakdownRowModel])
  breakdownRows!: FunnelBreakdownRowModel[];
}

@ObjectType('CampaignFunnel', {
  description: 'Promotion Viewed → Promotion Clicked (same promotion) → Product Added → order placed, with the view-through variant',
})
export class CampaignFunnelModel extends FunnelModel {
  @Field(() => String)
  promotionId!: string;

  @Field(() => FunnelModel, { description: 'Promotion Viewed → order placed with no click on the banner in between (1d window by default)' })
  viewThrough!: FunnelModel;
}

import { DAY_MS, type Breakdown, type FunnelSpec, type FunnelStep, type PropertyFilter } from '../funnel-definition';

/** The two ways a banner is credited: the click-through funnel, and view-through (no click). */
export const CAMPAIGN_VARIANTS = ['click_through', 'view_through'] as const;
export type CampaignVariant = (typeof CAMPAIGN_VARIANTS)[number];

export const DEFAULT_CLICK_THROUGH_WINDOW_MS = 7 * DAY_MS;
export const DEFAULT_VIEW_THROUGH_WINDOW_MS = DAY_MS;

export const PROMOTION_VIEWED = 'Promotion Viewed';
export const PROMOTION_CLICKED = 'Promotion Clicked';
export const PRODUCT_ADDED = 'Product Added';

/** One promotion (the API, the CLI), or every promotion at once, split by the viewed one (the batch job). */
export type CampaignScope = { promotionId: string } | 'every-promotion';

function promotionFilter(scope: CampaignScope): PropertyFilter[] {
  return scope === 'every-promotion' ? [] : [{ property: 'promotion_id', equals: scope.promotionId }];
}

function bannerStep(event: string, scope: CampaignScope): FunnelStep {
  const step: FunnelStep = { kind: 'event', name: event, event, filters: promotionFilter(scope) };
  // For one promotion both filters already pin it; for all at once the click must match the view's.
  return scope === 'every-promotion' && event !== PROMOTION_VIEWED ? { ...step, sameAsEntry: 'promotion_id' } : step;
}

const ORDER_PLACED: FunnelStep = { kind: 'order', name: 'Order placed', filters: [] };

export interface CampaignFunnelOptions {
  from: string;
  to: string;
  windowMs: number;
  breakdown?: Breakdown;
  /** Rows per entry day (the batch job); otherwise days are summed into one result. */
  perDay?: boolean;
}

/**
 * The campaign funnels DESIGN.md names. Both count customer-days: a customer entering on two days
 * counts on each, which is what makes a range the sum of its precomputed days.
 *
 * - click-through: Promotion Viewed → Promotion Clicked (same promotion) → Product Added → order placed;
 * - view-through: Promotion Viewed → order placed, with no click on that promotion in between.
 */
export function campaignFunnelSpec(variant: CampaignVariant, scope: CampaignScope, options: CampaignFunnelOptions): FunnelSpec {
  const common = {
    from: options.from,
    to: options.to,
    windowMs: options.windowMs,
    breakdown: options.breakdown,
    unit: 'customer-days' as const,
    perDay: options.perDay,
    perEntryProperty: scope === 'every-promotion' ? ('promotion_id' as const) : undefined,
  };
  if (variant === 'click_through') {
    return {
      ...common,
      steps: [bannerStep(PROMOTION_VIEWED, scope), bannerStep(PROMOTION_CLICKED, scope), { kind: 'event', name: PRODUCT_ADDED, event: PRODUCT_ADDED, filters: [] }, ORDER_PLACED],
    };
  }
  return {
    ...common,
    steps: [bannerStep(PROMOTION_VIEWED, scope), ORDER_PLACED],
    exclusion: {
      event: PROMOTION_CLICKED,
      filters: promotionFilter(scope),
      ...(scope === 'every-promotion' ? { sameAsEntry: 'promotion_id' as const } : {}),
    },
  };
}

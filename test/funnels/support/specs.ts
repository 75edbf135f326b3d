import type { Exclusion, FunnelSpec, FunnelStep } from '../../../src/funnels/funnel-definition';

const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export const viewed = (promo?: string): FunnelStep => ({
  kind: 'event',
  name: 'Promotion Viewed',
  event: 'Promotion Viewed',
  filters: promo ? [{ property: 'promotion_id', equals: promo }] : [],
});
export const clicked = (promo?: string): FunnelStep => ({
  kind: 'event',
  name: 'Promotion Clicked',
  event: 'Promotion Clicked',
  filters: promo ? [{ property: 'promotion_id', equals: promo }] : [],
});
export const added: FunnelStep = { kind: 'event', name: 'Product Added', event: 'Product Added', filters: [] };
export const ordered: FunnelStep = { kind: 'order', name: 'Order placed', filters: [] };

/** The campaign funnel for one promotion, as the ad hoc path builds it. */
export function campaignSpec(promo: string, from: string, to: string, extra: Partial<FunnelSpec> = {}): FunnelSpec {
  return { steps: [viewed(promo), clicked(promo), added, ordered], from, to, windowMs: 7 * DAY, unit: 'customers', ...extra };
}

export function clickExclusion(promo: string): Exclusion {
  return { event: 'Promotion Clicked', filters: [{ property: 'promotion_id', equals: promo }] };
}

import type { FeatureDefinition } from '../feature-definition';
import { featureView, TTL } from './feature-builder';

export const CUSTOMER_CARE_VIEW = 'customer_care';
/** Refill cadences are monthly or so; half a year shows several intervals per product. */
export const REFILL_LOOKBACK_DAYS = 180;
export const CHRONIC_CARE_CATEGORY = 'chronic care';

const feature = featureView(CUSTOMER_CARE_VIEW);
const IN_APP = 'from the product lines of Order Completed events of placed orders (the lake has no order lines for call-centre and auto-ship orders)';

/** Health-related features: every one is tagged `health`, served only to callers allowed to see it. */
export const CUSTOMER_CARE_FEATURES: readonly FeatureDefinition[] = [
  feature({ name: 'lab_bookings_90d', type: 'int', windowDays: 90, sensitivity: 'health', description: 'Lab test bookings created in the last 90 days, latest state not cancelled' }),
  feature({ name: 'consultations_90d', type: 'int', windowDays: 90, sensitivity: 'health', description: 'Doctor consultations created in the last 90 days, latest state not cancelled' }),
  feature({ name: 'chronic_care_orders_90d', type: 'int', windowDays: 90, sensitivity: 'health', description: `Placed orders with a chronic-care product in the last 90 days, ${IN_APP}` }),
  feature({ name: 'favourite_category', type: 'string', windowDays: 90, ttlSeconds: TTL.slow, sensitivity: 'health', description: `Product category in the most placed orders of the last 90 days (ties: alphabetical), ${IN_APP}` }),
  feature({ name: 'refill_interval_days', type: 'float', windowDays: REFILL_LOOKBACK_DAYS, ttlSeconds: TTL.slow, sensitivity: 'health', description: `Median days between consecutive orders of the same product over ${REFILL_LOOKBACK_DAYS} days, ${IN_APP}; null without a repeat product` }),
  feature({ name: 'refill_due_in_days', type: 'int', windowDays: REFILL_LOOKBACK_DAYS, sensitivity: 'health', description: 'Days from the as-of day until the next refill is due (earliest repeat product: last order + refill_interval_days); negative when overdue' }),
];

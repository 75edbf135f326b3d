import type { FeatureDefinition } from '../feature-definition';
import { featureView, TTL } from './feature-builder';

export const CUSTOMER_RFM_VIEW = 'customer_rfm';
/** RFM looks at a year of orders, the usual horizon for a shop with monthly refills. */
export const RFM_WINDOW_DAYS = 365;

const feature = featureView(CUSTOMER_RFM_VIEW);
const QUINTILE = `1-5 quintile among customers with a placed order in the last ${RFM_WINDOW_DAYS} days (ties share a score); null for the rest`;

/** Recency, frequency and monetary scores, the marketing team's classic segmentation axes. */
export const CUSTOMER_RFM_FEATURES: readonly FeatureDefinition[] = [
  feature({ name: 'rfm_recency_score', type: 'int', windowDays: RFM_WINDOW_DAYS, ttlSeconds: TTL.slow, description: `Recency: 5 = ordered most recently. ${QUINTILE}` }),
  feature({ name: 'rfm_frequency_score', type: 'int', windowDays: RFM_WINDOW_DAYS, ttlSeconds: TTL.slow, description: `Frequency: 5 = most orders. ${QUINTILE}` }),
  feature({ name: 'rfm_monetary_score', type: 'int', windowDays: RFM_WINDOW_DAYS, ttlSeconds: TTL.slow, description: `Monetary: 5 = highest spend. ${QUINTILE}` }),
];

import type { FeatureService } from '../feature-definition';

/**
 * What each client asks for at once (Feast's feature services). Versioned names: a service's
 * list only grows or moves to a new version, so a deployed model never sees a feature vanish.
 */
export const FEATURE_SERVICES: readonly FeatureService[] = [
  {
    name: 'recsys_v1',
    description: 'Recommendations: what the customer buys, how often, what they are looking at now',
    features: [
      'favourite_category',
      'refill_interval_days',
      'refill_due_in_days',
      'chronic_care_orders_90d',
      'days_since_last_order',
      'orders_30d',
      'gmv_30d',
      'pharmacy_orders_90d',
      'wellness_orders_90d',
      'lab_bookings_90d',
      'consultations_90d',
      'cart_products',
      'product_views_30d',
      'last_banner_clicked',
      'app_sessions_30d',
    ],
  },
  {
    name: 'marketing_v1',
    description: 'Audiences and campaigns: value, engagement and banner response',
    features: [
      'rfm_recency_score',
      'rfm_frequency_score',
      'rfm_monetary_score',
      'days_since_last_order',
      'days_since_first_order',
      'orders_90d',
      'gmv_90d',
      'orders_365d',
      'gmv_365d',
      'wellness_orders_90d',
      'banner_views_30d',
      'banner_clicks_30d',
      'last_banner_seen',
      'last_banner_clicked',
      'app_sessions_30d',
      'last_seen_at',
      'refill_due_in_days',
    ],
  },
];

/**
 * The features the stream keeps current between batch runs. Their definitions live in the
 * feature registry (src/features, `streamed: true`); these are the names the projector computes,
 * and a test keeps the two lists equal.
 */

/** Rolling 30-day counters: the batch value + daily buckets of the events after it. */
export const COUNTERS = ['orders_30d', 'gmv_30d', 'banner_clicks_30d', 'banner_views_30d'] as const;
export type CounterName = (typeof COUNTERS)[number];

/** Point features: the value of the newest event wins (the online store's event-time LWW does it). */
export const LATEST = ['last_seen_at', 'last_banner_seen', 'last_banner_clicked'] as const;
export type LatestName = (typeof LATEST)[number];

export const CART_FEATURE = 'cart_products';

export const STREAMED_FEATURE_NAMES: readonly string[] = [...COUNTERS, ...LATEST, CART_FEATURE];

/** Days in each rolling window; windows end with the day of the customer's newest event. */
export const WINDOW_DAYS = 30;

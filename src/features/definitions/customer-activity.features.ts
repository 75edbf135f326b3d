import type { FeatureDefinition } from '../feature-definition';
import { featureView, TTL } from './feature-builder';

export const CUSTOMER_ACTIVITY_VIEW = 'customer_activity';
/** An app session ends after this much inactivity (the common analytics definition). */
export const SESSION_GAP_MINUTES = 30;

const feature = featureView(CUSTOMER_ACTIVITY_VIEW);

/** Behaviour in the apps and on the site, from the stitched clickstream (anonymous browsing counts once linked). */
export const CUSTOMER_ACTIVITY_FEATURES: readonly FeatureDefinition[] = [
  feature({ name: 'last_seen_at', type: 'timestamp', streamed: true, ttlSeconds: TTL.pointInTime, description: 'Time of the newest clickstream event of the customer (ISO-8601 UTC); null if never seen' }),
  feature({ name: 'banner_views_30d', type: 'int', windowDays: 30, streamed: true, description: 'Distinct Promotion Viewed events (banner impressions, by messageId) in the last 30 days' }),
  feature({ name: 'banner_clicks_30d', type: 'int', windowDays: 30, streamed: true, description: 'Distinct Promotion Clicked events (by messageId) in the last 30 days, anonymous clicks before login included' }),
  feature({ name: 'last_banner_seen', type: 'string', streamed: true, ttlSeconds: TTL.pointInTime, description: 'promotion_id of the newest Promotion Viewed; null if none' }),
  feature({ name: 'last_banner_clicked', type: 'string', streamed: true, ttlSeconds: TTL.pointInTime, description: 'promotion_id of the newest Promotion Clicked; null if none' }),
  feature({ name: 'cart_products', type: 'string_list', streamed: true, ttlSeconds: TTL.pointInTime, description: 'product_ids in the cart: Product Added minus Product Removed since the last Order Completed, oldest first' }),
  feature({ name: 'product_views_30d', type: 'int', windowDays: 30, description: 'Distinct Product Viewed events in the last 30 days' }),
  feature({ name: 'app_sessions_30d', type: 'int', windowDays: 30, description: `Mobile-app sessions in the last 30 days (a session ends after ${SESSION_GAP_MINUTES} minutes without events)` }),
];

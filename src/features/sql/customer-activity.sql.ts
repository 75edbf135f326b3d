import { SESSION_GAP_MINUTES } from '../definitions/customer-activity.features';
import type { Cte, FeatureSqlContext, ViewSql } from './feature-sql-context';
import { latestValueSql } from './latest-value.sql';

const track = (event: string): string => `type = 'track' AND event = '${event}'`;

/** Counts and last-seen in one pass; counted events are distinct by messageId (SDK retries resend them). */
function activityCte(context: FeatureSqlContext): Cte {
  const distinct30 = (event: string): string =>
    `count(DISTINCT CASE WHEN ${track(event)} AND event_time >= ${context.windowStart(30)} THEN message_id END)`;
  return [
    'activity',
    `SELECT customer_id, max(event_time) AS last_seen_at,
        ${distinct30('Promotion Viewed')} AS banner_views,
        ${distinct30('Promotion Clicked')} AS banner_clicks,
        ${distinct30('Product Viewed')} AS product_views
      FROM ev GROUP BY customer_id`,
  ];
}

/** App sessions: a mobile event more than the gap after the customer's previous one opens a new session. */
function sessionsCtes(context: FeatureSqlContext): Cte[] {
  return [
    [
      'app_events',
      `SELECT customer_id, event_time, lag(event_time) OVER (PARTITION BY customer_id ORDER BY event_time) AS previous
      FROM ev WHERE channel = 'mobile' AND event_time >= ${context.windowStart(30)}`,
    ],
    [
      'app_sessions',
      `SELECT customer_id,
        sum(CASE WHEN previous IS NULL OR event_time > previous + INTERVAL '${SESSION_GAP_MINUTES}' MINUTE THEN 1 ELSE 0 END) AS sessions
      FROM app_events GROUP BY customer_id`,
    ],
  ];
}

/**
 * The cart as of the end of D, as the stream folds it: an Order Completed empties it; after the
 * last one, each product's newest Product Added or Product Removed decides whether it is in.
 */
function cartCtes(context: FeatureSqlContext): Cte[] {
  const { dialect } = context;
  const product = `nullif(trim(coalesce(${dialect.jsonText('properties', '$.product_id')}, ${dialect.jsonText('properties', '$.sku')})), '')`;
  return [
    [
      'cart_events',
      `SELECT customer_id, event, event_time, message_id,
        CASE WHEN event <> 'Order Completed' THEN ${product} END AS product
      FROM ev WHERE type = 'track' AND event IN ('Product Added', 'Product Removed', 'Order Completed')`,
    ],
    ['cart_cleared', `SELECT customer_id, max(event_time) AS cleared_at FROM cart_events WHERE event = 'Order Completed' GROUP BY customer_id`],
    [
      'cart_latest',
      `SELECT c.customer_id, c.product, c.event, c.event_time,
        row_number() OVER (PARTITION BY c.customer_id, c.product ORDER BY c.event_time DESC, c.message_id DESC) AS newest
      FROM cart_events AS c LEFT JOIN cart_cleared AS k ON k.customer_id = c.customer_id
      WHERE c.product IS NOT NULL AND (k.cleared_at IS NULL OR c.event_time > k.cleared_at)`,
    ],
    [
      'cart',
      `SELECT customer_id, array_agg(product ORDER BY event_time, product) AS products
      FROM cart_latest WHERE newest = 1 AND event = 'Product Added' GROUP BY customer_id`,
    ],
  ];
}

/** Engagement from the stitched clickstream: the features the stream also keeps current, plus views and sessions. */
export function customerActivitySql(context: FeatureSqlContext): ViewSql {
  return {
    ctes: [
      activityCte(context),
      ['banner_seen', latestValueSql('ev', 'promotion_id', 'event_time', track('Promotion Viewed'))],
      ['banner_clicked', latestValueSql('ev', 'promotion_id', 'event_time', track('Promotion Clicked'))],
      ...sessionsCtes(context),
      ...cartCtes(context),
    ],
    joins: ['activity', 'banner_seen', 'banner_clicked', 'app_sessions', 'cart'],
    columns: {
      last_seen_at: 'activity.last_seen_at',
      banner_views_30d: 'coalesce(activity.banner_views, 0)',
      banner_clicks_30d: 'coalesce(activity.banner_clicks, 0)',
      last_banner_seen: 'banner_seen.value',
      last_banner_clicked: 'banner_clicked.value',
      cart_products: `coalesce(cart.products, CAST(ARRAY[] AS ${context.dialect.stringList}))`,
      product_views_30d: 'coalesce(activity.product_views, 0)',
      app_sessions_30d: 'coalesce(app_sessions.sessions, 0)',
    },
  };
}

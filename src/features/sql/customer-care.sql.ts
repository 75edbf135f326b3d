import { CHRONIC_CARE_CATEGORY, REFILL_LOOKBACK_DAYS } from '../definitions/customer-care.features';
import { customerJoinSql } from '../../identity/identifier-normalization';
import type { Cte, FeatureSqlContext, ViewSql } from './feature-sql-context';

const CARE_WINDOW_DAYS = 90;

/** Bookings of a CDC table created in the window whose latest state is not cancelled, per customer. */
function bookingsCte(context: FeatureSqlContext, name: string, relation: string): Cte {
  const { joins, customer } = customerJoinSql('ids', 'b', { userId: 'user_id' });
  return [
    name,
    `SELECT customer_id, count(*) AS bookings FROM (
        SELECT ${customer} AS customer_id
        FROM ${relation} AS b
        ${joins}
        WHERE ${context.partitions('b.dt', CARE_WINDOW_DAYS)}
          AND b.created_at >= ${context.windowStart(CARE_WINDOW_DAYS)} AND b.created_at < ${context.end}
          AND (b.status IS NULL OR lower(b.status) <> 'cancelled')
      ) AS booked
      WHERE customer_id IS NOT NULL
      GROUP BY customer_id`,
  ];
}

/** The category in most orders of the window; ties go to the alphabetically first, so reruns agree. */
function favouriteCtes(context: FeatureSqlContext): Cte[] {
  return [
    [
      'category_orders',
      `SELECT customer_id, category, count(DISTINCT order_id) AS orders
      FROM lines WHERE category IS NOT NULL AND created_at >= ${context.windowStart(CARE_WINDOW_DAYS)}
      GROUP BY customer_id, category`,
    ],
    [
      'favourite',
      `SELECT customer_id, min(category) AS category FROM (
        SELECT customer_id, category, orders, max(orders) OVER (PARTITION BY customer_id) AS top FROM category_orders
      ) AS ranked WHERE orders = top GROUP BY customer_id`,
    ],
    ['chronic', `SELECT customer_id, orders FROM category_orders WHERE category = '${CHRONIC_CARE_CATEGORY}'`],
  ];
}

/**
 * Refill cadence: the days between consecutive order days of the same product. Orders of one
 * product on one day collapse to one (a re-placed order is a correction, not a refill), and
 * whole days keep the arithmetic engine-neutral.
 */
function refillCtes(context: FeatureSqlContext): Cte[] {
  return [
    [
      'product_days',
      `SELECT DISTINCT customer_id, product_id, CAST(created_at AS DATE) AS order_day
      FROM lines WHERE product_id IS NOT NULL AND created_at >= ${context.windowStart(REFILL_LOOKBACK_DAYS)}`,
    ],
    [
      'product_gaps',
      `SELECT customer_id, product_id, order_day,
        date_diff('day', lag(order_day) OVER (PARTITION BY customer_id, product_id ORDER BY order_day), order_day) AS gap_days,
        CASE WHEN lead(order_day) OVER (PARTITION BY customer_id, product_id ORDER BY order_day) IS NULL THEN 1 ELSE 0 END AS is_last
      FROM product_days`,
    ],
    [
      'refill',
      `SELECT customer_id, ${context.dialect.median('CAST(gap_days AS DOUBLE)')} AS interval_days,
        -- a row with a gap that is its product's last order day: the last order of a repeat product
        max(CASE WHEN is_last = 1 THEN date_diff('day', order_day, ${context.dayLiteral}) END) AS oldest_repeat_age_days
      FROM product_gaps WHERE gap_days IS NOT NULL GROUP BY customer_id`,
    ],
  ];
}

/** Health-related features: bookings, consultations, chronic care, favourite category, refills. */
export function customerCareSql(context: FeatureSqlContext): ViewSql {
  return {
    ctes: [
      bookingsCte(context, 'labs', context.sources.lab_bookings),
      bookingsCte(context, 'consults', context.sources.consultations),
      ...favouriteCtes(context),
      ...refillCtes(context),
    ],
    joins: ['labs', 'consults', 'favourite', 'chronic', 'refill'],
    columns: {
      lab_bookings_90d: 'coalesce(labs.bookings, 0)',
      consultations_90d: 'coalesce(consults.bookings, 0)',
      chronic_care_orders_90d: 'coalesce(chronic.orders, 0)',
      favourite_category: 'favourite.category',
      refill_interval_days: 'round(refill.interval_days, 1)',
      // The repeat product ordered longest ago is due first: its last order plus the interval.
      refill_due_in_days: 'CAST(round(refill.interval_days - refill.oldest_repeat_age_days) AS INTEGER)',
    },
  };
}

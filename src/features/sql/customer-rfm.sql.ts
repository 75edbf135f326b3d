import { RFM_WINDOW_DAYS } from '../definitions/customer-rfm.features';
import { gmvFeatureName, ordersFeatureName } from '../definitions/customer-orders.features';
import type { FeatureSqlContext, ViewSql } from './feature-sql-context';

/**
 * A 1-5 quintile by rank: 1 + floor(5 (rank - 1) / n). Unlike ntile(5), equal values share a
 * score (ntile splits ties across buckets arbitrarily, so reruns could disagree), and the double
 * arithmetic keeps Trino from dividing integers.
 */
function quintile(orderBy: string): string {
  return `1 + CAST(floor(5 * CAST(rank() OVER (ORDER BY ${orderBy}) - 1 AS DOUBLE) / count(*) OVER ()) AS INTEGER)`;
}

/** Scores over the customers who placed an order in the RFM window; the rest get null. */
export function customerRfmSql(context: FeatureSqlContext): ViewSql {
  const orders = ordersFeatureName(RFM_WINDOW_DAYS);
  const gmv = gmvFeatureName(RFM_WINDOW_DAYS);
  return {
    ctes: [
      [
        'rfm',
        `SELECT customer_id,
          ${quintile(`date_diff('day', CAST(last_order_at AS DATE), ${context.dayLiteral}) DESC`)} AS recency,
          ${quintile(`${orders} ASC`)} AS frequency,
          ${quintile(`${gmv} ASC`)} AS monetary
        FROM orders_agg WHERE ${orders} > 0`,
      ],
    ],
    joins: ['rfm'],
    columns: { rfm_recency_score: 'rfm.recency', rfm_frequency_score: 'rfm.frequency', rfm_monetary_score: 'rfm.monetary' },
  };
}

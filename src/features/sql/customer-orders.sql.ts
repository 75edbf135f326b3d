import {
  gmvFeatureName,
  ORDER_VERTICALS,
  ordersFeatureName,
  TOTAL_WINDOWS,
  VERTICAL_WINDOWS,
  type OrderVertical,
} from '../definitions/customer-orders.features';
import type { FeatureSqlContext, ViewSql } from './feature-sql-context';

const AGG = 'orders_agg';

function counters(context: FeatureSqlContext, days: number, vertical?: OrderVertical): string[] {
  const inWindow = `created_at >= ${context.windowStart(days)}${vertical ? ` AND vertical = '${vertical}'` : ''}`;
  return [
    `sum(CASE WHEN ${inWindow} THEN 1 ELSE 0 END) AS ${ordersFeatureName(days, vertical)}`,
    `sum(CASE WHEN ${inWindow} THEN total_amount ELSE 0 END) AS ${gmvFeatureName(days, vertical)}`,
  ];
}

/**
 * One pass over the placed orders up to D: every window's count and spend as conditional sums
 * (CASE WHEN, not DuckDB's FILTER, so Athena runs it too), plus the first and last order.
 */
export function customerOrdersSql(context: FeatureSqlContext): ViewSql {
  const aggregates = [
    ...TOTAL_WINDOWS.flatMap((days) => counters(context, days)),
    ...ORDER_VERTICALS.flatMap((vertical) => VERTICAL_WINDOWS.flatMap((days) => counters(context, days, vertical))),
    'max(created_at) AS last_order_at',
    'min(created_at) AS first_order_at',
  ];
  const names = [
    ...TOTAL_WINDOWS.flatMap((days) => [ordersFeatureName(days), gmvFeatureName(days)]),
    ...ORDER_VERTICALS.flatMap((vertical) => VERTICAL_WINDOWS.flatMap((days) => [ordersFeatureName(days, vertical), gmvFeatureName(days, vertical)])),
  ];
  const columns: Record<string, string> = Object.fromEntries(names.map((name) => [name, `coalesce(${AGG}.${name}, 0)`]));
  columns.days_since_last_order = `date_diff('day', CAST(${AGG}.last_order_at AS DATE), ${context.dayLiteral})`;
  columns.days_since_first_order = `date_diff('day', CAST(${AGG}.first_order_at AS DATE), ${context.dayLiteral})`;
  return {
    ctes: [[AGG, `SELECT customer_id, ${aggregates.join(',\n        ')}\n      FROM ord GROUP BY customer_id`]],
    joins: [AGG],
    columns,
  };
}

import { customerJoinSql } from '../../identity/identifier-normalization';
import type { Cte, FeatureSqlContext } from './feature-sql-context';

/**
 * `ids`: the map's user_id and anonymous_id entries. The map has one row per identifier; grouping
 * keeps a broken map from doubling every order and amount of a customer instead of merely
 * picking one of two customers.
 */
function idsCte(context: FeatureSqlContext): Cte {
  return [
    'ids',
    `SELECT id_type, id_value, min(customer_id) AS customer_id
      FROM ${context.sources.identityMap}
      WHERE id_type IN ('user_id', 'anonymous_id') AND customer_id IS NOT NULL
      GROUP BY id_type, id_value`,
  ];
}

/**
 * `ord`: orders placed up to the end of D whose latest state is not cancelled (a deleted order
 * is absent from the processed zone; a missing status counts as placed), with their customer:
 * the customer of the order's user_id, joined the way identity prescribes (customerJoinSql).
 */
function ordersCte(context: FeatureSqlContext): Cte {
  const { joins, customer } = customerJoinSql('ids', 'o', { userId: 'user_id' });
  return [
    'ord',
    `SELECT * FROM (
        SELECT ${customer} AS customer_id, o.order_id, o.vertical, coalesce(o.total_amount, 0) AS total_amount, o.created_at
        FROM ${context.sources.orders} AS o
        ${joins}
        WHERE ${context.partitions('o.dt')} AND o.created_at < ${context.end}
          AND (o.status IS NULL OR lower(o.status) <> 'cancelled')
      ) AS placed
      WHERE customer_id IS NOT NULL`,
  ];
}

/**
 * `ev`: clickstream events up to the end of D with their stitched customer: the customer of the
 * event's user_id, else of its anonymous_id, so banner clicks made before logging in count for
 * the customer they turned out to be. Events of no known customer are dropped.
 */
function eventsCte(context: FeatureSqlContext): Cte {
  const { joins, customer } = customerJoinSql('ids', 'e', { userId: 'user_id', anonymousId: 'anonymous_id' });
  return [
    'ev',
    `SELECT * FROM (
        SELECT ${customer} AS customer_id, e.message_id, e.type, e.event, e.event_time, e.channel, e.promotion_id, e.properties
        FROM ${context.sources.clickstream} AS e
        ${joins}
        WHERE ${context.partitions('e.dt')} AND e.event_time < ${context.end}
      ) AS stitched
      WHERE customer_id IS NOT NULL`,
  ];
}

/**
 * `lines`: product lines of placed orders, one row per (order, product). Only Order Completed
 * events list products; the order table says whether the order still stands, when it was placed
 * and whose it is. The event may land just after midnight for an order placed before it, hence
 * one day of slack on its partition.
 */
function linesCte(context: FeatureSqlContext): Cte {
  const { dialect } = context;
  const product = `coalesce(${dialect.jsonText('p.item', '$.product_id')}, ${dialect.jsonText('p.item', '$.sku')})`;
  return [
    'lines',
    `SELECT DISTINCT o.customer_id, o.order_id, o.created_at, ${product} AS product_id, ${dialect.jsonText('p.item', '$.category')} AS category
      FROM ${context.sources.clickstream} AS e
      ${dialect.unnestJsonArray('e.properties', '$.products', 'p')}
      JOIN ord AS o ON o.order_id = e.order_id
      WHERE ${context.partitions('e.dt', undefined, 1)} AND e.type = 'track' AND e.event = 'Order Completed'`,
  ];
}

/** The shared CTEs every view reads from, in dependency order. */
export function baseCtes(context: FeatureSqlContext): Cte[] {
  return [idsCte(context), ordersCte(context), eventsCte(context), linesCte(context)];
}

import { customerJoinSql } from '../../identity/identifier-normalization';
import type { SegmentSqlContext } from './segment-sql-context';
import { raw, type SqlFragment } from './sql-fragment';

/** Clickstream rows with their stitched customer: CTEs to put in the WITH clause, the FROM clause (rows aliased `e`), the customer expression. */
export interface CustomerEvents {
  ctes: SqlFragment[];
  from: string;
  customer: string;
  /** Whether the rows come from the stitched clickstream (no identity join at query time). */
  stitched: boolean;
}

/**
 * Where behaviour and consent read events with their customer. The stitched clickstream, when the
 * lake has a current one: each event already carries its customer, and rows within a day are sorted
 * by event, so an event filter skips most row groups. Otherwise the processed clickstream joined to
 * the identity map the way identity prescribes (user_id's customer, else anonymous_id's). Both read
 * the map as it is, one row per identifier (no regrouping per query), so they choose the same
 * customers. `ids` names the CTE of map entries the join needs; CTE names must differ per use.
 */
export function customerEvents(context: SegmentSqlContext, ids: string): CustomerEvents {
  const { stitchedClickstream, clickstream, identityMap } = context.sources;
  if (stitchedClickstream) return { ctes: [], from: `${stitchedClickstream} AS e`, customer: 'e.customer_id', stitched: true };
  const { joins, customer } = customerJoinSql(ids, 'e', { userId: 'user_id', anonymousId: 'anonymous_id' });
  return {
    ctes: [raw(`${ids} AS (SELECT id_type, id_value, customer_id FROM ${identityMap} WHERE id_type IN ('user_id', 'anonymous_id') AND customer_id IS NOT NULL)`)],
    from: `${clickstream} AS e\n      ${joins}`,
    customer,
    stitched: false,
  };
}

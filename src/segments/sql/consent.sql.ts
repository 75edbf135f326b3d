import { customerJoinSql } from '../../identity/identifier-normalization';
import { CONSENT_EVENT, CONSENT_PATH } from '../consent/marketing-consent';
import type { SegmentSqlContext } from './segment-sql-context';
import { raw, sql, type SqlFragment } from './sql-fragment';

/**
 * `consent` (customer_id, opted_out): each customer's newest consent choice about advertising up
 * to the end of D, across every identifier stitched to them (ties: the greater messageId). Reads
 * all history up to D, which is why the daily job snapshots it and previews read the snapshot.
 */
export function consentSelectSql(context: SegmentSqlContext): SqlFragment {
  const { joins, customer } = customerJoinSql('consent_ids', 'e', { userId: 'user_id', anonymousId: 'anonymous_id' });
  return sql`WITH consent_ids AS (
      SELECT id_type, id_value, min(customer_id) AS customer_id FROM ${raw(context.sources.identityMap)}
      WHERE id_type IN ('user_id', 'anonymous_id') AND customer_id IS NOT NULL GROUP BY id_type, id_value
    ), choices AS (
      SELECT ${raw(customer)} AS customer_id, e.event_time, e.message_id, ${context.dialect.jsonText('e.context', CONSENT_PATH)} AS advertising
      FROM ${raw(context.sources.clickstream)} AS e
      ${raw(joins)}
      WHERE ${raw(context.partitions('e.dt'))} AND e.event_time < ${raw(context.endLiteral)} AND e.type = 'track' AND e.event = ${CONSENT_EVENT}
    ), ranked AS (
      SELECT customer_id, advertising, event_time, row_number() OVER (PARTITION BY customer_id ORDER BY event_time DESC, message_id DESC) AS newest
      FROM choices WHERE customer_id IS NOT NULL AND advertising IS NOT NULL
    )
    SELECT customer_id, advertising = 'false' AS opted_out, event_time AS decided_at FROM ranked WHERE newest = 1`;
}

/** The consent relation a segment query joins: the day's snapshot when there is one, else computed from the clickstream. */
export function consentCte(context: SegmentSqlContext): SqlFragment {
  if (context.sources.consent) return raw(`consent AS (SELECT customer_id, opted_out FROM ${context.sources.consent})`);
  return sql`consent AS (${consentSelectSql(context)})`;
}

import { CONSENT_EVENT, CONSENT_PATH } from '../consent/marketing-consent';
import { customerEvents } from './customer-events.sql';
import type { SegmentSqlContext } from './segment-sql-context';
import { joinSql, raw, sql, type SqlFragment } from './sql-fragment';

/**
 * `consent` (customer_id, opted_out): each customer's newest consent choice about advertising up
 * to the end of D, across every identifier stitched to them (ties: the greater messageId). Reads
 * all history up to D, which is why the daily job snapshots it and previews read the snapshot.
 */
export function consentSelectSql(context: SegmentSqlContext): SqlFragment {
  const source = customerEvents(context, 'consent_ids');
  return sql`WITH ${joinSql([...source.ctes, raw('')], ', ')}choices AS (
      SELECT ${raw(source.customer)} AS customer_id, e.event_time, e.message_id, ${context.dialect.jsonText('e.context', CONSENT_PATH)} AS advertising
      FROM ${raw(source.from)}
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

import { customerJoinSql } from '../../identity/identifier-normalization';
import type { CheckedBehaviour, CheckedFilter } from '../definition/segment-condition';
import type { SegmentSqlContext } from './segment-sql-context';
import { joinSql, raw, sql, valueList, type SqlFragment } from './sql-fragment';

/**
 * Behaviour conditions of any number of definitions share one pass over the clickstream: `ev`
 * holds the window's track events of the named events with their stitched customer, `beh` one
 * row per customer with the count of distinct messageIds matching each behaviour (`b0`, `b1`, …). Identical
 * behaviours in several definitions share a column.
 */
export type BehaviourStrategy = 'distinct' | 'per-message';

export class BehaviourColumns {
  private readonly columns = new Map<string, { column: string; behaviour: CheckedBehaviour }>();

  /** The `beh` column counting this behaviour. */
  column(behaviour: CheckedBehaviour): string {
    const key = JSON.stringify([behaviour.event, behaviour.inLastDays, behaviour.where]);
    let entry = this.columns.get(key);
    if (!entry) {
      entry = { column: `b${this.columns.size}`, behaviour };
      this.columns.set(key, entry);
    }
    return entry.column;
  }

  get size(): number {
    return this.columns.size;
  }

  /**
   * The CTEs `ids`, `ev` and `beh`; none when no definition has behaviour. Both strategies count
   * distinct messageIds that match: count(DISTINCT) keeps a set per behaviour and customer,
   * `per-message` (the default) aggregates (customer, message) once for all behaviours and sums;
   * measured side by side it was faster for 1 and 7 behaviours, slower for 2 (docs/BENCHMARKS.md).
   */
  ctes(context: SegmentSqlContext, strategy: BehaviourStrategy = 'per-message'): SqlFragment[] {
    const entries = [...this.columns.values()];
    if (entries.length === 0) return [];
    const longest = Math.max(...entries.map((entry) => entry.behaviour.inLastDays));
    const events = [...new Set(entries.map((entry) => entry.behaviour.event))];
    const { joins, customer } = customerJoinSql('ids', 'e', { userId: 'user_id', anonymousId: 'anonymous_id' });
    const conditions = entries.map(({ column, behaviour }) => ({
      column,
      when: joinSql([sql`event = ${behaviour.event}`, raw(`event_time >= ${context.windowStartLiteral(behaviour.inLastDays)}`), ...behaviour.where.map((filter) => filterSql(filter, context))], ' AND '),
    }));
    const counted =
      strategy === 'distinct'
        ? [
            sql`beh AS (
      SELECT customer_id, ${joinSql(conditions.map(({ column, when }) => sql`count(DISTINCT CASE WHEN ${when} THEN message_id END) AS ${raw(column)}`), ',\n        ')}
      FROM ev WHERE customer_id IS NOT NULL GROUP BY customer_id
    )`,
          ]
        : [
            sql`beh_messages AS (
      SELECT customer_id, ${joinSql(conditions.map(({ column, when }) => sql`max(CASE WHEN ${when} THEN 1 ELSE 0 END) AS ${raw(column)}`), ',\n        ')}
      FROM ev WHERE customer_id IS NOT NULL AND message_id IS NOT NULL GROUP BY customer_id, message_id
    )`,
            raw(`beh AS (SELECT customer_id, ${conditions.map(({ column }) => `sum(${column}) AS ${column}`).join(', ')} FROM beh_messages GROUP BY customer_id)`),
          ];
    return [
      raw(`ids AS (
      SELECT id_type, id_value, min(customer_id) AS customer_id FROM ${context.sources.identityMap}
      WHERE id_type IN ('user_id', 'anonymous_id') AND customer_id IS NOT NULL GROUP BY id_type, id_value
    )`),
      sql`ev AS (
      SELECT ${raw(customer)} AS customer_id, e.message_id, e.event, e.event_time, e.properties
      FROM ${raw(context.sources.clickstream)} AS e
      ${raw(joins)}
      WHERE ${raw(context.partitions('e.dt', longest))} AND e.event_time >= ${raw(context.windowStartLiteral(longest))} AND e.event_time < ${raw(context.endLiteral)}
        AND e.type = 'track' AND e.event IN ${valueList(events)}
    )`,
      ...counted,
    ];
  }
}

/** One property filter over `ev.properties`; false (not NULL) when the property is missing or of another kind. */
function filterSql(filter: CheckedFilter, context: SegmentSqlContext): SqlFragment {
  const path = `$.${filter.property}`;
  const { dialect } = context;
  const value = filter.kind === 'text' ? dialect.jsonString('properties', path) : filter.kind === 'number' ? dialect.jsonNumber('properties', path) : dialect.jsonBoolean('properties', path);
  const [first] = filter.values;
  const test =
    filter.op === 'in'
      ? sql`${value} IN ${valueList(filter.values)}`
      : sql`${value} ${raw(COMPARISON_SQL[filter.op])} ${first as string | number | boolean}`;
  return sql`coalesce(${test}, false)`;
}

export const COMPARISON_SQL = { eq: '=', ne: '<>', lt: '<', lte: '<=', gt: '>', gte: '>=' } as const;

import type { CheckedBehaviour, CheckedFilter } from '../definition/segment-condition';
import { customerEvents } from './customer-events.sql';
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
   * The CTEs `ev` and `beh` (and what reading events with their customer needs); none when no
   * definition has behaviour. Each event's properties are parsed once, into `props`, however many
   * filters read them; a behaviour's test leaves out what `ev` already guarantees (its event when
   * there is only one, its window when it is the longest). Both strategies count distinct
   * messageIds that match: count(DISTINCT) keeps a set per behaviour and customer, `per-message`
   * (the default) aggregates (customer, message) once for all behaviours and sums; measured side by
   * side on the stitched clickstream it was faster for 1, 2 and 7 behaviours (docs/BENCHMARKS.md).
   */
  ctes(context: SegmentSqlContext, strategy: BehaviourStrategy = 'per-message'): SqlFragment[] {
    const entries = [...this.columns.values()];
    if (entries.length === 0) return [];
    const longest = Math.max(...entries.map((entry) => entry.behaviour.inLastDays));
    const events = [...new Set(entries.map((entry) => entry.behaviour.event))];
    const properties = [...new Set(entries.flatMap((entry) => entry.behaviour.where.map((filter) => filter.property)))];
    const slot = (property: string) => `props[${properties.indexOf(property) + 1}]`;
    const source = customerEvents(context, 'ids');
    const conditions = entries.map(({ column, behaviour }) => {
      const tests = [
        ...(events.length > 1 ? [sql`event = ${behaviour.event}`] : []),
        ...(behaviour.inLastDays < longest ? [raw(`event_time >= ${context.windowStartLiteral(behaviour.inLastDays)}`)] : []),
        ...behaviour.where.map((filter) => filterSql(filter, slot(filter.property), context)),
      ];
      return { column, when: tests.length > 0 ? joinSql(tests, ' AND ') : undefined };
    });
    const when = (condition: (typeof conditions)[number]) => condition.when ?? raw('true');
    // Events no behaviour counts are dropped before grouping by message (often most of them, with
    // property filters); needless when every event of `ev` is counted whole by some behaviour.
    const countedWhole = new Set(entries.filter(({ behaviour }) => behaviour.where.length === 0 && behaviour.inLastDays === longest).map(({ behaviour }) => behaviour.event));
    const counts = events.every((event) => countedWhole.has(event)) ? raw('') : sql` AND (${joinSql(conditions.map(when), ' OR ')})`;
    const counted =
      strategy === 'distinct'
        ? [
            sql`beh AS (
      SELECT customer_id, ${joinSql(conditions.map((condition) => sql`count(DISTINCT CASE WHEN ${when(condition)} THEN message_id END) AS ${raw(condition.column)}`), ',\n        ')}
      FROM ev WHERE customer_id IS NOT NULL GROUP BY customer_id
    )`,
          ]
        : [
            sql`beh_messages AS (
      SELECT customer_id, ${joinSql(conditions.map((condition) => sql`max(CASE WHEN ${when(condition)} THEN 1 ELSE 0 END) AS ${raw(condition.column)}`), ',\n        ')}
      FROM ev WHERE customer_id IS NOT NULL AND message_id IS NOT NULL${counts} GROUP BY customer_id, message_id
    )`,
            raw(`beh AS (SELECT customer_id, ${conditions.map(({ column }) => `sum(${column}) AS ${column}`).join(', ')} FROM beh_messages GROUP BY customer_id)`),
          ];
    const props = properties.length > 0 ? sql`, ${context.dialect.jsonValues('e.properties', properties.map((property) => `$.${property}`))} AS props` : raw('');
    return [
      ...source.ctes,
      sql`ev AS (
      SELECT ${raw(source.customer)} AS customer_id, e.message_id, e.event, e.event_time${props}
      FROM ${raw(source.from)}
      WHERE ${raw(context.partitions('e.dt', longest))} AND e.event_time >= ${raw(context.windowStartLiteral(longest))} AND e.event_time < ${raw(context.endLiteral)}
        AND e.type = 'track' AND e.event IN ${valueList(events)}
    )`,
      ...counted,
    ];
  }
}

/** One property filter over its slot of `ev.props`; false (not NULL) when the property is missing or of another kind. */
function filterSql(filter: CheckedFilter, slot: string, context: SegmentSqlContext): SqlFragment {
  const { dialect } = context;
  const value = raw(filter.kind === 'text' ? dialect.valueString(slot) : filter.kind === 'number' ? dialect.valueNumber(slot) : dialect.valueBoolean(slot));
  const [first] = filter.values;
  const test =
    filter.op === 'in'
      ? sql`${value} IN ${valueList(filter.values)}`
      : sql`${value} ${raw(COMPARISON_SQL[filter.op])} ${first as string | number | boolean}`;
  return sql`coalesce(${test}, false)`;
}

export const COMPARISON_SQL = { eq: '=', ne: '<>', lt: '<', lte: '<=', gt: '>', gte: '>=' } as const;

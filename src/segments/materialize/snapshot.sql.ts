import type { CheckedCondition } from '../definition/segment-condition';
import { compileSegments } from '../sql/segment-query.sql';
import type { SegmentSqlContext } from '../sql/segment-sql-context';
import { joinSql, raw, sql, valueList, type SqlFragment } from '../sql/sql-fragment';

export interface SnapshotSegment {
  id: string;
  version: number;
  definition: CheckedCondition;
}

/**
 * Every segment's members as of D in one query, (segment_id, segment_version, customer_id) sorted:
 * the definitions share one pass over the feature table and one over the clickstream, and each
 * customer row yields the numbers of the segments it is in (unnested), so no per-segment branch
 * re-reads anything. Segments whose definition could not be evaluated keep their previous members
 * (`carried`), so a broken definition does not look like everyone leaving. DuckDB SQL (list
 * functions): materialization writes the local features zone.
 */
export function snapshotSql(segments: readonly SnapshotSegment[], context: SegmentSqlContext, carried: { relation: string; ids: readonly string[] } | undefined): SqlFragment {
  const branches: SqlFragment[] = [];
  let ctes = raw('');
  if (segments.length > 0) {
    const compiled = compileSegments(
      segments.map((segment) => segment.definition),
      context,
    );
    const hits = compiled.predicates.map((predicate, index) => sql`CASE WHEN ${predicate} THEN ${raw(String(index))} END`);
    const numbered = segments.map((segment, index) => sql`(${raw(String(index))}, CAST(${segment.id} AS VARCHAR), CAST(${segment.version} AS BIGINT))`);
    ctes = sql`${compiled.ctes},
    flagged AS (SELECT f.customer_id, list_filter([${joinSql(hits, ',\n        ')}], k -> k IS NOT NULL) AS hits FROM ${raw(compiled.from)} WHERE NOT ${raw(compiled.optedOut)}),
    numbered(k, segment_id, segment_version) AS (VALUES ${joinSql(numbered, ', ')}),
    hit AS (SELECT customer_id, unnest(hits) AS k FROM flagged),`;
    branches.push(raw('SELECT numbered.segment_id, numbered.segment_version, hit.customer_id FROM hit JOIN numbered ON numbered.k = hit.k'));
  }
  if (carried && carried.ids.length > 0) branches.push(sql`SELECT segment_id, segment_version, customer_id FROM ${raw(carried.relation)} WHERE segment_id IN ${valueList(carried.ids)}`);
  if (branches.length === 0) branches.push(raw('SELECT CAST(NULL AS VARCHAR) AS segment_id, CAST(NULL AS BIGINT) AS segment_version, CAST(NULL AS VARCHAR) AS customer_id WHERE 1 = 0'));
  return sql`WITH ${ctes} members AS (
    ${joinSql(branches, '\n    UNION ALL ')}
  )
  SELECT * FROM members ORDER BY segment_id, customer_id`;
}

/** Entries and exits between the previous snapshot and this one, with the as-of instant and the time they were found. */
export function changesSql(current: string, previous: string | undefined, atLiteral: string, detectedAt: Date): SqlFragment {
  const before = previous ?? '(SELECT CAST(NULL AS VARCHAR) AS segment_id, CAST(NULL AS BIGINT) AS segment_version, CAST(NULL AS VARCHAR) AS customer_id WHERE 1 = 0)';
  return sql`SELECT coalesce(cur.segment_id, prev.segment_id) AS segment_id,
      coalesce(cur.segment_version, prev.segment_version) AS segment_version,
      coalesce(cur.customer_id, prev.customer_id) AS customer_id,
      CASE WHEN prev.customer_id IS NULL THEN 'entered' ELSE 'exited' END AS change,
      ${raw(atLiteral)} AS changed_at,
      ${detectedAt} AS detected_at
    FROM ${raw(current)} AS cur
    FULL OUTER JOIN ${raw(before)} AS prev ON prev.segment_id = cur.segment_id AND prev.customer_id = cur.customer_id
    WHERE cur.customer_id IS NULL OR prev.customer_id IS NULL
    ORDER BY 1, 3`;
}

/** Per customer of either snapshot, the sorted segments they are in now (empty when they left them all). */
export function onlineListsSql(current: string, previous: string | undefined): string {
  const everyone = previous ? `SELECT customer_id FROM ${current} UNION SELECT customer_id FROM ${previous}` : `SELECT customer_id FROM ${current}`;
  return `SELECT c.customer_id, coalesce(list(m.segment_id ORDER BY m.segment_id) FILTER (WHERE m.segment_id IS NOT NULL), []) AS segments
    FROM (${everyone}) AS c LEFT JOIN ${current} AS m ON m.customer_id = c.customer_id
    GROUP BY c.customer_id ORDER BY c.customer_id`;
}

import type { LakeEngine } from '../../lake/lake-engine.port';
import type { LakeLayout } from '../../lake/lake-layout';
import type { CheckedCondition } from '../definition/segment-condition';
import { segmentDialectOf } from '../sql/segment-dialect';
import { compileSegments } from '../sql/segment-query.sql';
import { SegmentSqlContext } from '../sql/segment-sql-context';
import { segmentSources, type SegmentSources } from '../sql/segment-sources';
import { raw, sql } from '../sql/sql-fragment';

export const DEFAULT_SAMPLE = 10;
export const MAX_SAMPLE = 100;

export interface SegmentPreview {
  /** The as-of day evaluated. */
  date: string;
  /** Customers with features on that day. */
  population: number;
  /** Customers the definition matches, before consent. */
  matched: number;
  /** Of those, customers who refused advertising: never members. */
  excludedByConsent: number;
  /** The exact size of the audience: matched minus excluded. */
  size: number;
  /** Some members (customer ids), a deterministic spread rather than the smallest ids. */
  sample: string[];
  /** Where consent came from: the day's snapshot, or the clickstream (no snapshot of that day yet). */
  consent: 'snapshot' | 'clickstream';
  /** How events found their customer: read from the stitched clickstream, or joined to the identity map. */
  events: 'stitched' | 'joined';
  ms: number;
}

/**
 * The exact size of a definition's audience as of D and a sample of it, in one query: the matched
 * customers are counted, those who refused advertising are told apart, the sample is drawn from
 * the rest. `sources` defaults to what the lake offers for D (benchmarks compare alternatives).
 */
export async function previewSegment(
  engine: LakeEngine,
  layout: LakeLayout,
  definition: CheckedCondition,
  date: string,
  sampleSize: number,
  sources: SegmentSources = segmentSources(engine, layout, date),
): Promise<SegmentPreview> {
  const started = performance.now();
  const context = new SegmentSqlContext(date, segmentDialectOf(engine), sources);
  const compiled = compileSegments([definition], context);
  const query = sql`WITH ${compiled.ctes},
    matched AS (SELECT f.customer_id, ${raw(compiled.optedOut)} AS opted_out FROM ${raw(compiled.from)} WHERE ${compiled.predicates[0] ?? raw('false')}),
    counted AS (SELECT count(*) AS matched, sum(CASE WHEN opted_out THEN 1 ELSE 0 END) AS excluded FROM matched),
    sampled AS (SELECT customer_id FROM matched WHERE NOT opted_out ORDER BY ${raw(context.dialect.sampleOrder('customer_id'))}, customer_id LIMIT ${raw(String(Math.trunc(sampleSize)))})
    SELECT (SELECT count(*) FROM ${raw(sources.features)} AS p) AS population, counted.matched, counted.excluded, sampled.customer_id
    FROM counted LEFT JOIN sampled ON true`;
  const rows = await engine.query(query.text, query.params);
  const first = rows[0];
  const matched = Number(first?.matched ?? 0);
  const excluded = Number(first?.excluded ?? 0);
  return {
    date,
    population: Number(first?.population ?? 0),
    matched,
    excludedByConsent: excluded,
    size: matched - excluded,
    sample: rows.filter((row) => row.customer_id !== null && row.customer_id !== undefined).map((row) => String(row.customer_id)),
    consent: sources.consent ? 'snapshot' : 'clickstream',
    events: sources.stitchedClickstream ? 'stitched' : 'joined',
    ms: Math.round(performance.now() - started),
  };
}

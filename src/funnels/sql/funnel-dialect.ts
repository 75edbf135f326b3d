import type { LakeEngine } from '../../lake/lake-engine.port';

/**
 * The few places where DuckDB and Athena (Trino) SQL differ, each behind one small function; the
 * rest of the funnel SQL is the common subset (CTEs, window functions, FILTER, min_by).
 */
export interface FunnelDialect {
  /** Epoch milliseconds of a TIMESTAMP, as BIGINT: the funnel compares integers only. */
  epochMs(timestamp: string): string;
  /** A partition predicate on the `dt` column; DuckDB infers dt as DATE, Athena keeps it text. */
  dayBetween(column: string, from: string, to: string): string;
  /** The text of a JSON value at a bound path (`$.key`). */
  jsonText(json: string, path: string): string;
  /**
   * Median as the middle value, the lower of the two for an even count: always a time some
   * customer really took, and what a merged histogram can estimate within one bucket. Exact on
   * DuckDB; Athena has only the approximate percentile.
   */
  median(expression: string): string;
  /**
   * How the next step is found. `asof`: DuckDB's ASOF JOIN picks the first later event per
   * customer in O(n log n). `range`: a join on customer and time range with min(), which any
   * engine runs (Athena has no ASOF JOIN). Both give the same rows; a test checks it.
   */
  nextStep: 'asof' | 'range';
}

export const DUCKDB_DIALECT: FunnelDialect = {
  epochMs: (timestamp) => `epoch_ms(${timestamp})`,
  dayBetween: (column, from, to) => `${column} BETWEEN CAST(${from} AS DATE) AND CAST(${to} AS DATE)`,
  jsonText: (json, path) => `json_extract_string(${json}, ${path})`,
  median: (expression) => `quantile_disc(${expression}, 0.5)`,
  nextStep: 'asof',
};

export const ATHENA_DIALECT: FunnelDialect = {
  epochMs: (timestamp) => `CAST(to_unixtime(${timestamp}) * 1000 AS BIGINT)`,
  dayBetween: (column, from, to) => `${column} BETWEEN ${from} AND ${to}`,
  jsonText: (json, path) => `json_extract_scalar(${json}, ${path})`,
  median: (expression) => `approx_percentile(${expression}, 0.5)`,
  nextStep: 'range',
};

export function dialectOf(engine: Pick<LakeEngine, 'dialect'>): FunnelDialect {
  return engine.dialect === 'athena' ? ATHENA_DIALECT : DUCKDB_DIALECT;
}

import type { LakeEngine } from '../../lake/lake-engine.port';

/**
 * The few places where DuckDB and Athena (Trino) disagree, each behind one small function. The
 * rest of the feature SQL is the common subset: CTEs, CASE WHEN, CAST, window functions, max_by,
 * array_agg(… ORDER BY …), CROSS JOIN UNNEST, date_diff('day', DATE, DATE).
 */
export interface FeatureDialect {
  /** A predicate on the `dt` partition column, so the engine skips whole partitions. DuckDB infers dt as DATE, Athena keeps it text. */
  dayAtLeast(column: string, day: string): string;
  dayAtMost(column: string, day: string): string;
  /** Epoch milliseconds of a TIMESTAMP as a BIGINT. */
  epochMs(timestamp: string): string;
  /** The text of a JSON value at a constant path (`$.key`). */
  jsonText(json: string, path: string): string;
  /** `CROSS JOIN UNNEST` of the JSON array at `path` of `json`, one row per element as JSON in `alias.item`. */
  unnestJsonArray(json: string, path: string, alias: string): string;
  /** The median. Exact on DuckDB; Athena has only the approximate percentile (error well under a day here). */
  median(expression: string): string;
  /** SQL type of a list of strings. */
  stringList: string;
}

const quoted = (text: string): string => `'${text.replaceAll("'", "''")}'`;

export const DUCKDB_FEATURE_DIALECT: FeatureDialect = {
  dayAtLeast: (column, day) => `${column} >= DATE ${quoted(day)}`,
  dayAtMost: (column, day) => `${column} <= DATE ${quoted(day)}`,
  epochMs: (timestamp) => `epoch_ms(${timestamp})`,
  jsonText: (json, path) => `json_extract_string(${json}, ${quoted(path)})`,
  unnestJsonArray: (json, path, alias) => `CROSS JOIN UNNEST(CAST(json_extract(${json}, ${quoted(path)}) AS JSON[])) AS ${alias}(item)`,
  median: (expression) => `median(${expression})`,
  stringList: 'VARCHAR[]',
};

export const ATHENA_FEATURE_DIALECT: FeatureDialect = {
  dayAtLeast: (column, day) => `${column} >= ${quoted(day)}`,
  dayAtMost: (column, day) => `${column} <= ${quoted(day)}`,
  epochMs: (timestamp) => `CAST(to_unixtime(${timestamp}) * 1000 AS BIGINT)`,
  jsonText: (json, path) => `json_extract_scalar(${json}, ${quoted(path)})`,
  unnestJsonArray: (json, path, alias) => `CROSS JOIN UNNEST(CAST(json_extract(${json}, ${quoted(path)}) AS ARRAY(JSON))) AS ${alias}(item)`,
  median: (expression) => `approx_percentile(${expression}, 0.5)`,
  stringList: 'ARRAY(VARCHAR)',
};

export function featureDialectOf(engine: Pick<LakeEngine, 'dialect'>): FeatureDialect {
  return engine.dialect === 'athena' ? ATHENA_FEATURE_DIALECT : DUCKDB_FEATURE_DIALECT;
}

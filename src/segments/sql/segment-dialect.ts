import type { LakeEngine } from '../../lake/lake-engine.port';
import { ATHENA_FEATURE_DIALECT, DUCKDB_FEATURE_DIALECT, type FeatureDialect } from '../../features/sql/feature-dialect';
import { raw, sql, SqlFragment } from './sql-fragment';

/**
 * Where DuckDB and Athena (Trino) disagree in the segment SQL, each behind one function; the rest
 * is their common subset. JSON paths arrive as bound parameters like every other operand.
 */
export interface SegmentDialect {
  /** Partition pruning on the `dt` column (DuckDB infers a DATE, Athena keeps text). */
  days: Pick<FeatureDialect, 'dayAtLeast' | 'dayAtMost'>;
  /** Whether a list contains a value. */
  listContains(list: string, value: string): SqlFragment;
  /** A non-empty list. */
  listNotEmpty(list: string): string;
  /**
   * The JSON values at `paths` of the document `json` as a list (1-based; an element is NULL where
   * its path is missing), so several property filters share one parse of each event's properties.
   */
  jsonValues(json: string, paths: readonly string[]): SqlFragment;
  /** Of one JSON value (an element of jsonValues): its text when it is a string, else NULL. */
  valueString(value: string): string;
  /** Of one JSON value: the number as a DOUBLE when it is a number, else NULL. */
  valueNumber(value: string): string;
  /** Of one JSON value: the boolean when it is true or false, else NULL. */
  valueBoolean(value: string): string;
  /** The text of a JSON scalar at a constant path, whatever its kind. */
  jsonText(json: string, path: string): SqlFragment;
  /** An order for a deterministic sample that is not merely the smallest ids. */
  sampleOrder(column: string): string;
}

export const DUCKDB_SEGMENT_DIALECT: SegmentDialect = {
  days: DUCKDB_FEATURE_DIALECT,
  listContains: (list, value) => sql`list_contains(${raw(list)}, ${value})`,
  listNotEmpty: (list) => `len(${list}) > 0`,
  jsonValues: (json, paths) => new SqlFragment(`json_extract(${json}, [${paths.map(() => '?').join(', ')}])`, paths),
  // An extracted value's text is minified JSON, so its kind shows in the text without parsing it
  // again: strings start with a quote, only numbers cast to a DOUBLE, booleans are true or false.
  valueString: (value) => `CASE WHEN starts_with(CAST(${value} AS VARCHAR), '"') THEN ${value} ->> '$' END`,
  valueNumber: (value) => `TRY_CAST(CAST(${value} AS VARCHAR) AS DOUBLE)`,
  valueBoolean: (value) => `CASE WHEN CAST(${value} AS VARCHAR) IN ('true', 'false') THEN CAST(${value} AS VARCHAR) = 'true' END`,
  jsonText: (json, path) => sql`json_extract_string(${raw(json)}, ${path})`,
  sampleOrder: (column) => `hash(${column})`,
};

/** Trino has no json_type; json_format shows the kind: strings quoted, booleans bare. */
export const ATHENA_SEGMENT_DIALECT: SegmentDialect = {
  days: ATHENA_FEATURE_DIALECT,
  listContains: (list, value) => sql`contains(${raw(list)}, ${value})`,
  listNotEmpty: (list) => `cardinality(${list}) > 0`,
  // Trino has no multi-path extract: one json_extract per property, still once per event rather than per filter.
  jsonValues: (json, paths) => new SqlFragment(`ARRAY[${paths.map(() => `json_extract(${json}, ?)`).join(', ')}]`, paths),
  valueString: (value) => `CASE WHEN json_format(${value}) LIKE '"%' THEN json_extract_scalar(${value}, '$') END`,
  valueNumber: (value) => `CASE WHEN json_format(${value}) NOT LIKE '"%' THEN TRY_CAST(json_extract_scalar(${value}, '$') AS DOUBLE) END`,
  valueBoolean: (value) => `CASE WHEN json_format(${value}) IN ('true', 'false') THEN json_format(${value}) = 'true' END`,
  jsonText: (json, path) => sql`json_extract_scalar(${raw(json)}, ${path})`,
  sampleOrder: (column) => `xxhash64(to_utf8(${column}))`,
};

export function segmentDialectOf(engine: Pick<LakeEngine, 'dialect'>): SegmentDialect {
  return engine.dialect === 'athena' ? ATHENA_SEGMENT_DIALECT : DUCKDB_SEGMENT_DIALECT;
}


import type { LakeEngine } from '../../lake/lake-engine.port';
import { ATHENA_FEATURE_DIALECT, DUCKDB_FEATURE_DIALECT, type FeatureDialect } from '../../features/sql/feature-dialect';
import { raw, sql, type SqlFragment } from './sql-fragment';

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
  /** The JSON string at `path`, or NULL when it is missing or not a string. */
  jsonString(json: string, path: string): SqlFragment;
  /** The JSON number at `path` as a DOUBLE, or NULL when missing or not a number. */
  jsonNumber(json: string, path: string): SqlFragment;
  /** The JSON boolean at `path`, or NULL when missing or not a boolean. */
  jsonBoolean(json: string, path: string): SqlFragment;
  /** The text of a JSON scalar at a constant path, whatever its kind. */
  jsonText(json: string, path: string): SqlFragment;
  /** An order for a deterministic sample that is not merely the smallest ids. */
  sampleOrder(column: string): string;
}

export const DUCKDB_SEGMENT_DIALECT: SegmentDialect = {
  days: DUCKDB_FEATURE_DIALECT,
  listContains: (list, value) => sql`list_contains(${raw(list)}, ${value})`,
  listNotEmpty: (list) => `len(${list}) > 0`,
  jsonString: (json, path) => sql`CASE WHEN json_type(${raw(json)}, ${path}) = 'VARCHAR' THEN json_extract_string(${raw(json)}, ${path}) END`,
  jsonNumber: (json, path) => sql`CASE WHEN json_type(${raw(json)}, ${path}) IN ('BIGINT', 'UBIGINT', 'DOUBLE', 'HUGEINT') THEN TRY_CAST(json_extract_string(${raw(json)}, ${path}) AS DOUBLE) END`,
  jsonBoolean: (json, path) => sql`CASE WHEN json_type(${raw(json)}, ${path}) = 'BOOLEAN' THEN json_extract_string(${raw(json)}, ${path}) = 'true' END`,
  jsonText: (json, path) => sql`json_extract_string(${raw(json)}, ${path})`,
  sampleOrder: (column) => `hash(${column})`,
};

/** Trino has no json_type; json_format shows the kind: strings quoted, booleans bare. */
export const ATHENA_SEGMENT_DIALECT: SegmentDialect = {
  days: ATHENA_FEATURE_DIALECT,
  listContains: (list, value) => sql`contains(${raw(list)}, ${value})`,
  listNotEmpty: (list) => `cardinality(${list}) > 0`,
  jsonString: (json, path) => sql`CASE WHEN json_format(json_extract(${raw(json)}, ${path})) LIKE '"%' THEN json_extract_scalar(${raw(json)}, ${path}) END`,
  jsonNumber: (json, path) =>
    sql`CASE WHEN json_format(json_extract(${raw(json)}, ${path})) NOT LIKE '"%' THEN TRY_CAST(json_extract_scalar(${raw(json)}, ${path}) AS DOUBLE) END`,
  jsonBoolean: (json, path) => sql`CASE WHEN json_format(json_extract(${raw(json)}, ${path})) IN ('true', 'false') THEN json_format(json_extract(${raw(json)}, ${path})) = 'true' END`,
  jsonText: (json, path) => sql`json_extract_scalar(${raw(json)}, ${path})`,
  sampleOrder: (column) => `xxhash64(to_utf8(${column}))`,
};

export function segmentDialectOf(engine: Pick<LakeEngine, 'dialect'>): SegmentDialect {
  return engine.dialect === 'athena' ? ATHENA_SEGMENT_DIALECT : DUCKDB_SEGMENT_DIALECT;
}


import type { LakeColumns } from './lake-columns.port';

/** A value as it comes back from the lake engine, already mapped to JavaScript. */
export type LakeValue = string | number | boolean | null | Date | bigint | LakeValue[] | { [key: string]: LakeValue };
export type LakeRow = Record<string, LakeValue>;

/** SQL over the lake root (DuckDB embedded, Athena in production). */
export interface LakeEngine {
  /** Which engine this is; callers pick dialect-specific SQL only where the common subset cannot. */
  readonly dialect: 'duckdb' | 'athena';
  /** Number columns as typed arrays, where the engine runs in this process (DuckDB); absent on Athena. */
  readonly columns?: LakeColumns;
  /** Runs a query and returns all rows; `params` bind to `?` placeholders in order. */
  query(sql: string, params?: readonly LakeValue[]): Promise<LakeRow[]>;
  /** Runs a statement that returns no rows (DDL, COPY, CTAS). */
  execute(sql: string, params?: readonly LakeValue[]): Promise<void>;
  /** Releases connections; the engine is unusable afterwards. */
  close(): Promise<void>;
}

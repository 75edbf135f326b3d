import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { sqlString } from '../lake-relation';
import type { Workspace } from './workspace';

/** Each processed partition is one file, so a partition is replaced by one atomic rename. */
export const PARTITION_FILE = 'data.parquet';

/** What a table build hands the writer: rows with a `dt` column, the output columns and a total order. */
export interface TableOutput {
  table: string;
  /** A query returning `dt` (YYYY-MM-DD text), every output column and every sort column. */
  select: string;
  /** Columns written to the processed files, in order. */
  columns: readonly string[];
  /** A total order within a day (ends with a unique key), so reruns write identical files. */
  orderBy: string;
}

/**
 * Writes a table's rows as one sorted Parquet file per event day into the staging folder and
 * returns rows per day. DuckDB's partitioned COPY does not keep ORDER BY within a partition, so
 * rows are first spread over day folders unsorted (one streaming pass), then each day is sorted
 * on its own: memory is bounded by the largest day, not the table.
 */
export async function stageDayPartitions(workspace: Workspace, output: TableOutput): Promise<Map<string, number>> {
  const unsorted = workspace.path('unsorted', output.table);
  mkdirSync(path.dirname(unsorted), { recursive: true });
  await workspace.engine.execute(
    `COPY (${output.select}) TO ${sqlString(unsorted)} (FORMAT parquet, PARTITION_BY (dt), OVERWRITE_OR_IGNORE)`,
  );
  const rowsByDay = new Map<string, number>();
  const days = existsSync(unsorted)
    ? readdirSync(unsorted)
        .filter((name) => name.startsWith('dt='))
        .map((name) => name.slice(3))
        .sort()
    : [];
  for (const day of days) {
    const dir = workspace.path('processed', output.table, `dt=${day}`);
    mkdirSync(dir, { recursive: true });
    const source = path.join(unsorted, `dt=${day}`, '*.parquet');
    const [row] = await workspace.engine.query(
      `COPY (
         SELECT ${output.columns.join(', ')}
         FROM read_parquet(${sqlString(source)}, hive_partitioning = false)
         ORDER BY ${output.orderBy}
       ) TO ${sqlString(path.join(dir, PARTITION_FILE))} (FORMAT parquet, COMPRESSION zstd)`,
    );
    rowsByDay.set(day, Number(row?.Count ?? 0));
  }
  rmSync(unsorted, { recursive: true, force: true });
  return rowsByDay;
}

/** A partition to replace by a staged file, or to remove when `staged` is undefined. */
export interface PartitionSwap {
  target: string;
  staged: string | undefined;
  fileName: string;
}

/** Swaps are applied only after everything is staged, so a failed run leaves the lake as it was. */
export function applySwaps(swaps: readonly PartitionSwap[]): void {
  for (const swap of swaps) replacePartition(swap.target, swap.staged, swap.fileName);
}

/**
 * Makes `targetDir` hold exactly `fileName` taken from `stagedFile` (a rename on the same
 * filesystem, so readers see the old file or the new one, never half of one), or removes the
 * partition when there is nothing to hold.
 */
export function replacePartition(targetDir: string, stagedFile: string | undefined, fileName: string): void {
  if (stagedFile === undefined) {
    rmSync(targetDir, { recursive: true, force: true });
    return;
  }
  mkdirSync(targetDir, { recursive: true });
  renameSync(stagedFile, path.join(targetDir, fileName));
  for (const entry of readdirSync(targetDir)) {
    if (entry !== fileName) rmSync(path.join(targetDir, entry), { recursive: true, force: true });
  }
}

/** Event days that already have a partition for `table` in the processed zone. */
export function existingPartitionDays(zoneDir: string, table: string): string[] {
  const dir = path.join(zoneDir, table);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.startsWith('dt='))
    .map((name) => name.slice(3))
    .sort();
}

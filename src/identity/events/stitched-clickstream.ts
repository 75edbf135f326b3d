import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { LakeEngine } from '../../lake/lake-engine.port';
import type { LakeLayout } from '../../lake/lake-layout';
import { lakeRelation, sqlString } from '../../lake/lake-relation';
import { withLakeRun } from '../../lake/lake-run';
import { PARTITION_FILE } from '../../lake/processing/partitions';
import { DomainError } from '../../shared/domain-error';
import { silentLogger, type Logger } from '../../shared/logger.port';
import { identityTableFile } from '../identity-tables';
import {
  clickstreamStamps,
  identityMapStamp,
  isFresh,
  MANIFEST_FILE,
  readManifest,
  type StitchedClickstreamManifest,
} from './stitched-clickstream-manifest';

/**
 * The processed clickstream with each row's stitched customer (`customer_id`), so funnels and
 * segments stop joining every event to the identity map at query time. Partitioned by event day
 * like the processed zone; rows within a day sorted by (event, customer_id, event_time) so an
 * `event IN (…)` filter skips row groups.
 */
export const STITCHED_CLICKSTREAM_TABLE = 'stitched_clickstream';

/**
 * Rows per Parquet row group. Smaller than DuckDB's default (122,880) so that, with rows sorted by
 * event, a filter on a few events reads few row groups of a day rather than all of them.
 */
export const DEFAULT_ROW_GROUP_SIZE = 32_768;

export function stitchedClickstreamDir(layout: LakeLayout): string {
  return path.join(layout.zone('identity'), STITCHED_CLICKSTREAM_TABLE);
}

export function stitchedClickstreamManifestFile(layout: LakeLayout): string {
  return path.join(stitchedClickstreamDir(layout), MANIFEST_FILE);
}

/**
 * The stitched clickstream as a SQL relation, or undefined when it must not be read: missing,
 * empty, or built from another identity map or other processed clickstream files than the lake's
 * current ones (a merge can move any past event to another customer). Callers then resolve
 * customers through the identity map as before. On Athena it is always undefined: the freshness
 * manifest lives on the local lake, so Athena keeps the join (its Glue table would be
 * `identity_stitched_clickstream`, the lake's `<zone>_<table>` naming).
 */
export function stitchedClickstreamRelation(engine: Pick<LakeEngine, 'dialect'>, layout: LakeLayout): string | undefined {
  if (engine.dialect !== 'duckdb') return undefined;
  const manifest = readManifest(stitchedClickstreamManifestFile(layout));
  if (!manifest || manifest.partitions === 0 || !isFresh(manifest, layout)) return undefined;
  return lakeRelation(engine, layout, 'identity', STITCHED_CLICKSTREAM_TABLE);
}

export interface WriteStitchedClickstreamOptions {
  logger?: Logger;
  rowGroupSize?: number;
}

export interface StitchedClickstreamSummary {
  partitions: number;
  /** Events written, each with its customer. */
  rows: number;
  /** Events read whose user_id and anonymous_id resolve to no customer (junk or unknown ids). */
  unresolved: number;
  ms: number;
}

/**
 * The customer of a row: its user_id's, else its anonymous_id's — the resolution funnels use
 * (src/funnels/sql/identity-map.sql.ts). Processed ids are trimmed and blank-free, as stitching
 * normalizes them, so equality joins suffice; junk ids are absent from the map.
 */
function resolvedSelect(files: readonly string[], schema: string): string {
  return `SELECT e.*, coalesce(u.customer_id, a.customer_id) AS customer_id
    FROM read_parquet([${files.map(sqlString).join(', ')}], hive_partitioning = true, union_by_name = true) AS e
    LEFT JOIN ${schema}.user_ids AS u ON u.id_value = e.user_id
    LEFT JOIN ${schema}.anonymous_ids AS a ON a.id_value = e.anonymous_id
    WHERE coalesce(u.customer_id, a.customer_id) IS NOT NULL`;
}

/**
 * Rebuilds the whole stitched clickstream from the current identity map and processed clickstream
 * (a merge can change the customer of any past event), staged in the lake's staging folder and
 * swapped in with its manifest by renames. Runs on the DuckDB lake engine.
 */
export async function writeStitchedClickstream(engine: LakeEngine, layout: LakeLayout, options: WriteStitchedClickstreamOptions = {}): Promise<StitchedClickstreamSummary> {
  if (engine.dialect !== 'duckdb') throw new DomainError('UNAVAILABLE', 'the stitched clickstream is built on the DuckDB lake engine (C360_LAKE_ENGINE=duckdb)');
  const logger = options.logger ?? silentLogger;
  const started = performance.now();
  const runOptions = {
    lock: 'stitched-clickstream.lock',
    prefix: 'stitch-events',
    lockedError: (lockPath: string, holder: number) =>
      new DomainError('CONFLICT', `another stitched clickstream build (pid ${holder}) is running on this lake; wait for it, or delete ${lockPath} if that process is gone`),
  };
  return withLakeRun(engine, layout, runOptions, async (run) => {
    const built = await build(engine, layout, run.schema, run.path(), options.rowGroupSize ?? DEFAULT_ROW_GROUP_SIZE);
    swapIn(layout, run.path(STITCHED_CLICKSTREAM_TABLE), run.path('previous'));
    const summary = { partitions: built.partitions, rows: built.rows, unresolved: built.read - built.rows, ms: Math.round(performance.now() - started) };
    logger.info('identity.stitch-events: stitched clickstream written', { ...summary });
    return summary;
  });
}

async function build(engine: LakeEngine, layout: LakeLayout, schema: string, dir: string, rowGroupSize: number): Promise<{ partitions: number; rows: number; read: number }> {
  // Inputs are stamped before they are read: if either changes meanwhile, the manifest names the
  // old version and readers treat the table as stale, never as fresh.
  const identityMap = identityMapStamp(layout);
  if (!identityMap) throw new DomainError('UNAVAILABLE', 'No identity map yet: run `c360 identity stitch` (or `c360 jobs run`) first');
  const clickstream = clickstreamStamps(layout);
  const mapFile = sqlString(identityTableFile(layout, 'identity_map'));
  for (const type of ['user_id', 'anonymous_id']) {
    await engine.execute(`CREATE TABLE ${schema}.${type}s AS SELECT id_value, customer_id FROM read_parquet(${mapFile}) WHERE id_type = '${type}'`);
  }
  const staged = path.join(dir, STITCHED_CLICKSTREAM_TABLE);
  mkdirSync(staged, { recursive: true });
  const inputs = Object.keys(clickstream).map((file) => path.join(layout.processedTable('clickstream'), file));
  let rows = 0;
  let read = 0;
  const days: string[] = [];
  if (inputs.length > 0) {
    const [total] = await engine.query(`SELECT count(*) AS n FROM read_parquet([${inputs.map(sqlString).join(', ')}])`);
    read = Number(total?.n ?? 0);
    // One pass spreads resolved rows over day folders unsorted, then each day is sorted on its own:
    // memory is bounded by the largest day (DuckDB's partitioned COPY does not keep ORDER BY).
    const unsorted = path.join(dir, 'unsorted');
    await engine.execute(`COPY (${resolvedSelect(inputs, schema)}) TO ${sqlString(unsorted)} (FORMAT parquet, PARTITION_BY (dt))`);
    for (const partition of existsSync(unsorted) ? readdirSync(unsorted).filter((name) => name.startsWith('dt=')).sort() : []) {
      const target = path.join(staged, partition);
      mkdirSync(target, { recursive: true });
      const [row] = await engine.query(
        `COPY (
           SELECT * FROM read_parquet(${sqlString(path.join(unsorted, partition, '*.parquet'))}, hive_partitioning = false)
           ORDER BY event, customer_id, event_time
         ) TO ${sqlString(path.join(target, PARTITION_FILE))} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${Math.max(2048, Math.floor(rowGroupSize))})`,
      );
      rows += Number(row?.Count ?? 0);
      days.push(partition);
    }
    rmSync(unsorted, { recursive: true, force: true });
  }
  const manifest: StitchedClickstreamManifest = { version: 1, builtAt: new Date().toISOString(), identityMap, clickstream, rows, partitions: days.length };
  writeFileSync(path.join(staged, MANIFEST_FILE), JSON.stringify(manifest));
  return { partitions: days.length, rows, read };
}

/**
 * Moves the staged table (partitions and manifest together) into place. Between the two renames
 * the table is absent, which readers treat as "fall back to the join"; they never see a manifest
 * beside another build's partitions.
 */
function swapIn(layout: LakeLayout, staged: string, previous: string): void {
  const target = stitchedClickstreamDir(layout);
  mkdirSync(path.dirname(target), { recursive: true });
  if (existsSync(target)) renameSync(target, previous);
  renameSync(staged, target);
  rmSync(previous, { recursive: true, force: true });
}

import { existsSync, mkdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import type { LakeEngine } from '../lake/lake-engine.port';
import type { LakeLayout } from '../lake/lake-layout';
import { sqlString } from '../lake/lake-relation';
import { PARTITION_FILE, replacePartition } from '../lake/processing/partitions';
import type { Logger } from '../shared/logger.port';
import type { OnlineStore } from '../store/online-store.port';
import type { FeatureDefinition } from './feature-definition';
import { FEATURES } from './feature-registry';
import { FeaturesException, FeaturesExceptionCode } from './features.exception';
import { featurePartitionDir, featurePartitionFile } from './offline/feature-partitions';
import { loadOnline } from './offline/online-load';
import { claimRunVersion } from './offline/run-version';
import { asOf } from './sql/as-of';
import { featureDialectOf } from './sql/feature-dialect';
import { featureSources, identityMapFile } from './sql/feature-sources';
import { FeatureSqlContext } from './sql/feature-sql-context';
import { ENTITY_COLUMN, featureTableSql } from './sql/feature-table.sql';

export interface MaterializeRequest {
  /** The as-of day D, YYYY-MM-DD: features count everything up to D 23:59:59.999 UTC. */
  date: string;
}

export interface MaterializeDeps {
  engine: LakeEngine;
  layout: LakeLayout;
  store: OnlineStore;
  logger: Logger;
  /** Defaults to the registry; tests may narrow it. */
  features?: readonly FeatureDefinition[];
  /** Customers per online write; defaults to 5,000. */
  chunkSize?: number;
}

export interface MaterializeSummary {
  date: string;
  /** Rows of the feature table: customers of the identity map. */
  customers: number;
  features: number;
  /** Entity rows written to the online store (each with every feature). */
  rowsWritten: number;
  eventTimestamp: string;
  /** This run's write version: a re-run of the same day gets a higher one and replaces its values. */
  runVersion: number;
  partition: string;
  ms: number;
  queryMs: number;
  loadMs: number;
}

const DEFAULT_CHUNK = 5_000;

/**
 * Materializes the registry's features as of the end of D: the feature SQL runs on the lake
 * engine and writes `features/customer_features/dt=D/data.parquet` (staged, then swapped in by
 * rename, so readers never see half a partition and a rerun replaces D's), then the partition is
 * bulk-loaded into the online store with event time = end of D and a run version one above the
 * day's previous run, so a corrected re-run replaces the day's values (never a newer one).
 */
export async function materializeFeatures(request: MaterializeRequest, deps: MaterializeDeps): Promise<MaterializeSummary> {
  const { engine, layout, store, logger } = deps;
  const features = deps.features ?? FEATURES;
  const when = asOf(request.date);
  // Writing the partition is a local-file COPY; the SELECT itself is the engine-neutral part.
  if (engine.dialect !== 'duckdb') throw new Error(`features materialize writes the features zone with DuckDB (got ${engine.dialect})`);
  if (!existsSync(identityMapFile(layout))) {
    throw new FeaturesException(FeaturesExceptionCode.NO_IDENTITY_MAP, `no identity map at ${identityMapFile(layout)}; run \`c360 identity stitch\` first`);
  }
  const started = Date.now();
  const context = new FeatureSqlContext(when.day, featureDialectOf(engine), featureSources(engine, layout));
  const staging = layout.staging(`features-${process.pid}-${Date.now()}`);
  mkdirSync(staging, { recursive: true });
  let customers = 0;
  try {
    const staged = path.join(staging, PARTITION_FILE);
    // Sorted by customer: reruns write identical files, and the online load reads key ranges.
    await engine.execute(`COPY (${featureTableSql(context, features)} ORDER BY ${ENTITY_COLUMN}) TO ${sqlString(staged)} (FORMAT parquet, COMPRESSION zstd)`);
    const [count] = await engine.query(`SELECT count(*) AS n FROM read_parquet(${sqlString(staged)})`);
    customers = Number(count?.n ?? 0);
    replacePartition(featurePartitionDir(layout, when.day), staged, PARTITION_FILE);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  const queryMs = Date.now() - started;
  logger.info('features.materialize: partition written', { date: when.day, customers, features: features.length, ms: queryMs });

  const loadStarted = Date.now();
  const runVersion = await claimRunVersion(store, when.day, when.eventTimeMs);
  const rowsWritten = await loadOnline(
    engine,
    store,
    { file: featurePartitionFile(layout, when.day), features, eventTimeMs: when.eventTimeMs, version: runVersion, chunkSize: deps.chunkSize ?? DEFAULT_CHUNK },
    logger,
  );
  const summary: MaterializeSummary = {
    date: when.day,
    customers,
    features: features.length,
    rowsWritten,
    eventTimestamp: new Date(when.eventTimeMs).toISOString(),
    runVersion,
    partition: featurePartitionFile(layout, when.day),
    ms: Date.now() - started,
    queryMs,
    loadMs: Date.now() - loadStarted,
  };
  logger.info('features.materialize: done', { date: when.day, customers, rowsWritten, ms: summary.ms });
  return summary;
}

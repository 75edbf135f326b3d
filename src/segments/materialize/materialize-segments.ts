import { mkdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { featurePartitionDays } from '../../features/offline/feature-partitions';
import { asOf, timestampLiteral } from '../../features/sql/as-of';
import type { LakeEngine } from '../../lake/lake-engine.port';
import type { LakeLayout } from '../../lake/lake-layout';
import { sqlString } from '../../lake/lake-relation';
import { PARTITION_FILE, replacePartition } from '../../lake/processing/partitions';
import type { Logger } from '../../shared/logger.port';
import type { OnlineStore } from '../../store/online-store.port';
import { consentRow, membershipRow } from '../online/online-memberships';
import type { SegmentCatalog } from '../segment-catalog';
import { SegmentsException, SegmentsExceptionCode } from '../segments.exception';
import { consentSelectSql } from '../sql/consent.sql';
import { DUCKDB_SEGMENT_DIALECT } from '../sql/segment-dialect';
import { SegmentSqlContext } from '../sql/segment-sql-context';
import { SEGMENT_TABLES, segmentPartitionDays, segmentPartitionFile, segmentSources } from '../sql/segment-sources';
import { changesSql, onlineListsSql, snapshotSql, type SnapshotSegment } from './snapshot.sql';

export interface MaterializeSegmentsDeps {
  engine: LakeEngine;
  layout: LakeLayout;
  store: OnlineStore;
  catalog: SegmentCatalog;
  logger: Logger;
  now?: () => number;
  /** Customers per online write; defaults to 5,000. */
  chunkSize?: number;
}

export interface SegmentRunSummary {
  id: string;
  version: number;
  members: number;
  entered: number;
  exited: number;
}

export interface MaterializeSegmentsSummary {
  date: string;
  segments: SegmentRunSummary[];
  /** Active segments whose definition no longer checks; their previous members are kept. */
  failed: Array<{ id: string; error: string }>;
  optedOut: number;
  /** The snapshot the change feed was computed against, or null on the first run. */
  previousDate: string | null;
  changes: number;
  customersWritten: number;
  ms: { consent: number; snapshot: number; changes: number; online: number; total: number };
}

const count = async (engine: LakeEngine, sqlText: string): Promise<number> => Number((await engine.query(sqlText))[0]?.n ?? 0);
const parquet = (file: string): string => `read_parquet(${sqlString(file)})`;

/**
 * The daily membership run for day D, after the features of D are materialized:
 * 1. the consent snapshot of D (`features/marketing_consent/dt=D`);
 * 2. every active segment's members as of D, in one query (`features/segment_membership/dt=D`);
 * 3. the change feed against the newest earlier snapshot (`features/segment_changes/dt=D`):
 *    `entered` and `exited` with the as-of instant, for ad platforms to sync from;
 * 4. each affected customer's segment list into the online store. Its event time is the run's
 *    wall clock, not the end of D: the newest evaluation wins, so rerunning a day (a segment
 *    created this morning, materialized now) replaces that day's earlier lists, and the stream's
 *    real-time evaluations after the run replace the run's.
 * Files are staged and swapped in only after the online load succeeded, so a failed run is rerun
 * against the same previous snapshot; rerunning a day rewrites the same partitions.
 */
export async function materializeSegments(request: { date: string }, deps: MaterializeSegmentsDeps): Promise<MaterializeSegmentsSummary> {
  const { engine, layout, logger } = deps;
  const now = deps.now ?? Date.now;
  const started = performance.now();
  const when = asOf(request.date);
  const date = when.day;
  if (engine.dialect !== 'duckdb') throw new Error(`segments materialize writes the features zone with DuckDB (got ${engine.dialect})`);
  if (!featurePartitionDays(layout).includes(date)) {
    throw new SegmentsException(SegmentsExceptionCode.NO_FEATURES, `no materialized features for ${date}; run \`c360 features materialize --date ${date}\` first`, { date });
  }
  const staging = layout.staging(`segments-${process.pid}-${Date.now()}`);
  mkdirSync(staging, { recursive: true });
  const staged = (name: string) => path.join(staging, `${name}.parquet`);
  const ms = { consent: 0, snapshot: 0, changes: 0, online: 0, total: 0 };
  try {
    let lap = performance.now();
    const consentFile = segmentPartitionFile(layout, SEGMENT_TABLES.consent, date);
    const consent = consentSelectSql(new SegmentSqlContext(date, DUCKDB_SEGMENT_DIALECT, { ...segmentSources(engine, layout, date), consent: undefined }));
    await engine.execute(`COPY (${consent.text} ORDER BY customer_id) TO ${sqlString(staged('consent'))} (FORMAT parquet, COMPRESSION zstd)`, consent.params);
    replacePartition(path.dirname(consentFile), staged('consent'), PARTITION_FILE);
    const optedOut = await count(engine, `SELECT count(*) AS n FROM ${parquet(consentFile)} WHERE opted_out`);
    await writeConsent(engine, deps.store, consentFile);
    ms.consent = Math.round(performance.now() - lap);

    lap = performance.now();
    const previousDate = segmentPartitionDays(layout, SEGMENT_TABLES.membership).filter((day) => day < date).pop() ?? null;
    const previous = previousDate === null ? undefined : parquet(segmentPartitionFile(layout, SEGMENT_TABLES.membership, previousDate));
    const segments: SnapshotSegment[] = [];
    const failed: Array<{ id: string; error: string }> = [];
    for (const segment of await deps.catalog.list()) {
      try {
        segments.push({ id: segment.id, version: segment.version, definition: await deps.catalog.check(segment.definition, segment.id) });
      } catch (error) {
        if (!(error instanceof SegmentsException)) throw error;
        failed.push({ id: segment.id, error: error.message });
        logger.warn('segments.materialize: definition no longer checks; keeping its previous members', { segmentId: segment.id, reason: error.reason });
      }
    }
    const context = new SegmentSqlContext(date, DUCKDB_SEGMENT_DIALECT, segmentSources(engine, layout, date));
    const snapshot = snapshotSql(segments, context, previous === undefined ? undefined : { relation: previous, ids: failed.map((entry) => entry.id) });
    await engine.execute(`COPY (${snapshot.text}) TO ${sqlString(staged('membership'))} (FORMAT parquet, COMPRESSION zstd)`, snapshot.params);
    ms.snapshot = Math.round(performance.now() - lap);

    lap = performance.now();
    const current = parquet(staged('membership'));
    const changes = changesSql(current, previous, timestampLiteral(when.eventTimeMs), new Date(now()));
    await engine.execute(`COPY (${changes.text}) TO ${sqlString(staged('changes'))} (FORMAT parquet, COMPRESSION zstd)`, changes.params);
    const perSegment = await engine.query(
      `SELECT segment_id, sum(CASE WHEN change = 'entered' THEN 1 ELSE 0 END) AS entered, sum(CASE WHEN change = 'exited' THEN 1 ELSE 0 END) AS exited FROM ${parquet(staged('changes'))} GROUP BY segment_id`,
    );
    const sizes = await engine.query(`SELECT segment_id, count(*) AS n FROM ${current} GROUP BY segment_id`);
    ms.changes = Math.round(performance.now() - lap);

    lap = performance.now();
    await engine.execute(`COPY (${onlineListsSql(current, previous)}) TO ${sqlString(staged('online'))} (FORMAT parquet)`);
    const customersWritten = await writeOnline(engine, deps.store, staged('online'), now(), deps.chunkSize ?? 5_000);
    ms.online = Math.round(performance.now() - lap);

    replacePartition(path.dirname(segmentPartitionFile(layout, SEGMENT_TABLES.membership, date)), staged('membership'), PARTITION_FILE);
    replacePartition(path.dirname(segmentPartitionFile(layout, SEGMENT_TABLES.changes, date)), staged('changes'), PARTITION_FILE);
    ms.total = Math.round(performance.now() - started);

    const byId = (rows: typeof sizes, id: string, column: string) => Number(rows.find((row) => row.segment_id === id)?.[column] ?? 0);
    const summary: MaterializeSegmentsSummary = {
      date,
      segments: segments.map((segment) => ({ id: segment.id, version: segment.version, members: byId(sizes, segment.id, 'n'), entered: byId(perSegment, segment.id, 'entered'), exited: byId(perSegment, segment.id, 'exited') })),
      failed,
      optedOut,
      previousDate,
      changes: perSegment.reduce((sum, row) => sum + Number(row.entered) + Number(row.exited), 0),
      customersWritten,
      ms,
    };
    logger.info('segments.materialize: done', { date, segments: segments.length, failed: failed.length, changes: summary.changes, customersWritten, ms: ms.total });
    return summary;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Writes each listed customer's segments, chunk by chunk in customer order (keyset reads, one write per chunk). */
async function writeOnline(engine: LakeEngine, store: OnlineStore, file: string, eventTime: number, chunkSize: number): Promise<number> {
  let after: string | null = null;
  let written = 0;
  for (;;) {
    const rows = await engine.query(
      `SELECT customer_id, segments FROM ${parquet(file)} WHERE ${after === null ? 'true' : 'customer_id > ?'} ORDER BY customer_id LIMIT ${chunkSize}`,
      after === null ? [] : [after],
    );
    if (rows.length === 0) return written;
    await store.writeBatch(rows.map((row) => membershipRow(String(row.customer_id), (row.segments as string[] | null) ?? [], eventTime)));
    written += rows.length;
    after = String(rows[rows.length - 1]?.customer_id);
    if (rows.length < chunkSize) return written;
  }
}

/** Every consent choice of the snapshot into the online store, at the time it was made (the real-time path reads it). */
async function writeConsent(engine: LakeEngine, store: OnlineStore, file: string): Promise<void> {
  const rows = await engine.query(`SELECT customer_id, opted_out, epoch_ms(decided_at) AS decided_at FROM ${parquet(file)}`);
  await store.writeBatch(rows.map((row) => consentRow(String(row.customer_id), row.opted_out === true, Number(row.decided_at))));
}

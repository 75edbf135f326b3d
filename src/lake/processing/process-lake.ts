import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { LakeEngine } from '../lake-engine.port';
import type { LakeLayout } from '../lake-layout';
import { sqlString } from '../lake-relation';
import type { Logger } from '../../shared/logger.port';
import type { IdentifierRule } from './api-log-identifiers';
import { daysBetween, validateBounds, type DayBounds } from './day-range';
import { applySwaps, existingPartitionDays, PARTITION_FILE, stageDayPartitions, type PartitionSwap } from './partitions';
import {
  createFilesTable,
  createQuarantineTable,
  quarantineCounts,
  quarantineInvalidLines,
  quarantineStagedBatch,
  quarantineUnreadableFiles,
  stageQuarantine,
} from './quarantine';
import { loadLines, MAX_DIRECT_FILE_BYTES } from './raw-lines';
import { batchFiles, listRawFiles } from './raw-files';
import { sourceProcessors, type SourceProcessor } from './sources';
import { withWorkspace, type Workspace } from './workspace';

export interface ProcessOptions {
  /** First event day to (re)write, inclusive; default: the first event day found. */
  from?: string;
  /** Last event day to (re)write, inclusive; default: the last event day found. */
  to?: string;
  /** Replaces the rule table that maps API-log keys to identifiers. */
  apiLogIdentifierRules?: readonly IdentifierRule[];
}

export interface ProcessSummary {
  from: string;
  to: string;
  tables: Record<string, { rowsIn: number; rowsOut: number; partitionsWritten: number }>;
  /** source → reason → count, for the landed days in range. */
  quarantined: Record<string, Record<string, number>>;
  unknownApiLogKeys: Array<{ key: string; count: number }>;
}

/** Lines read per batch: a batch's text is held in DuckDB about three times while it is split. */
const BATCH_BYTES = MAX_DIRECT_FILE_BYTES;
/** The unknown-key report is for people; past this many keys the rest are counted in the log only. */
const MAX_UNKNOWN_KEYS = 500;

interface StagedSource {
  processor: SourceProcessor;
  rowsIn: number;
  rowsByDay: Map<string, number>;
  landedDays: string[];
  unknownKeys: Array<{ key: string; count: number }>;
}

/**
 * Raw zone → processed zone. Every landed file is read (late data counts), each table is built
 * per event day into a staging folder, and only when every table succeeded are the partitions of
 * the requested days swapped in; bad lines go to the quarantine zone under their landed day.
 */
export async function processLake(layout: LakeLayout, engine: LakeEngine, options: ProcessOptions, logger: Logger): Promise<ProcessSummary> {
  if (engine.dialect !== 'duckdb') {
    throw new Error(`lake process runs on the embedded DuckDB engine over a local lake folder (got ${engine.dialect})`);
  }
  const bounds = validateBounds(options);
  const started = Date.now();
  return withWorkspace(engine, layout, logger, async (workspace) => {
    await createQuarantineTable(workspace);
    const staged: StagedSource[] = [];
    for (const processor of sourceProcessors(options.apiLogIdentifierRules)) staged.push(await stageSource(workspace, processor, bounds));

    const range = effectiveRange(layout, staged, bounds);
    const swaps: PartitionSwap[] = [];
    const tables: ProcessSummary['tables'] = {};
    for (const source of staged) {
      const { table } = source.processor;
      // Every day of the range is replaced: a day with no rows left loses its old partition.
      for (const day of range ? daysBetween(range.from, range.to) : []) {
        const staged = source.rowsByDay.has(day) ? workspace.path('processed', table, `dt=${day}`, PARTITION_FILE) : undefined;
        swaps.push({ target: layout.processedPartition(table, day), staged, fileName: PARTITION_FILE });
      }
      const rowsOut = [...source.rowsByDay.values()].reduce((sum, rows) => sum + rows, 0);
      tables[table] = { rowsIn: source.rowsIn, rowsOut, partitionsWritten: source.rowsByDay.size };
    }
    for (const source of staged) swaps.push(...(await stageQuarantine(workspace, source.processor.source, source.landedDays, bounds)));
    applySwaps(swaps);

    const unknownKeys = staged.flatMap((source) => source.unknownKeys);
    if (unknownKeys.length > MAX_UNKNOWN_KEYS) {
      logger.warn('lake.process: unknown API-log keys truncated in the summary', { total: unknownKeys.length, shown: MAX_UNKNOWN_KEYS });
    }
    const summary: ProcessSummary = {
      from: range?.from ?? '',
      to: range?.to ?? '',
      tables,
      quarantined: await quarantineCounts(workspace),
      unknownApiLogKeys: unknownKeys.slice(0, MAX_UNKNOWN_KEYS),
    };
    logger.info('lake.process: done', { from: summary.from, to: summary.to, ms: Date.now() - started });
    return summary;
  });
}

/** The requested days, with open ends closed by the event days found (and partitions that exist, so stale ones go). */
function effectiveRange(layout: LakeLayout, staged: readonly StagedSource[], bounds: DayBounds): { from: string; to: string } | undefined {
  const known = staged.flatMap((source) => [
    ...source.rowsByDay.keys(),
    ...existingPartitionDays(layout.zone('processed'), source.processor.table),
  ]);
  if (bounds.from !== undefined) known.push(bounds.from);
  if (bounds.to !== undefined) known.push(bounds.to);
  if (known.length === 0) return undefined;
  known.sort();
  const from = bounds.from ?? known[0];
  const to = bounds.to ?? known[known.length - 1];
  return from !== undefined && to !== undefined && from <= to ? { from, to } : undefined;
}

/** Reads, validates and stages one source, then builds its table's day partitions in staging. */
async function stageSource(workspace: Workspace, processor: SourceProcessor, bounds: DayBounds): Promise<StagedSource> {
  const { engine, layout, logger } = workspace;
  const started = Date.now();
  const { source } = processor;
  const listing = listRawFiles(layout, source, processor.format);
  for (const stray of listing.strays) logger.warn('lake.process: ignoring an entry outside the dt= partitions', { path: stray });
  await createFilesTable(workspace, source, listing.files);
  await quarantineUnreadableFiles(workspace, source, listing.unreadable, bounds);
  await processor.prepare(workspace);

  const stageDir = workspace.path('stage', source);
  mkdirSync(stageDir, { recursive: true });
  const batches = batchFiles(listing.files, BATCH_BYTES);
  for (const [index, batch] of batches.entries()) {
    const batchStarted = Date.now();
    const invalid = await loadLines(workspace, batch, index);
    await quarantineInvalidLines(workspace, source, listing.files, invalid, bounds);
    await processor.beforeParse(workspace);
    // One pass: parsed rows, good and bad, go straight to a Parquet batch; materializing them first costs twice.
    const batchFile = path.join(stageDir, `batch-${String(index).padStart(5, '0')}.parquet`);
    await engine.execute(`COPY (${processor.parseSelect(workspace)}) TO ${sqlString(batchFile)} (FORMAT parquet)`);
    await quarantineStagedBatch(workspace, source, batchFile, bounds);
    await engine.execute(`DROP TABLE ${workspace.table('lines')}`);
    logger.info('lake.process: batch staged', { source, batch: index + 1, of: batches.length, files: batch.length, ms: Date.now() - batchStarted });
  }

  const landedDays = [...new Set([...listing.files, ...listing.unreadable].map((file) => file.landedDay))].sort();
  if (batches.length === 0) {
    logger.info('lake.process: no raw files', { source });
    return { processor, rowsIn: 0, rowsByDay: new Map(), landedDays, unknownKeys: [] };
  }
  const staged = `(SELECT * EXCLUDE (reason, detail) FROM read_parquet(${sqlString(path.join(stageDir, '*.parquet'))}) WHERE reason IS NULL)`;
  const [count] = await engine.query(`SELECT count(*) AS n FROM ${staged}`);
  const buildStarted = Date.now();
  const { output, unknownKeys = [] } = await processor.output(workspace, staged, bounds);
  const rowsByDay = await stageDayPartitions(workspace, output);
  logger.info('lake.process: table built', { table: processor.table, ms: Date.now() - buildStarted });
  const rowsIn = Number(count?.n ?? 0);
  logger.info('lake.process: source staged', { source, files: listing.files.length, batches: batches.length, rowsIn, days: rowsByDay.size, ms: Date.now() - started });
  return { processor, rowsIn, rowsByDay, landedDays, unknownKeys };
}

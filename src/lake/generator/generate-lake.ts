import { mkdir, readdir, rm, rmdir } from 'node:fs/promises';
import * as path from 'node:path';
import { isDay, LakeLayout, RAW_SOURCES, type RawSource } from '../lake-layout';
import type { Logger } from '../../shared/logger.port';
import { CDC_DIRT, CdcWriter } from './cdc-writer';
import { DirtCounter } from './dirt';
import { ExternalSorter } from './external-sort';
import { GenerationWindow } from './generation-window';
import { GeneratorContext } from './generator-context';
import { LakeGeneratorError, LakeGeneratorErrorCode } from './generator.error';
import { JsonlPartitions } from './jsonl-partitions';
import { API_LOG_DIRT, ApiLogSink, CLICKSTREAM_DIRT, ClickstreamSink } from './jsonl-sinks';
import { SeedSpace } from './prng';
import { simulateUser } from './simulate-user';

export interface GenerateOptions {
  root: string;
  users: number;
  days: number;
  seed: number;
  /** YYYY-MM-DD, the last day generated; fixed by default so output depends on the options alone. */
  endDay?: string;
}

export interface GenerateSummary {
  root: string;
  users: number;
  days: number;
  seed: number;
  fromDay: string;
  toDay: string;
  files: number;
  records: Record<RawSource, number>;
  /** Counts of injected dirt by kind, as a reader of the files will find them. */
  dirt: Record<string, number>;
}

/** Knobs that change resource use, never output: tests turn them down to exercise spilling and rolling. */
export interface GeneratorTuning {
  /** Characters of CDC rows held before a sorted run is spilled to disk. */
  sortBudgetChars: number;
  /** A JSONL part file is closed and the next begun past this size. */
  rollBytes: number;
}

export const DEFAULT_END_DAY = '2026-11-22';
const DEFAULT_TUNING: GeneratorTuning = { sortBudgetChars: 16 * 1024 * 1024, rollBytes: 256 * 1024 * 1024 };
/** Users simulated between waits for the disk. */
const FLUSH_EVERY = 256;
const MAX_USERS = 100_000_000;
const MAX_DAYS = 366;

function validate(options: GenerateOptions): string {
  const endDay = options.endDay ?? DEFAULT_END_DAY;
  const invalid = (message: string): never => {
    throw new LakeGeneratorError(LakeGeneratorErrorCode.INVALID_OPTIONS, message);
  };
  if (!Number.isInteger(options.users) || options.users < 1 || options.users > MAX_USERS) invalid(`users must be an integer between 1 and ${MAX_USERS}, got ${options.users}`);
  if (!Number.isInteger(options.days) || options.days < 1 || options.days > MAX_DAYS) invalid(`days must be an integer between 1 and ${MAX_DAYS}, got ${options.days}`);
  if (!Number.isSafeInteger(options.seed)) invalid(`seed must be a safe integer, got ${options.seed}`);
  if (!isDay(endDay)) invalid(`endDay must be a real day as YYYY-MM-DD, got ${endDay}`);
  if (options.root.trim() === '') invalid('root must be a directory path');
  return endDay;
}

/** Generating into a raw zone that already holds files would mix two datasets; refuse instead. */
async function assertRawZoneEmpty(layout: LakeLayout): Promise<void> {
  for (const source of RAW_SOURCES) {
    const dir = path.join(layout.zone('raw'), source);
    const entries = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    });
    if (entries.length > 0) {
      throw new LakeGeneratorError(LakeGeneratorErrorCode.RAW_ZONE_NOT_EMPTY, `${dir} is not empty; generate into a new lake root or remove it first`);
    }
  }
}

/** Writes a realistic raw zone (clickstream, DMS CDC tables, API logs) for `users` people over `days` days. */
export async function generateLake(options: GenerateOptions, logger: Logger): Promise<GenerateSummary> {
  return generateLakeTuned(options, logger, DEFAULT_TUNING);
}

export async function generateLakeTuned(options: GenerateOptions, logger: Logger, tuning: GeneratorTuning): Promise<GenerateSummary> {
  const endDay = validate(options);
  const layout = new LakeLayout(options.root);
  await assertRawZoneEmpty(layout);
  const window = new GenerationWindow(endDay, options.days);
  const seeds = new SeedSpace(options.seed);
  const ctx = new GeneratorContext(seeds, window);
  const dirt = new DirtCounter([...CLICKSTREAM_DIRT, ...API_LOG_DIRT, ...CDC_DIRT]);

  // Scratch space on the lake's own disk; underscore folders are invisible to raw-zone readers.
  const staging = path.join(options.root, '_staging');
  await mkdir(staging, { recursive: true });
  const scratch = path.join(staging, `generate-${process.pid}-${options.seed}`);
  const clickOut = new JsonlPartitions(layout, 'clickstream', tuning.rollBytes);
  const apiOut = new JsonlPartitions(layout, 'api_logs', tuning.rollBytes);
  const clicks = new ClickstreamSink(clickOut, window, dirt);
  const apiLogs = new ApiLogSink(apiOut, window, dirt);
  const sorter = new ExternalSorter(scratch, tuning.sortBudgetChars);
  const cdc = new CdcWriter(layout, window, seeds, sorter, dirt);

  logger.info('lake generate started', { users: options.users, days: options.days, seed: options.seed, fromDay: window.fromDay, toDay: window.toDay });
  const progressEvery = Math.max(1, Math.ceil(options.users / 10));
  try {
    for (let index = 0; index < options.users; index++) {
      const run = simulateUser(ctx, index);
      // Delivery dirt draws from its own stream, so changing it never changes what users did.
      const delivery = seeds.rng('delivery', index);
      clicks.write(delivery, index, run.events);
      apiLogs.write(delivery, run.apiLogs);
      for (const record of run.records) cdc.route(delivery, index, record);
      if ((index + 1) % FLUSH_EVERY === 0) {
        await clickOut.flush();
        await apiOut.flush();
        await cdc.spillIfFull();
      }
      if ((index + 1) % progressEvery === 0 || index + 1 === options.users) {
        logger.info('lake generate progress', { usersDone: index + 1, users: options.users, percent: Math.round(((index + 1) / options.users) * 100) });
      }
    }
    clicks.finish();
    await clickOut.end();
    await apiOut.end();
    logger.info('lake generate writing CDC files', { spilledRuns: sorter.spilledRuns });
    await cdc.write();
  } catch (error) {
    clickOut.destroy();
    apiOut.destroy();
    throw error;
  } finally {
    await rm(scratch, { recursive: true, force: true });
    await rmdir(staging).catch(() => undefined);
  }

  const summary: GenerateSummary = {
    root: options.root,
    users: options.users,
    days: options.days,
    seed: options.seed,
    fromDay: window.fromDay,
    toDay: window.toDay,
    files: clickOut.files + apiOut.files + cdc.files,
    records: { clickstream: clickOut.lines, orders: cdc.rowCounts.orders, lab_bookings: cdc.rowCounts.lab_bookings, consultations: cdc.rowCounts.consultations, api_logs: apiOut.lines },
    dirt: dirt.toRecord(),
  };
  logger.info('lake generate finished', { files: summary.files, clickstream: summary.records.clickstream, orders: summary.records.orders, apiLogs: summary.records.api_logs });
  return summary;
}

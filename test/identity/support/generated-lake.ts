import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DuckDbLakeEngine } from '../../../src/lake/duckdb/duckdb-lake-engine';
import { generateLake, type GenerateSummary } from '../../../src/lake/generator/generate-lake';
import { LakeLayout } from '../../../src/lake/lake-layout';
import { processLake } from '../../../src/lake/processing/process-lake';
import { silentLogger } from '../../../src/shared/logger.port';
import { generatedTruth, type GeneratedTruth } from './generated-truth';

export interface GeneratedLakeOptions {
  users: number;
  days: number;
  seed?: number;
  endDay?: string;
  /** Process event days up to this one only (default: all), so a test can add the rest later with processDays. */
  processTo?: string;
}

export interface GeneratedLake {
  root: string;
  layout: LakeLayout;
  engine: DuckDbLakeEngine;
  summary: GenerateSummary;
  /** Who really owns each identifier (see generated-truth.ts). */
  truth(): GeneratedTruth;
  /** (Re)processes the event days from..to, as the daily `lake process` does. */
  processDays(from: string, to: string): Promise<void>;
  close(): Promise<void>;
}

/** A lake as `c360 lake generate` and `c360 lake process` leave it, in a temporary folder. */
export async function generatedLake(options: GeneratedLakeOptions): Promise<GeneratedLake> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'c360-identity-gen-'));
  const layout = new LakeLayout(root);
  const seed = options.seed ?? 17;
  const summary = await generateLake({ root, users: options.users, days: options.days, seed, endDay: options.endDay }, silentLogger);
  const engine = await DuckDbLakeEngine.open({ lakeRoot: root, memoryLimit: '1GB', threads: 2 });
  await processLake(layout, engine, options.processTo ? { to: options.processTo } : {}, silentLogger);
  let truth: GeneratedTruth | undefined;
  return {
    root,
    layout,
    engine,
    summary,
    truth: () => (truth ??= generatedTruth({ users: options.users, days: options.days, seed, endDay: summary.toDay })),
    async processDays(from, to) {
      await processLake(layout, engine, { from, to }, silentLogger);
    },
    async close() {
      await engine.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

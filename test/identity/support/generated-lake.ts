import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DuckDbLakeEngine } from '../../../src/lake/duckdb/duckdb-lake-engine';
import { generateLake, type GenerateSummary } from '../../../src/lake/generator/generate-lake';
import { LakeLayout } from '../../../src/lake/lake-layout';
import { processLake } from '../../../src/lake/processing/process-lake';
import { silentLogger } from '../../../src/shared/logger.port';

export interface GeneratedLake {
  root: string;
  layout: LakeLayout;
  engine: DuckDbLakeEngine;
  summary: GenerateSummary;
  close(): Promise<void>;
}

/** A lake as `c360 lake generate` and `c360 lake process` leave it, in a temporary folder. */
export async function generatedLake(options: { users: number; days: number; seed?: number; endDay?: string }): Promise<GeneratedLake> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'c360-identity-gen-'));
  const layout = new LakeLayout(root);
  const summary = await generateLake({ root, users: options.users, days: options.days, seed: options.seed ?? 17, endDay: options.endDay }, silentLogger);
  const engine = await DuckDbLakeEngine.open({ lakeRoot: root, memoryLimit: '1GB', threads: 2 });
  await processLake(layout, engine, {}, silentLogger);
  return {
    root,
    layout,
    engine,
    summary,
    async close() {
      await engine.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

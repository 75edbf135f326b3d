import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stitchLake } from '../../../src/identity/batch/stitch-lake';
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

/**
 * A lake generated, processed and stitched the way `c360 lake generate`, `lake process` and
 * `identity stitch` do it, so funnels are checked end to end on the identity map the daily
 * pipeline builds.
 */
export async function generatedLake(users: number, days: number, seed = 7): Promise<GeneratedLake> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'c360-funnels-gen-'));
  const layout = new LakeLayout(root);
  const summary = await generateLake({ root, users, days, seed }, silentLogger);
  const engine = await DuckDbLakeEngine.open({ lakeRoot: root, memoryLimit: '2GB', threads: 4 });
  await processLake(layout, engine, {}, silentLogger);
  await stitchLake(engine, layout);
  return {
    root,
    layout,
    engine,
    summary,
    async close() {
      await engine.close();
      if (existsSync(root)) rmSync(root, { recursive: true, force: true });
    },
  };
}

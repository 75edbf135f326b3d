import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DuckDbLakeEngine } from '../../../src/lake/duckdb/duckdb-lake-engine';
import { generateLake, type GenerateSummary } from '../../../src/lake/generator/generate-lake';
import { LakeLayout } from '../../../src/lake/lake-layout';
import { processLake } from '../../../src/lake/processing/process-lake';
import { silentLogger } from '../../../src/shared/logger.port';
import { injectEdgeCases } from './edge-cases';
import { stitch, type Stitching } from './stitching';

export interface GeneratedFeatureLake {
  root: string;
  layout: LakeLayout;
  engine: DuckDbLakeEngine;
  summary: GenerateSummary;
  stitching: Stitching;
  close(): Promise<void>;
}

/**
 * A lake generated, processed and stitched as `c360 lake generate`, `lake process` and `identity
 * stitch` leave it, with a few edge cases of each kind the specified features must handle added.
 */
export async function generatedFeatureLake(users: number, days: number, seed = 11): Promise<GeneratedFeatureLake> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'c360-features-gen-'));
  const layout = new LakeLayout(root);
  const summary = await generateLake({ root, users, days, seed }, silentLogger);
  injectEdgeCases(layout, summary.toDay);
  const engine = await DuckDbLakeEngine.open({ lakeRoot: root, memoryLimit: '2GB', threads: 2 });
  await processLake(layout, engine, {}, silentLogger);
  const stitching = await stitch(engine, layout);
  return {
    root,
    layout,
    engine,
    summary,
    stitching,
    async close() {
      await engine.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

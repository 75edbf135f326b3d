import { existsSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DuckDbLakeEngine } from '../../../src/lake/duckdb/duckdb-lake-engine';
import { generateLake, type GenerateSummary } from '../../../src/lake/generator/generate-lake';
import { LakeLayout } from '../../../src/lake/lake-layout';
import { processLake } from '../../../src/lake/processing/process-lake';
import { silentLogger } from '../../../src/shared/logger.port';
import { writeNaiveIdentityMap } from './naive-identity-map';
import { realStitching } from './real-stitching';

export interface GeneratedLake {
  root: string;
  layout: LakeLayout;
  engine: DuckDbLakeEngine;
  summary: GenerateSummary;
  /** Which identity map the funnels join: the identity domain's own, once it exists, or the test stand-in. */
  stitching: 'identity.stitch' | 'naive test map';
  close(): Promise<void>;
}

/**
 * A lake generated and processed the way `c360 lake generate` and `lake process` do it, then
 * stitched: by the identity domain's stitching when src/identity provides it, by the naive
 * test map until then.
 */
export async function generatedLake(users: number, days: number, seed = 7): Promise<GeneratedLake> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'c360-funnels-gen-'));
  const layout = new LakeLayout(root);
  const summary = await generateLake({ root, users, days, seed }, silentLogger);
  const engine = await DuckDbLakeEngine.open({ lakeRoot: root, memoryLimit: '2GB', threads: 4 });
  await processLake(layout, engine, {}, silentLogger);
  const stitch = realStitching();
  if (stitch) await stitch(layout, engine);
  else await writeNaiveIdentityMap(engine, layout);
  return {
    root,
    layout,
    engine,
    summary,
    stitching: stitch ? 'identity.stitch' : 'naive test map',
    async close() {
      await engine.close();
      if (existsSync(root)) rmSync(root, { recursive: true, force: true });
    },
  };
}

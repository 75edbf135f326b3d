import { stitchLake } from '../../../src/identity/batch/stitch-lake';
import type { LakeEngine } from '../../../src/lake/lake-engine.port';
import type { LakeLayout } from '../../../src/lake/lake-layout';

export type Stitch = (layout: LakeLayout, engine: LakeEngine) => Promise<void>;

/**
 * The identity domain's batch stitching, which the generated-data tests run so that funnels are
 * checked end to end on the same identity map `c360 jobs run` builds. (Wired here, in one place;
 * `undefined` falls back to the naive test map.)
 */
export function realStitching(): Stitch | undefined {
  return async (layout, engine) => {
    await stitchLake(engine, layout);
  };
}

import type { LakeEngine } from '../../../src/lake/lake-engine.port';
import type { LakeLayout } from '../../../src/lake/lake-layout';

export type Stitch = (layout: LakeLayout, engine: LakeEngine) => Promise<void>;

/**
 * The identity domain's batch stitching, when src/identity provides it; undefined until then, and
 * the generated-data tests fall back to the naive test map. (Wired here, in one place, so the
 * end-to-end test switches to the real map without touching the tests themselves.)
 */
export function realStitching(): Stitch | undefined {
  return undefined;
}

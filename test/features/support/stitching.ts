import { stitchLake } from '../../../src/identity/batch/stitch-lake';
import type { LakeEngine } from '../../../src/lake/lake-engine.port';
import type { LakeLayout } from '../../../src/lake/lake-layout';

export type Stitching = 'identity.stitch';

/**
 * Writes the identity map the generated-data tests use with the identity domain's batch stitching,
 * the map `c360 jobs run` builds, so the features are checked end to end (wired here, in one place).
 */
export async function stitch(engine: LakeEngine, layout: LakeLayout): Promise<Stitching> {
  await stitchLake(engine, layout);
  return 'identity.stitch';
}

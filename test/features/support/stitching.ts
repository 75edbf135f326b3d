import type { LakeEngine } from '../../../src/lake/lake-engine.port';
import type { LakeLayout } from '../../../src/lake/lake-layout';
import { writeNaiveIdentityMap } from './identity-map-fixture';

export type Stitching = 'identity.stitch' | 'naive test map';

/**
 * Writes the identity map the generated-data tests use: the identity domain's batch stitching
 * once src/identity provides it (wire it here, in one place), the naive test map until then.
 */
export async function stitch(engine: LakeEngine, layout: LakeLayout): Promise<Stitching> {
  await writeNaiveIdentityMap(engine, layout);
  return 'naive test map';
}

import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FeatureRegistry } from '../../../src/features/feature-registry';
import { SegmentCatalog } from '../../../src/segments/segment-catalog';
import { EmbeddedSegmentRepository } from '../../../src/segments/embedded/embedded-segment-repository';
import { silentLogger } from '../../../src/shared/logger.port';

/** A catalog on a fresh embedded repository, with a clock that moves one minute per reading. */
export async function testCatalog(): Promise<{ catalog: SegmentCatalog; repository: EmbeddedSegmentRepository; close(): Promise<void> }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'c360-segment-catalog-'));
  const repository = await EmbeddedSegmentRepository.open(dir);
  let clock = Date.UTC(2026, 2, 10, 9, 0, 0);
  let ids = 0;
  const catalog = new SegmentCatalog(repository, new FeatureRegistry(), silentLogger, { now: () => (clock += 60_000), newId: () => `seg_${String(++ids).padStart(12, '0')}` });
  return {
    catalog,
    repository,
    async close() {
      await repository.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

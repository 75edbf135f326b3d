import { strict as assert } from 'node:assert';
import { after, describe, it } from 'node:test';
import { materializeFeatures } from '../../src/features/materialize-features';
import { FeaturesException, FeaturesExceptionCode } from '../../src/features/features.exception';
import { featurePartitionDays } from '../../src/features/offline/feature-partitions';
import { silentLogger } from '../../src/shared/logger.port';
import type { OnlineStore } from '../../src/store/online-store.port';
import { FeatureLake } from './support/feature-lake';
import { AS_OF, writeScenario } from './support/scenario';

describe('features materialize when something is missing or fails', () => {
  const lake = new FeatureLake();
  after(() => lake.close());

  it('asks for identity stitching when there is no identity map', async () => {
    await assert.rejects(
      materializeFeatures({ date: AS_OF }, { engine: await lake.lake(), layout: lake.layout, store: await lake.onlineStore(), logger: silentLogger }),
      (error: unknown) => error instanceof FeaturesException && error.reason === FeaturesExceptionCode.NO_IDENTITY_MAP && /c360 identity stitch/.test(error.message),
    );
  });

  it('fails with the store’s error when the online load fails; the written partition stays, and a re-run completes the load', async () => {
    await writeScenario(lake);
    const failing: OnlineStore = {
      writeBatch: () => Promise.reject(new Error('store unavailable')),
      read: () => Promise.resolve(new Map()),
      deleteEntities: () => Promise.resolve(),
      close: () => Promise.resolve(),
    };
    await assert.rejects(
      materializeFeatures({ date: AS_OF }, { engine: await lake.lake(), layout: lake.layout, store: failing, logger: silentLogger, chunkSize: 1 }),
      /store unavailable/,
    );
    assert.deepEqual(featurePartitionDays(lake.layout), [AS_OF]);
    assert.equal((await lake.materialize(AS_OF)).rowsWritten, 4);
  });
});

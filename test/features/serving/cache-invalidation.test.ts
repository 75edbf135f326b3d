import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { CacheError } from '../../../src/cache/cache.error';
import type { Cache } from '../../../src/cache/cache.port';
import { MemoryCache } from '../../../src/cache/memory/memory-cache';
import { customerEntityKey } from '../../../src/features/feature-definition';
import { CacheInvalidatingOnlineStore } from '../../../src/features/serving/cache-invalidating-online-store';
import { OnlineFeatureReader } from '../../../src/features/serving/online-feature-reader';
import { cacheKeyOf } from '../../../src/features/serving/stored-entity.codec';
import { EmbeddedOnlineStore } from '../../../src/store/embedded/embedded-online-store';
import { memoryLogger } from '../../support/memory-log';
import { smallRegistry } from './support/small-registry';

const key = (id: string) => cacheKeyOf(customerEntityKey(id));

describe('CacheInvalidatingOnlineStore', () => {
  let dir: string;
  let embedded: EmbeddedOnlineStore;
  const registry = smallRegistry();
  const f00 = registry.get('f00');

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'c360-invalidation-'));
    embedded = await EmbeddedOnlineStore.open(dir);
  });

  after(async () => {
    await embedded.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The wrapper without closing the shared store: close() would close it for the next test. */
  const wrap = (cache: Cache, options: { redeleteAfterMs?: number; logger?: ReturnType<typeof memoryLogger>['logger'] } = {}) => new CacheInvalidatingOnlineStore(embedded, cache, options);

  it('makes the next read see a write, and an erasure', async () => {
    const cache = new MemoryCache({ maxEntries: 100 });
    const writer = wrap(cache, { redeleteAfterMs: 0 });
    const reader = new OnlineFeatureReader(embedded, cache, registry);
    const value = async () => (await reader.read(['w1'], [f00], false))[0]?.features[0];

    await writer.writeBatch([{ entityKey: customerEntityKey('w1'), eventTime: 1000, features: { f00: 1 } }]);
    assert.equal((await value())?.value, 1);
    await writer.writeBatch([{ entityKey: customerEntityKey('w1'), eventTime: 2000, features: { f00: 2 } }]);
    assert.equal((await value())?.value, 2);
    await writer.deleteEntities([customerEntityKey('w1')]);
    assert.equal((await value())?.status, 'NOT_FOUND');
  });

  it('deletes once more shortly after, so a read that raced the write cannot leave the old value cached', async () => {
    const cache = new MemoryCache({ maxEntries: 100 });
    const writer = wrap(cache, { redeleteAfterMs: 20 });
    await writer.writeBatch([{ entityKey: customerEntityKey('w2'), eventTime: 1000, features: { f00: 1 } }]);
    // A reader that read the store before the write fills the cache after the first delete.
    await cache.setMany([{ key: key('w2'), value: '[["f00",500,0]]', ttlSeconds: 60 }]);
    assert.notEqual((await cache.getMany([key('w2')]))[0], undefined);
    await sleep(60);
    assert.equal((await cache.getMany([key('w2')]))[0], undefined);
  });

  it('keeps a write that succeeded when the cache cannot be reached, and says so once', async () => {
    const log = memoryLogger();
    const down: Cache = {
      getMany: async () => [],
      setMany: async () => undefined,
      delete: () => Promise.reject(new CacheError('Redis UNLINK failed: connection refused')),
      close: async () => undefined,
    };
    const writer = wrap(down, { redeleteAfterMs: 0, logger: log.logger });
    await writer.writeBatch([{ entityKey: customerEntityKey('w3'), eventTime: 1000, features: { f00: 3 } }]);
    await writer.writeBatch([{ entityKey: customerEntityKey('w3'), eventTime: 2000, features: { f00: 4 } }]);
    assert.equal((await embedded.read([customerEntityKey('w3')])).get(customerEntityKey('w3'))?.get('f00')?.value, 4);
    assert.equal(log.lines().filter((line) => line.includes('invalidation failed')).length, 1);
  });

  it('cancels pending re-deletes on close, so a closed cache is never touched', async () => {
    const deleted: string[][] = [];
    const cache: Cache = { getMany: async () => [], setMany: async () => undefined, delete: async (keys) => void deleted.push([...keys]), close: async () => undefined };
    const innerDir = mkdtempSync(path.join(tmpdir(), 'c360-invalidation-close-'));
    const inner = await EmbeddedOnlineStore.open(innerDir);
    const writer = new CacheInvalidatingOnlineStore(inner, cache, { redeleteAfterMs: 20 });
    await writer.writeBatch([{ entityKey: customerEntityKey('w4'), eventTime: 1000, features: { f00: 1 } }]);
    await writer.close();
    await sleep(50);
    assert.deepEqual(deleted, [[key('w4')]]);
    rmSync(innerDir, { recursive: true, force: true });
  });
});

import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { RedisCache } from '../../../src/cache/redis/redis-cache';
import { customerEntityKey } from '../../../src/features/feature-definition';
import { CacheInvalidatingOnlineStore } from '../../../src/features/serving/cache-invalidating-online-store';
import { OnlineFeatureReader } from '../../../src/features/serving/online-feature-reader';
import { EmbeddedOnlineStore } from '../../../src/store/embedded/embedded-online-store';
import { requireService, SERVICE_ADDRESSES } from '../../support/services';
import { CountingStore } from './support/counting-store';
import { KEYS, ServingApp } from './support/serving-app';
import { smallRegistry, TWENTY } from './support/small-registry';

const { host, port } = SERVICE_ADDRESSES.redis;
const url = `redis://${host}:${port}`;
// Unique per run, so parallel runs never meet; after() removes everything under it.
const runPrefix = `c360test:serving:${randomBytes(6).toString('hex')}:`;
const ids = (count: number) => Array.from({ length: count }, (_, i) => `r${i}`);

describe('feature serving through Redis', async () => {
  describe('against the real Redis', await requireService('redis'), () => {
    let raw: Redis;
    let dir: string;
    let embedded: EmbeddedOnlineStore;
    const registry = smallRegistry();

    before(async () => {
      raw = new Redis(url);
      dir = mkdtempSync(path.join(tmpdir(), 'c360-serving-redis-'));
      embedded = await EmbeddedOnlineStore.open(dir);
      await embedded.writeBatch(ids(100).map((id, c) => ({ entityKey: customerEntityKey(id), eventTime: Date.now(), features: Object.fromEntries(TWENTY.map((f, i) => [f.name, c * 100 + i])) })));
    });

    after(async () => {
      const keys: string[] = [];
      for await (const batch of raw.scanStream({ match: `${runPrefix}*`, count: 1000 })) keys.push(...(batch as string[]));
      if (keys.length > 0) await raw.unlink(...keys);
      await raw.quit();
      await embedded.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('reads 100 × 20 with one store call, none on the cached repeat, and sees writes at once', async () => {
      const cache = await RedisCache.connect({ url, keyPrefix: `${runPrefix}reader:` });
      try {
        const store = new CountingStore(embedded);
        const reader = new OnlineFeatureReader(store, cache, registry);
        const first = await reader.read(ids(100), TWENTY, false);
        assert.equal(store.reads.length, 1);
        // The fill is not awaited by read(); a command on the same connection runs after it.
        await cache.getMany(['barrier']);
        assert.ok(first.every((row, c) => row.features.every((served, i) => served.status === 'PRESENT' && served.value === c * 100 + i)));
        assert.equal(await raw.exists(`${runPrefix}reader:features:v1:customer:r0`), 1, 'filled under the configured prefix');
        const ttl = await raw.pttl(`${runPrefix}reader:features:v1:customer:r0`);
        assert.ok(ttl > 50_000 && ttl <= 60_000, `PTTL ${ttl}`);

        store.reset();
        assert.deepEqual(await reader.read(ids(100), TWENTY, false), first);
        assert.equal(store.reads.length, 0);

        const writer = new CacheInvalidatingOnlineStore(embedded, cache, { redeleteAfterMs: 0 });
        await writer.writeBatch([{ entityKey: customerEntityKey('r5'), eventTime: Date.now() + 1, features: { f00: -1 } }]);
        const [row] = await reader.read(['r5'], TWENTY.slice(0, 1), false);
        assert.equal(row?.features[0]?.value, -1);
        assert.equal(store.reads.length, 1, 'only the invalidated entity was read again');
      } finally {
        await cache.close();
      }
    });

    it('serves the API from Redis (C360_CACHE=redis) and invalidates on write', async () => {
      const api = await ServingApp.start({ C360_CACHE: 'redis', C360_REDIS_URL: url, C360_REDIS_KEY_PREFIX: `${runPrefix}api:` });
      try {
        await api.seed([{ customerId: 'a1', eventTime: Date.now() - 1000, features: { orders_30d: 4 } }]);
        const body = { features: ['customer_orders:orders_30d'], entities: { customer_id: ['a1'] } };
        const read = async () => ((await api.post('/get-online-features', JSON.stringify(body), KEYS.recsys)).json() as { results: Array<{ values: unknown[] }> }).results[1]?.values[0];
        assert.equal(await read(), 4);
        assert.equal(await raw.exists(`${runPrefix}api:features:v1:customer:a1`), 1);
        await api.writeStore().writeBatch([{ entityKey: customerEntityKey('a1'), eventTime: Date.now(), features: { orders_30d: 9 } }]);
        assert.equal(await raw.exists(`${runPrefix}api:features:v1:customer:a1`), 0, 'the write deleted the entry');
        assert.equal(await read(), 9);
        const graphql = await api.graphql<{ features: Array<{ features: Array<{ value: unknown }> }> }>('{ features(entityIds: ["a1"], names: ["orders_30d"]) { features { value } } }');
        assert.equal(graphql.body.data?.features[0]?.features[0]?.value, 9);
      } finally {
        await api.close();
      }
    });
  });
});

import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { CacheError } from '../../../src/cache/cache.error';
import type { Cache, CacheEntry } from '../../../src/cache/cache.port';
import { MemoryCache } from '../../../src/cache/memory/memory-cache';
import { customerEntityKey } from '../../../src/features/feature-definition';
import { entityLoaderFor } from '../../../src/features/serving/graphql/feature-loader';
import { OnlineFeatureReader } from '../../../src/features/serving/online-feature-reader';
import { cacheKeyOf } from '../../../src/features/serving/stored-entity.codec';
import { EmbeddedOnlineStore } from '../../../src/store/embedded/embedded-online-store';
import { memoryLogger } from '../../support/memory-log';
import { CountingStore } from './support/counting-store';
import { SMALL_FEATURES, smallRegistry, TWENTY } from './support/small-registry';

const NOW = Date.UTC(2026, 2, 1, 12);
const ids = (count: number, prefix = 'c') => Array.from({ length: count }, (_, i) => `${prefix}${i}`);

describe('OnlineFeatureReader (embedded store, in-process cache)', () => {
  let dir: string;
  let embedded: EmbeddedOnlineStore;
  let store: CountingStore;
  const registry = smallRegistry();
  const feature = (name: string) => registry.get(name);

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'c360-reader-'));
    embedded = await EmbeddedOnlineStore.open(dir);
    // 100 customers × 20 features, each value telling which customer and feature it is.
    await embedded.writeBatch(
      ids(100).map((id, c) => ({ entityKey: customerEntityKey(id), eventTime: NOW - 1000, features: Object.fromEntries(TWENTY.map((f, i) => [f.name, c * 100 + i])) })),
    );
    await embedded.writeBatch([
      { entityKey: customerEntityKey('c0'), eventTime: NOW - 61_000, features: { short_lived: 1, home_city: 7, prescriptions_90d: 2 } },
      { entityKey: customerEntityKey('c1'), eventTime: NOW - 60_000, features: { short_lived: 1 } },
      // The stream keeps its state in the same partition; serving must neither serve nor cache it.
      { entityKey: customerEntityKey('c0'), eventTime: NOW, features: { '_stream:meta': '{"v":1}' } },
    ]);
  });

  beforeEach(() => {
    store = new CountingStore(embedded);
  });

  after(async () => {
    await embedded.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const newReader = (cache: Cache = new MemoryCache({ maxEntries: 1000 }), logger = memoryLogger().logger) => new OnlineFeatureReader(store, cache, registry, { now: () => NOW, logger });

  it('reads 100 customers × 20 features in one store call, and none when all are cached', async () => {
    const reader = newReader();
    const rows = await reader.read(ids(100), TWENTY, false);
    assert.equal(store.reads.length, 1, 'one store read for the whole request');
    assert.equal(store.reads[0]?.entities, 100);
    assert.equal(rows.length, 100);
    assert.ok(rows.every((row, c) => row.features.every((served, i) => served.status === 'PRESENT' && served.value === c * 100 + i)));

    store.reset();
    const again = await reader.read(ids(100), TWENTY, false);
    assert.equal(store.reads.length, 0, 'a fully cached repeat never reaches the store');
    assert.deepEqual(again, rows);

    // Half cached, half new: still one read, of the misses only.
    store.reset();
    await reader.read([...ids(50), ...ids(50, 'new')], TWENTY, false);
    assert.deepEqual(store.reads, [{ entities: 50, names: SMALL_FEATURES.length }]);
  });

  it('reads registered names only, so the stream’s state cells are never served or cached', async () => {
    const cache = new MemoryCache({ maxEntries: 10 });
    await newReader(cache).read(['c0'], [feature('f00')], false);
    assert.equal(store.reads[0]?.names, SMALL_FEATURES.length);
    const [entry] = await cache.getMany([cacheKeyOf(customerEntityKey('c0'))]);
    assert.ok(entry?.includes('"f00"'));
    assert.ok(!entry?.includes('_stream'));
  });

  it('answers each requested id in order, duplicates included, loading each entity once', async () => {
    const rows = await newReader().read(['c2', 'nobody', 'c2'], [feature('f01')], false);
    assert.deepEqual(rows.map((row) => [row.entityId, row.features[0]?.status, row.features[0]?.value]), [
      ['c2', 'PRESENT', 201],
      ['nobody', 'NOT_FOUND', null],
      ['c2', 'PRESENT', 201],
    ]);
    assert.deepEqual(store.reads, [{ entities: 2, names: SMALL_FEATURES.length }]);
  });

  it('caches entities without values too, so unknown ids do not reach the store every time', async () => {
    const reader = newReader();
    await reader.read(['ghost'], [feature('f00')], false);
    await reader.read(['ghost'], [feature('f00')], false);
    assert.equal(store.reads.length, 1);
  });

  it('is OUTSIDE_MAX_AGE only when strictly older than the ttl, and keeps the stale value', async () => {
    const rows = await newReader().read(['c0', 'c1'], [feature('short_lived')], false);
    assert.deepEqual(
      rows.map((row) => row.features[0]),
      [
        { feature: feature('short_lived'), status: 'OUTSIDE_MAX_AGE', value: 1, eventTime: NOW - 61_000 },
        { feature: feature('short_lived'), status: 'PRESENT', value: 1, eventTime: NOW - 60_000 },
      ],
    );
  });

  it('turns a cached value OUTSIDE_MAX_AGE once it outlives the ttl, without a store read', async () => {
    let now = NOW;
    const reader = new OnlineFeatureReader(store, new MemoryCache({ maxEntries: 10 }), registry, { now: () => now });
    const status = async () => (await reader.read(['c1'], [feature('short_lived')], false))[0]?.features[0]?.status;
    assert.equal(await status(), 'PRESENT', '60 s old, ttl 60 s');
    now += 1;
    assert.equal(await status(), 'OUTSIDE_MAX_AGE', 'the entry cached a second ago is judged by the clock now');
    assert.equal(store.reads.length, 1);
  });

  it('masks personal and health features unless sensitive values may be revealed', async () => {
    const names = [feature('home_city'), feature('prescriptions_90d'), feature('f00')];
    const reader = newReader();
    const masked = await reader.read(['c0', 'c5'], names, false);
    assert.deepEqual(
      masked.map((row) => row.features.map((served) => [served.status, served.value, served.eventTime])),
      [
        [['MASKED', null, null], ['MASKED', null, null], ['PRESENT', 0, NOW - 1000]],
        [['MASKED', null, null], ['MASKED', null, null], ['PRESENT', 500, NOW - 1000]],
      ],
    );
    const revealed = await reader.read(['c0', 'c5'], names, true);
    assert.deepEqual(
      revealed.map((row) => row.features.map((served) => served.status)),
      [
        ['PRESENT', 'PRESENT', 'PRESENT'],
        ['NOT_FOUND', 'NOT_FOUND', 'PRESENT'],
      ],
    );
  });

  it('serves from the store when the cache is down, warning once rather than per request', async () => {
    const down: Cache = {
      getMany: () => Promise.reject(new CacheError('Redis MGET failed: connection refused')),
      setMany: () => Promise.reject(new Error('must not fill a cache that could not be read')),
      delete: () => Promise.resolve(),
      close: () => Promise.resolve(),
    };
    const log = memoryLogger();
    const reader = newReader(down, log.logger);
    for (let i = 0; i < 5; i++) {
      const [row] = await reader.read(['c3'], [feature('f04')], false);
      assert.equal(row?.features[0]?.value, 304);
    }
    assert.equal(store.reads.length, 5);
    const warnings = log.lines().filter((line) => line.includes('feature cache unavailable'));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /connection refused/);
    assert.ok(!log.lines().some((line) => line.includes('fill failed')), 'no fill of a cache that could not be read');
  });

  it('treats an entry it cannot decode as a miss, never as a value', async () => {
    const cache = new MemoryCache({ maxEntries: 10 });
    await cache.setMany([{ key: cacheKeyOf(customerEntityKey('c7')), value: '{"not":"ours"}', ttlSeconds: 60 }]);
    const [row] = await newReader(cache).read(['c7'], [feature('f01')], false);
    assert.equal(row?.features[0]?.value, 701);
    assert.equal(store.reads.length, 1);
  });

  it('fills the cache with the configured ttl', async () => {
    const written: CacheEntry[] = [];
    const recording: Cache = { getMany: async (keys) => keys.map(() => undefined), setMany: async (entries) => void written.push(...entries), delete: async () => undefined, close: async () => undefined };
    await new OnlineFeatureReader(store, recording, registry, { cacheTtlSeconds: 7 }).read(['c1', 'c2'], [feature('f00')], false);
    assert.deepEqual(written.map((entry) => [entry.key, entry.ttlSeconds]), [
      ['features:v1:customer:c1', 7],
      ['features:v1:customer:c2', 7],
    ]);
  });

  it('batches the loads of one GraphQL request (one per customer field) into one store read', async () => {
    const reader = newReader();
    const context = {};
    const loader = entityLoaderFor(context, reader);
    assert.equal(entityLoaderFor(context, reader), loader, 'one loader per request context');
    assert.notEqual(entityLoaderFor({}, reader), loader, 'requests do not share loaders');
    // What `customers(ids) { features(names) }` does: one load per customer, all in one tick.
    const loaded = await Promise.all(ids(30).map((id) => loader.load(id)));
    assert.equal(store.reads.length, 1);
    assert.equal(store.reads[0]?.entities, 30);
    assert.equal(loaded[29]?.get('f03')?.value, 2903);
  });
});

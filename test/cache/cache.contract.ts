import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { CacheError } from '../../src/cache/cache.error';
import type { Cache, CacheEntry } from '../../src/cache/cache.port';

const MINUTE = 60;

function entry(key: string, value: string, ttlSeconds = MINUTE): CacheEntry {
  return { key, value, ttlSeconds };
}

/** A JSON document of at least `bytes` UTF-8 bytes, with multi-byte characters throughout. */
function largeJson(bytes: number): string {
  const rows: Array<{ id: number; name: string; tags: string[] }> = [];
  let json = '[]';
  while (Buffer.byteLength(json) < bytes) {
    rows.push({ id: rows.length, name: `Paracetamol 500 mg — पैरासिटामोल 💊 #${rows.length}`, tags: ['rx', 'çé'] });
    if (rows.length % 100 === 0) json = JSON.stringify(rows);
  }
  return json;
}

/**
 * The behaviour every Cache adapter shares (Feast's "universal" tests). `open` must return a new
 * cache each call, isolated from every other one it returned (Redis: a fresh key prefix).
 */
export function describeCacheContract(name: string, open: () => Promise<Cache>): void {
  describe(`${name}: cache contract`, () => {
    // Each test has its own cache, closed even when an assertion fails.
    async function withCache(body: (cache: Cache) => Promise<void>): Promise<void> {
      const cache = await open();
      try {
        await body(cache);
      } finally {
        await cache.close();
      }
    }

    it('misses with undefined, and answers an empty read with nothing', () =>
      withCache(async (cache) => {
        assert.deepEqual(await cache.getMany(['never-written']), [undefined]);
        assert.deepEqual(await cache.getMany([]), []);
        await cache.setMany([]);
        await cache.delete([]);
      }));

    it('reads many keys in the order asked, misses in place, repeats allowed', () =>
      withCache(async (cache) => {
        await cache.setMany([entry('a', '1'), entry('b', '2'), entry('c', '3')]);
        assert.deepEqual(await cache.getMany(['c', 'x', 'a', 'b', 'y', 'a']), ['3', undefined, '1', '2', undefined, '1']);
      }));

    it('overwrites values, the last write of a batch winning', () =>
      withCache(async (cache) => {
        await cache.setMany([entry('k', 'old')]);
        await cache.setMany([entry('k', 'new')]);
        assert.deepEqual(await cache.getMany(['k']), ['new']);
        await cache.setMany([entry('k', 'first'), entry('k', 'last')]);
        assert.deepEqual(await cache.getMany(['k']), ['last']);
      }));

    it('expires each entry on its own TTL; an overwrite restarts it', () =>
      withCache(async (cache) => {
        await cache.setMany([entry('short', 's', 1), entry('long', 'l'), entry('renewed', 'r1', 1)]);
        await cache.setMany([entry('renewed', 'r2')]);
        assert.deepEqual(await cache.getMany(['short', 'long', 'renewed']), ['s', 'l', 'r2']);
        await sleep(1200);
        assert.deepEqual(await cache.getMany(['short', 'long', 'renewed']), [undefined, 'l', 'r2']);
      }));

    it('deletes keys, ignoring absent ones and leaving others', () =>
      withCache(async (cache) => {
        await cache.setMany([entry('a', '1'), entry('b', '2'), entry('c', '3')]);
        await cache.delete(['a', 'c', 'never-written']);
        assert.deepEqual(await cache.getMany(['a', 'b', 'c']), [undefined, '2', undefined]);
      }));

    it('round-trips unicode keys and values and a 100 KB JSON value exactly', () =>
      withCache(async (cache) => {
        const unicode = 'Grüße — पैरासिटामोल 💊 𝄞 "quoted" \\ \n\t\u0000 end';
        const large = largeJson(100 * 1024);
        await cache.setMany([entry('kunde:çé:💊', unicode), entry('large', large)]);
        const [gotUnicode, gotLarge] = await cache.getMany(['kunde:çé:💊', 'large']);
        assert.equal(gotUnicode, unicode);
        assert.equal(gotLarge, large, 'the 100 KB value comes back byte for byte');
      }));

    it('keeps separately opened caches apart', async () => {
      const [first, second] = [await open(), await open()];
      try {
        await first.setMany([entry('shared', 'first')]);
        assert.deepEqual(await second.getMany(['shared']), [undefined]);
        await second.setMany([entry('shared', 'second')]);
        await second.delete(['shared']);
        assert.deepEqual(await first.getMany(['shared']), ['first']);
      } finally {
        await Promise.all([first.close(), second.close()]);
      }
    });

    it('rejects a TTL that is not a positive finite number, writing nothing of the batch', () =>
      withCache(async (cache) => {
        for (const ttl of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
          await assert.rejects(cache.setMany([entry('good', 'g'), entry('bad', 'b', ttl)]), RangeError, `ttl ${ttl}`);
        }
        assert.deepEqual(await cache.getMany(['good', 'bad']), [undefined, undefined]);
      }));

    it('closes idempotently and refuses use after close', async () => {
      const cache = await open();
      await cache.setMany([entry('k', 'v')]);
      await Promise.all([cache.close(), cache.close()]);
      await cache.close();
      await assert.rejects(cache.getMany(['k']), CacheError);
      await assert.rejects(cache.setMany([entry('k', 'v')]), CacheError);
      await assert.rejects(cache.delete(['k']), CacheError);
    });
  });
}

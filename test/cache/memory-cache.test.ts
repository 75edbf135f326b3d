import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { MemoryCache } from '../../src/cache/memory/memory-cache';
import { describeCacheContract } from './cache.contract';

describeCacheContract('memory', async () => new MemoryCache({ maxEntries: 1000 }));

describe('memory cache', () => {
  const fill = (cache: MemoryCache, ...keys: string[]) => cache.setMany(keys.map((key) => ({ key, value: key, ttlSeconds: 60 })));

  it('evicts the least recently used entry first, a read counting as use', async () => {
    const cache = new MemoryCache({ maxEntries: 3 });
    await fill(cache, 'a', 'b', 'c');
    await cache.getMany(['a']); // b is now the least recently used
    await fill(cache, 'd');
    assert.deepEqual(await cache.getMany(['a', 'b', 'c', 'd']), ['a', undefined, 'c', 'd']);
  });

  it('counts an overwrite as use', async () => {
    const cache = new MemoryCache({ maxEntries: 3 });
    await fill(cache, 'a', 'b', 'c');
    await fill(cache, 'a'); // b is now the least recently used
    await fill(cache, 'd', 'e'); // evicts b, then c
    assert.deepEqual(await cache.getMany(['a', 'b', 'c', 'd', 'e']), ['a', undefined, undefined, 'd', 'e']);
  });

  it('rejects a max entry count that is not a positive integer', () => {
    for (const maxEntries of [0, -1, 1.5, Number.NaN]) {
      assert.throws(() => new MemoryCache({ maxEntries }), RangeError, `maxEntries ${maxEntries}`);
    }
  });
});

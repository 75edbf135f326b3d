import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { CacheError } from '../../src/cache/cache.error';
import { MemoryCache } from '../../src/cache/memory/memory-cache';
import { openCache } from '../../src/cache/open-cache';
import { RedisCache } from '../../src/cache/redis/redis-cache';
import { loadConfig } from '../../src/config/load-config';
import { requireService } from '../support/services';

describe('openCache', async () => {
  it('opens the in-process cache for C360_CACHE=memory', async () => {
    const cache = await openCache(loadConfig({ C360_CACHE: 'memory' }));
    assert.ok(cache instanceof MemoryCache);
    await cache.close();
  });

  it('fails with a CacheError naming C360_REDIS_URL when Redis does not answer', async () => {
    await assert.rejects(openCache(loadConfig({ C360_CACHE: 'redis', C360_REDIS_URL: 'redis://127.0.0.1:1' })), (error: unknown) => {
      assert.ok(error instanceof CacheError);
      assert.match(error.message, /C360_REDIS_URL/);
      return true;
    });
  });

  it('opens the Redis cache for C360_CACHE=redis', await requireService('redis'), async () => {
    const cache = await openCache(loadConfig({ C360_CACHE: 'redis' }));
    assert.ok(cache instanceof RedisCache);
    await cache.close();
  });
});

import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { CacheError } from '../../src/cache/cache.error';
import { RedisCache } from '../../src/cache/redis/redis-cache';
import { memoryLogger } from '../support/memory-log';
import { requireService, SERVICE_ADDRESSES } from '../support/services';
import { describeCacheContract } from './cache.contract';
import { TcpProxy } from './tcp-proxy';

const { host, port } = SERVICE_ADDRESSES.redis;
const url = `redis://${host}:${port}`;
// Unique per run so parallel runs and leftovers of crashed runs never meet; every cache opened
// below gets its own sub-prefix, and after() removes everything under the run's prefix.
const runPrefix = `c360test:${randomBytes(6).toString('hex')}:`;
let opened = 0;
const openCache = () => RedisCache.connect({ url, keyPrefix: `${runPrefix}${++opened}:` });

/** The first result of `read` that does not throw, polling while Redis reconnects. */
async function eventually<T>(read: () => Promise<T>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await read();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(50);
    }
  }
}

describe('redis cache', async () => {
  describe('against the real Redis', await requireService('redis'), () => {
    // A plain client to look behind the adapter and to clean up.
    let raw: Redis;
    before(() => {
      raw = new Redis(url);
    });
    after(async () => {
      const keys: string[] = [];
      for await (const batch of raw.scanStream({ match: `${runPrefix}*`, count: 1000 })) keys.push(...(batch as string[]));
      if (keys.length > 0) await raw.unlink(...keys);
      await raw.quit();
    });

    describeCacheContract('redis', openCache);

    it('stores under its key prefix with a server-side TTL', async () => {
      const keyPrefix = `${runPrefix}raw:`;
      const cache = await RedisCache.connect({ url, keyPrefix });
      try {
        await cache.setMany([{ key: 'k', value: 'v', ttlSeconds: 60 }]);
        assert.equal(await raw.get(`${keyPrefix}k`), 'v');
        assert.equal(await raw.exists('k'), 0, 'nothing is written without the prefix');
        const ttl = await raw.pttl(`${keyPrefix}k`);
        assert.ok(ttl > 55_000 && ttl <= 60_000, `PTTL ${ttl}`);
        await cache.delete(['k']);
        assert.equal(await raw.exists(`${keyPrefix}k`), 0);
      } finally {
        await cache.close();
      }
    });

    it('fails fast with a CacheError while Redis is unreachable, and recovers when it returns', async () => {
      const proxy = new TcpProxy({ host, port });
      await proxy.start();
      const { logger, lines } = memoryLogger();
      const cache = await RedisCache.connect({ url: `redis://127.0.0.1:${proxy.port}`, keyPrefix: `${runPrefix}outage:` }, { logger });
      try {
        await cache.setMany([{ key: 'k', value: 'v', ttlSeconds: 60 }]);
        await proxy.stop();
        // After three failed reconnects (each logged, not printed by ioredis) the client backs off
        // ~400 ms: an offline queue would hold a read that long, so the timing below means something.
        await eventually(async () => assert.ok(lines().filter((line) => line.includes('redis cache connection error')).length >= 3));
        const started = Date.now();
        await assert.rejects(cache.getMany(['k']), CacheError);
        assert.ok(Date.now() - started < 100, 'the read fails at once instead of waiting in an offline queue');
        await proxy.start();
        assert.deepEqual(await eventually(() => cache.getMany(['k'])), ['v']);
      } finally {
        await cache.close();
        await proxy.stop();
      }
    });
  });

  it('fails to connect with a clear error, without leaking the password', async () => {
    const started = Date.now();
    await assert.rejects(RedisCache.connect({ url: 'redis://user:s3cret@127.0.0.1:1/0', keyPrefix: 'x:' }), (error: unknown) => {
      assert.ok(error instanceof CacheError);
      assert.match(error.message, /^Redis did not answer at redis:\/\/127\.0\.0\.1:1\/0 \(C360_REDIS_URL\): .*ECONNREFUSED/);
      assert.doesNotMatch(error.message, /s3cret/);
      return true;
    });
    assert.ok(Date.now() - started < 3000, 'fails within the connect timeout');
  });
});

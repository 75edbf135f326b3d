import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { loadConfig } from '../../src/config/load-config';
import { customerEntityKey } from '../../src/features/feature-definition';
import { materializeFeatures } from '../../src/features/materialize-features';
import { openFeatureLakeAndStore } from '../../src/features/open-feature-deps';
import { cacheKeyOf } from '../../src/features/serving/stored-entity.codec';
import { silentLogger } from '../../src/shared/logger.port';
import { requireService, SERVICE_ADDRESSES } from '../support/services';
import { FeatureLake } from './support/feature-lake';
import { AS_OF, writeScenario } from './support/scenario';

const { host, port } = SERVICE_ADDRESSES.redis;
const prefix = `c360test:materialize:${randomBytes(6).toString('hex')}:`;

describe('features materialize with the Redis cache', async () => {
  describe('against the real Redis', await requireService('redis'), () => {
    const lake = new FeatureLake();
    let redis: Redis;

    before(async () => {
      await writeScenario(lake);
      redis = new Redis(`redis://${host}:${port}`);
    });
    after(async () => {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
      await lake.close();
    });

    it('invalidates the cached entities of the customers it loads, so the API serves the run at once', async () => {
      const cached = ['cust-1', 'cust-2', 'someone-else'].map((customer) => `${prefix}${cacheKeyOf(customerEntityKey(customer))}`);
      for (const key of cached) await redis.set(key, '[["orders_30d",1,7]]', 'EX', 600);
      const config = loadConfig({ C360_HOME: lake.root, C360_LAKE: lake.root, C360_CACHE: 'redis', C360_REDIS_URL: `redis://${host}:${port}`, C360_REDIS_KEY_PREFIX: prefix });
      const opened = await openFeatureLakeAndStore(config, silentLogger);
      try {
        await materializeFeatures({ date: AS_OF }, { engine: opened.engine, layout: opened.layout, store: opened.store, logger: silentLogger });
      } finally {
        await opened.close();
      }
      assert.deepEqual(await Promise.all(cached.map((key) => redis.exists(key))), [0, 0, 1], 'customers of the run are invalidated, others kept');
    });
  });
});

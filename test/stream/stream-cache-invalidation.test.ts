import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { customerEntityKey } from '../../src/features/feature-definition';
import { silentLogger } from '../../src/shared/logger.port';
import type { OnlineStore } from '../../src/store/online-store.port';
import { openOnlineStore } from '../../src/store/open-online-store';
import { openStreamIdentity, type OpenedStreamIdentity } from '../../src/stream/identity/open-stream-identity';
import { postGraphql } from '../support/post-graphql';
import { requireService, SERVICE_ADDRESSES } from '../support/services';
import { API_KEY, basic, customerOfAccount, eventually, startStreamApp, WRITE_KEY, type StreamApp } from './support/stream-app';

const { host, port } = SERVICE_ADDRESSES.redis;
const url = `redis://${host}:${port}`;
// Unique per run, so parallel runs never meet; after() removes everything under it.
const prefix = `c360test:stream:${randomBytes(6).toString('hex')}:`;

/**
 * API processes serve features through Redis (C360_CACHE=redis) with a TTL of a minute; the
 * stream's writes delete the entries they change, so a streamed event shows at once, not when the
 * cached values expire.
 */
describe('streamed features and the Redis feature cache', async () => {
  describe('against the real Redis', await requireService('redis'), () => {
    let stream: StreamApp;
    let store: OnlineStore;
    let identity: OpenedStreamIdentity;
    let raw: Redis;

    before(async () => {
      raw = new Redis(url);
      stream = await startStreamApp({ C360_CACHE: 'redis', C360_REDIS_URL: url, C360_REDIS_KEY_PREFIX: prefix });
      store = await openOnlineStore(stream.config);
      identity = await openStreamIdentity(stream.config, silentLogger);
    });
    after(async () => {
      await store.close();
      await identity.close();
      await stream.close();
      const keys: string[] = [];
      for await (const batch of raw.scanStream({ match: `${prefix}*`, count: 1000 })) keys.push(...(batch as string[]));
      if (keys.length > 0) await raw.unlink(...keys);
      await raw.quit();
    });

    const order = async (userId: string, messageId: string) => {
      const response = await fetch(`${stream.url}/v1/track`, {
        method: 'POST',
        body: JSON.stringify({ userId, messageId, event: 'Order Completed', properties: { revenue: 10 } }),
        headers: { 'content-type': 'application/json', authorization: basic(WRITE_KEY) },
      });
      assert.equal(response.status, 200);
    };
    const stored = async (customerId: string) => (await store.read([customerEntityKey(customerId)], ['orders_30d'])).get(customerEntityKey(customerId))?.get('orders_30d')?.value;
    const served = async (customerId: string) => {
      const answer = await postGraphql(stream.app, 'query ($ids: [ID!]!) { features(entityIds: $ids, names: ["orders_30d"]) { features { value } } }', { ids: [customerId] }, API_KEY);
      assert.deepEqual(answer.body.errors, undefined);
      return (answer.body.data as { features: Array<{ features: Array<{ value: unknown }> }> }).features[0]?.features[0]?.value;
    };

    it('deletes the cached entry of every customer a streamed batch changed, so the API serves the new value at once', async () => {
      await order('cached-user', 'cached-1');
      let customerId: string | undefined;
      await eventually(async () => (customerId = await customerOfAccount(identity.store, 'cached-user')) !== undefined && (await stored(customerId)) === 1, () => 'the first order was not applied');
      const id = customerId as string;
      assert.equal(await served(id), 1);
      const cacheKey = `${prefix}features:v1:${customerEntityKey(id)}`;
      await eventually(async () => (await raw.exists(cacheKey)) === 1, () => 'the API did not fill the cache');

      await order('cached-user', 'cached-2');
      await eventually(async () => (await stored(id)) === 2, () => 'the second order was not applied');
      // The consumer deletes after its write is stored; its handler returns only after that.
      await eventually(async () => (await raw.exists(cacheKey)) === 0, () => 'the streamed write left the cached entry in place', 5_000);
      assert.equal(await served(id), 2);
    });
  });
});

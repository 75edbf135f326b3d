import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { customerEntityKey } from '../../src/features/feature-definition';
import { customerIdFor } from '../../src/identity/customer-id';
import { EmbeddedIdentityStore } from '../../src/identity/embedded/embedded-identity-store';
import { identifierKey } from '../../src/identity/identifier';
import { IncrementalStitcher } from '../../src/identity/incremental/incremental-stitcher';
import { CompiledRules, DEFAULT_RULES } from '../../src/identity/rules/identity-rules';
import { EmbeddedOnlineStore } from '../../src/store/embedded/embedded-online-store';
import type { FeatureRow, OnlineStore } from '../../src/store/online-store.port';
import type { ClickstreamEvent } from '../../src/stream/clickstream-event';
import { FeatureProjector } from '../../src/stream/features/feature-projector';
import { StitchedStreamIdentity } from '../../src/stream/identity/stitched-stream-identity';

const END_OF = (day: string) => Date.parse(`${day}T23:59:59.999Z`);

function event(messageId: string, time: string, fields: Partial<ClickstreamEvent>): ClickstreamEvent {
  return { type: 'track', messageId, timestamp: time, receivedAt: time, ...fields };
}
const order = (id: string, time: string, userId: string, revenue: number) => event(id, time, { userId, event: 'Order Completed', properties: { revenue } });
/** The customer id the stream gives an account it meets first (batch stitching names it alike). */
const accountCustomer = (userId: string) => customerIdFor({ type: 'user_id', value: userId }, DEFAULT_RULES.idSalt);

describe('feature projector: exactly-once effects, batch base + stream, identity merges', () => {
  let dir: string;
  let store: EmbeddedOnlineStore;
  let identities: EmbeddedIdentityStore;
  let projector: FeatureProjector;
  const streamIdentity = () => new StitchedStreamIdentity(new IncrementalStitcher(identities, new CompiledRules(DEFAULT_RULES)));

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'c360-projector-'));
    store = await EmbeddedOnlineStore.open(dir);
    identities = await EmbeddedIdentityStore.open(path.join(dir, 'identity'));
    // No cache: these cases write batch values straight to the store between batches.
    projector = new FeatureProjector(store, streamIdentity(), { cacheTtlMs: 0 });
  });
  after(async () => {
    await store.close();
    await identities.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The served features of the customer who holds this account now. */
  async function served(userId: string): Promise<Record<string, unknown>> {
    const account = { type: 'user_id', value: userId };
    const customerId = (await identities.lookup([account])).get(identifierKey(account));
    assert.ok(customerId, `${userId} belongs to a customer`);
    const read = await store.read([customerEntityKey(customerId)]);
    return Object.fromEntries([...(read.get(customerEntityKey(customerId)) ?? new Map())].map(([name, stored]) => [name, stored.value]));
  }

  it('counts a redelivered or duplicated message once, with or without the customer cache', async () => {
    const cached = new FeatureProjector(store, streamIdentity());
    const copies = [order('c-1', '2024-03-02T10:00:00Z', 'cached-user', 4), order('c-2', '2024-03-02T11:00:00Z', 'cached-user', 6)];
    await cached.apply(copies);
    await cached.apply([copies[1], copies[0], copies[1]]);
    assert.equal((await served('cached-user')).orders_30d, 2);
    assert.equal((await served('cached-user')).gmv_30d, 10);

    const events = [order('o-1', '2024-03-01T10:00:00Z', 'dup-user', 10), order('o-2', '2024-03-01T11:00:00Z', 'dup-user', 5)];
    await projector.apply(events);
    await projector.apply(events);
    await projector.apply([events[1], order('o-1', '2024-03-01T10:00:00Z', 'dup-user', 10)]);
    const values = await served('dup-user');
    assert.equal(values.orders_30d, 2);
    assert.equal(values.gmv_30d, 15);
  });

  it('applies events after the batch watermark on top of the batch value; replaying covered events changes nothing', async () => {
    // The batch for 2024-04-10 wrote its values as of the end of that day.
    await store.writeBatch([{ entityKey: customerEntityKey(accountCustomer('batch-user')), eventTime: END_OF('2024-04-10'), features: { orders_30d: 4, gmv_30d: 400, banner_clicks_30d: 2, banner_views_30d: 9, cart_products: ['sku-a'] } }]);
    await projector.apply([
      order('after-1', '2024-04-11T09:00:00Z', 'batch-user', 25),
      event('after-2', '2024-04-11T09:30:00Z', { userId: 'batch-user', event: 'Product Added', properties: { product_id: 'sku-b' } }),
    ]);
    let values = await served('batch-user');
    assert.equal(values.orders_30d, 5);
    assert.equal(values.gmv_30d, 425);
    assert.deepEqual(values.cart_products, ['sku-b'], 'the order emptied the batch cart, then sku-b was added');
    // Events at or before the watermark are already in the batch value.
    await projector.apply([order('before-1', '2024-04-10T08:00:00Z', 'batch-user', 99), order('before-2', '2024-04-02T08:00:00Z', 'batch-user', 1)]);
    values = await served('batch-user');
    assert.equal(values.orders_30d, 5);
    assert.equal(values.gmv_30d, 425);
    assert.equal(values.banner_views_30d, 9);
  });

  it('takes a newer batch value as the new base (the next daily run)', async () => {
    await store.writeBatch([{ entityKey: customerEntityKey(accountCustomer('batch-user')), eventTime: END_OF('2024-04-11'), features: { orders_30d: 7, gmv_30d: 700 } }]);
    await projector.apply([order('after-3', '2024-04-12T10:00:00Z', 'batch-user', 1)]);
    const values = await served('batch-user');
    assert.equal(values.orders_30d, 8);
    assert.equal(values.gmv_30d, 701);
  });

  it('rolls 30-day windows by day, dropping what the batch counted on days that expired', async () => {
    await projector.apply([order('w-1', '2024-01-01T10:00:00Z', 'window-user', 10)]);
    await store.writeBatch([{ entityKey: customerEntityKey(accountCustomer('window-user')), eventTime: END_OF('2024-01-20'), features: { orders_30d: 3, gmv_30d: 30 } }]);
    await projector.apply([order('w-2', '2024-01-31T10:00:00Z', 'window-user', 5)]);
    // Window (Jan 2 – Jan 31): the batch's 3 orders minus Jan 1's (seen by the stream) plus Jan 31's.
    let values = await served('window-user');
    assert.equal(values.orders_30d, 3);
    assert.equal(values.gmv_30d, 25);
    await projector.apply([order('w-3', '2024-03-15T10:00:00Z', 'window-user', 7)]);
    values = await served('window-user');
    assert.equal(values.orders_30d, 1, 'a window with nothing but the new order');
    assert.equal(values.gmv_30d, 7);
  });

  it('merges the anonymous profile into the account on identify, once', async () => {
    // The account existed before this browsing session, so identify merges two customers.
    await projector.apply([event('m-0', '2024-05-01T09:00:00Z', { userId: 'user-9', event: 'Promotion Viewed', properties: { promotion_id: 'p-0' } })]);
    const anonymous = [
      event('m-1', '2024-05-01T10:00:00Z', { anonymousId: 'anon-9', event: 'Promotion Clicked', properties: { promotion_id: 'p-1' } }),
      event('m-2', '2024-05-01T10:01:00Z', { anonymousId: 'anon-9', event: 'Product Added', properties: { product_id: 'sku-9' } }),
    ];
    await projector.apply(anonymous);
    const identify: ClickstreamEvent = { type: 'identify', messageId: 'm-3', userId: 'user-9', anonymousId: 'anon-9', timestamp: '2024-05-01T10:02:00Z', receivedAt: '2024-05-01T10:02:00Z' };
    const later = event('m-4', '2024-05-01T10:03:00Z', { anonymousId: 'anon-9', event: 'Promotion Clicked', properties: { promotion_id: 'p-2' } });
    await projector.apply([identify, later]);
    await projector.apply([identify, later]);
    const values = await served('user-9');
    assert.equal(values.banner_clicks_30d, 2);
    assert.equal(values.last_banner_clicked, 'p-2');
    assert.deepEqual(values.cart_products, ['sku-9']);
    const anonymousId = { type: 'anonymous_id', value: 'anon-9' };
    assert.equal((await identities.lookup([anonymousId])).get(identifierKey(anonymousId)), accountCustomer('user-9'), 'the older customer, the account, kept its id');
    assert.equal((await identities.mergesOf(accountCustomer('user-9'))).length, 1);
  });

  it('carries point features set earlier in the same batch over a merge', async () => {
    await projector.apply([event('s-0', '2024-05-02T09:00:00Z', { userId: 'user-same', event: 'Product Added', properties: { product_id: 'sku-s' } })]);
    await projector.apply([
      event('s-1', '2024-05-02T10:00:00Z', { anonymousId: 'anon-same', event: 'Promotion Clicked', properties: { promotion_id: 'p-same' } }),
      { type: 'identify', messageId: 's-2', userId: 'user-same', anonymousId: 'anon-same', timestamp: '2024-05-02T10:01:00Z', receivedAt: '2024-05-02T10:01:00Z' },
    ]);
    const values = await served('user-same');
    assert.equal(values.last_banner_clicked, 'p-same');
    assert.equal(values.banner_clicks_30d, 1);
    assert.equal((await identities.mergesOf(accountCustomer('user-same'))).length, 1, 'the anonymous customer made in the batch was merged');
  });

  it('ignores a counted event older than the retained days, without touching the day that shares its slot', async () => {
    await projector.apply([order('r-1', '2024-07-10T10:00:00Z', 'retained-user', 5), order('r-2', '2024-07-16T10:00:00Z', 'retained-user', 7)]);
    // 70 days before 2024-07-16 falls on the ring slot of 2024-07-10 (the ring has 64 slots).
    await projector.apply([order('r-old', '2024-05-07T10:00:00Z', 'retained-user', 100)]);
    await projector.apply([order('r-3', '2024-07-16T11:00:00Z', 'retained-user', 1)]);
    const values = await served('retained-user');
    assert.equal(values.orders_30d, 3);
    assert.equal(values.gmv_30d, 13);
  });

  it('gives an event whose ids are all junk to no one: no features keyed by the raw id, the rest of the batch applied', async () => {
    const written: FeatureRow[] = [];
    const recording: OnlineStore = {
      writeBatch: async (rows) => {
        written.push(...rows);
        await store.writeBatch(rows);
      },
      read: (keys, names) => store.read(keys, names),
      deleteEntities: (keys) => store.deleteEntities(keys),
      close: async () => undefined,
    };
    const junk = new FeatureProjector(recording, streamIdentity(), { cacheTtlMs: 0 });
    const summary = await junk.apply([
      order('j-1', '2024-05-02T10:00:00Z', 'null', 50),
      event('j-2', '2024-05-02T10:01:00Z', { anonymousId: 'undefined', event: 'Product Added', properties: { product_id: 'P1' } }),
      event('j-3', '2024-05-02T10:02:00Z', { userId: '0', anonymousId: '00000000-0000-0000-0000-000000000000', event: 'Promotion Clicked', properties: { promotion_id: 'B' } }),
      order('j-4', '2024-05-02T10:03:00Z', 'real-user', 7),
    ]);
    assert.equal(summary.events, 4);
    assert.equal(summary.customers, 1);
    assert.deepEqual([...new Set(written.map((row) => row.entityKey))], [customerEntityKey(accountCustomer('real-user'))]);
    const stored = await store.read(['null', 'undefined', '0', customerEntityKey('null'), customerEntityKey('undefined'), customerEntityKey('0')].map(String));
    assert.equal([...stored.values()].filter((cells) => cells.size > 0).length, 0);
    assert.equal((await served('real-user')).orders_30d, 1);
  });
});

import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { customerEntityKey } from '../../src/features/feature-definition';
import { SEGMENTS_FEATURE } from '../../src/segments/online/online-memberships';
import { SEGMENT_CHANGES_TOPIC, type SegmentChange } from '../../src/segments/realtime/segment-change-sink';
import { SegmentCatalog } from '../../src/segments/segment-catalog';
import { silentLogger } from '../../src/shared/logger.port';
import type { OnlineStore } from '../../src/store/online-store.port';
import { openOnlineStore } from '../../src/store/open-online-store';
import type { Subscription } from '../../src/stream/event-bus.port';
import { openStreamIdentity, type OpenedStreamIdentity } from '../../src/stream/identity/open-stream-identity';
import { basic, customerOfAccount, eventually, startStreamApp, WRITE_KEY, type StreamApp } from './support/stream-app';

/**
 * The running stream moves customers into and out of segments: events through the collector, the
 * bus and the consumers change features, and the consumer's writes evaluate every active segment
 * on them; memberships land in the online store and entries/exits on the segment change feed.
 */
describe('real-time segments in the running stream (embedded profile)', () => {
  let stream: StreamApp;
  let store: OnlineStore;
  let identity: OpenedStreamIdentity;
  let feed: Subscription;
  const changes: SegmentChange[] = [];

  before(async () => {
    stream = await startStreamApp();
    store = await openOnlineStore(stream.config);
    identity = await openStreamIdentity(stream.config, silentLogger);
    const catalog = stream.app.get(SegmentCatalog);
    await catalog.create({ id: 'cart-holders', name: 'Cart holders', definition: { feature: 'cart_products', op: 'exists' } }, 'ana');
    await catalog.create({ id: 'clickers', name: 'Clickers', definition: { feature: 'banner_clicks_30d', op: 'gte', value: 1 } }, 'ana');
    feed = await stream.runtime.bus.subscribe({ group: 'test-segment-feed', topics: [SEGMENT_CHANGES_TOPIC], fromBeginning: true }, async (batch) => {
      for (const message of batch) changes.push(JSON.parse(message.value) as SegmentChange);
    });
  });
  after(async () => {
    await feed.stop();
    await store.close();
    await identity.close();
    await stream.close();
  });

  const track = async (userId: string, messageId: string, event: string, properties: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => {
    const response = await fetch(`${stream.url}/v1/track`, {
      method: 'POST',
      body: JSON.stringify({ userId, messageId, event, properties, ...extra }),
      headers: { 'content-type': 'application/json', authorization: basic(WRITE_KEY) },
    });
    assert.equal(response.status, 200);
  };
  let seen: unknown;
  const segmentsOf = async (userId: string): Promise<unknown> => {
    const customerId = await customerOfAccount(identity.store, userId);
    if (customerId === undefined) return (seen = undefined);
    return (seen = (await store.read([customerEntityKey(customerId)], [SEGMENTS_FEATURE])).get(customerEntityKey(customerId))?.get(SEGMENTS_FEATURE)?.value);
  };
  const changesOf = async (userId: string): Promise<string[]> => {
    const customerId = await customerOfAccount(identity.store, userId);
    return changes.filter((change) => change.customerId === customerId).map((change) => `${change.change} ${change.segmentId}`);
  };
  const same = (expected: unknown) => async (actual: unknown) => JSON.stringify(await actual) === JSON.stringify(expected);

  it('a streamed feature change enters the segment whose rule is on that feature, in the store and on the feed', async () => {
    await track('rt-u1', 'rt-1', 'Product Added', { product_id: 'P1' });
    await eventually(() => same(['cart-holders'])(segmentsOf('rt-u1')), () => `segments of rt-u1: ${JSON.stringify(seen)}`);
    await eventually(() => same(['entered cart-holders'])(changesOf('rt-u1')), () => `feed: ${JSON.stringify(changes)}`);
    const entered = changes.find((change) => change.segmentId === 'cart-holders');
    assert.equal(entered?.source, 'stream');
  });

  it('a later change that breaks the rule exits the segment, and another enters one', async () => {
    await track('rt-u1', 'rt-2', 'Order Completed', { order_id: 'o1', revenue: 40 });
    await track('rt-u1', 'rt-3', 'Promotion Clicked', { promotion_id: 'B1' });
    await eventually(() => same(['clickers'])(segmentsOf('rt-u1')), () => `segments of rt-u1: ${JSON.stringify(seen)}`);
    await eventually(() => same(['entered cart-holders', 'exited cart-holders', 'entered clickers'])(changesOf('rt-u1')), () => `feed: ${JSON.stringify(changes)}`);
  });

  it('a change to a feature no segment reads leaves the memberships alone', async () => {
    await track('rt-u2', 'rt-4', 'Promotion Viewed', { promotion_id: 'B1' });
    let views: unknown;
    await eventually(
      async () => {
        const customerId = await customerOfAccount(identity.store, 'rt-u2');
        views = customerId && (await store.read([customerEntityKey(customerId)], ['banner_views_30d'])).get(customerEntityKey(customerId))?.get('banner_views_30d')?.value;
        return views === 1;
      },
      () => `banner_views_30d of rt-u2: ${JSON.stringify(views)}`,
    );
    assert.equal(await segmentsOf('rt-u2'), undefined);
    assert.deepEqual(await changesOf('rt-u2'), []);
  });

  const consent = (userId: string, messageId: string, advertising: boolean, timestamp: string) =>
    track(userId, messageId, 'Segment Consent Preference Updated', {}, { timestamp, context: { consent: { categoryPreferences: { Advertising: advertising, Analytics: true } } } });

  it('an opt-out leaves every segment at once; an older opt-in arriving late changes nothing; a newer one lets them back in', async () => {
    await track('rt-u3', 'rt-6', 'Product Added', { product_id: 'P3' });
    await track('rt-u3', 'rt-7', 'Promotion Clicked', { promotion_id: 'B2' });
    await eventually(() => same(['cart-holders', 'clickers'])(segmentsOf('rt-u3')), () => `segments of rt-u3: ${JSON.stringify(seen)}`);
    const now = Date.now();
    await consent('rt-u3', 'rt-8', false, new Date(now).toISOString());
    await eventually(() => same([])(segmentsOf('rt-u3')), () => `segments of rt-u3 after opting out: ${JSON.stringify(seen)}`);
    await eventually(
      async () => (await changesOf('rt-u3')).filter((entry) => entry.startsWith('exited')).sort().join() === 'exited cart-holders,exited clickers',
      () => `feed: ${JSON.stringify(changes)}`,
    );
    // A choice made before the opt-out, delivered after it: the newest choice still decides.
    await consent('rt-u3', 'rt-9', true, new Date(now - 60_000).toISOString());
    await track('rt-u3', 'rt-10', 'Promotion Clicked', { promotion_id: 'B3' });
    let clicks: unknown;
    await eventually(
      async () => {
        const customerId = await customerOfAccount(identity.store, 'rt-u3');
        clicks = customerId && (await store.read([customerEntityKey(customerId)], ['banner_clicks_30d'])).get(customerEntityKey(customerId))?.get('banner_clicks_30d')?.value;
        return clicks === 2;
      },
      () => `banner_clicks_30d of rt-u3: ${JSON.stringify(clicks)}`,
    );
    assert.deepEqual(await segmentsOf('rt-u3'), []);
    await consent('rt-u3', 'rt-11', true, new Date(now + 60_000).toISOString());
    await eventually(() => same(['cart-holders', 'clickers'])(segmentsOf('rt-u3')), () => `segments of rt-u3 after opting back in: ${JSON.stringify(seen)}`);
  });
});

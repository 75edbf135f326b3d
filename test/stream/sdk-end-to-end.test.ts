import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import RudderAnalytics from '@rudderstack/rudder-sdk-node';
import { Analytics as SegmentAnalytics } from '@segment/analytics-node';
import { customerEntityKey } from '../../src/features/feature-definition';
import type { OnlineStore } from '../../src/store/online-store.port';
import { openOnlineStore } from '../../src/store/open-online-store';
import { silentLogger } from '../../src/shared/logger.port';
import { openStreamIdentity, type OpenedStreamIdentity } from '../../src/stream/identity/open-stream-identity';
import { API_KEY, customerOfAccount, eventually, rawEvents, startStreamApp, WRITE_KEY, type StreamApp } from './support/stream-app';

describe('official SDKs → collector → bus → consumers → online store (embedded profile)', () => {
  let stream: StreamApp;
  let store: OnlineStore;
  let identity: OpenedStreamIdentity;

  before(async () => {
    stream = await startStreamApp();
    store = await openOnlineStore(stream.config);
    identity = await openStreamIdentity(stream.config, silentLogger);
  });
  after(async () => {
    await store.close();
    await identity.close();
    await stream.close();
  });

  let last: Record<string, unknown> = {};
  /** The served features of the customer who holds this account (stitched with its anonymous browsing). */
  async function features(userId: string): Promise<Record<string, unknown>> {
    const customerId = await customerOfAccount(identity.store, userId);
    if (customerId === undefined) return (last = {});
    const read = await store.read([customerEntityKey(customerId)]);
    last = Object.fromEntries([...(read.get(customerEntityKey(customerId)) ?? new Map())].map(([name, stored]) => [name, stored.value]));
    return last;
  }

  it('the RudderStack Node SDK (gzip, unmodified): an anonymous journey, identify, then an order', async () => {
    const errors: unknown[] = [];
    const rudder = new RudderAnalytics(WRITE_KEY, { dataPlaneUrl: stream.url, flushAt: 50, flushInterval: 100, logLevel: 'error', errorHandler: (error: unknown) => errors.push(error) });
    const anonymousId = 'anon-rudder-1';
    // A real journey spreads over seconds; each call gets its own time, as a browser session would.
    const start = Date.now() - 60_000;
    const at = (second: number) => new Date(start + second * 1000);
    rudder.page({ anonymousId, name: 'Home', timestamp: at(0) });
    rudder.track({ anonymousId, event: 'Promotion Viewed', properties: { promotion_id: 'banner-7' }, timestamp: at(1) });
    rudder.track({ anonymousId, event: 'Promotion Clicked', properties: { promotion_id: 'banner-7' }, timestamp: at(2) });
    rudder.track({ anonymousId, event: 'Product Added', properties: { product_id: 'sku-1' }, timestamp: at(3) });
    rudder.identify({ anonymousId, userId: 'user-rudder-1', traits: { plan: 'gold' }, timestamp: at(4) });
    rudder.track({ anonymousId, userId: 'user-rudder-1', event: 'Product Added', properties: { product_id: 'sku-2' }, timestamp: at(5) });
    rudder.track({ anonymousId, userId: 'user-rudder-1', event: 'Order Completed', properties: { order_id: 'o-1', revenue: 120.5 }, timestamp: at(6) });
    rudder.track({ anonymousId, userId: 'user-rudder-1', event: 'Product Added', properties: { product_id: 'sku-3' }, timestamp: at(7) });
    rudder.screen({ userId: 'user-rudder-1', name: 'Cart', timestamp: at(8) });
    rudder.group({ userId: 'user-rudder-1', groupId: 'clinic-9', timestamp: at(9) });
    rudder.alias({ userId: 'user-rudder-1', previousId: 'old-device-id', timestamp: at(10) });
    await rudder.flush();
    assert.deepEqual(errors, []);
    const expected = { orders_30d: 1, gmv_30d: 120.5, banner_views_30d: 1, banner_clicks_30d: 1, last_banner_seen: 'banner-7', last_banner_clicked: 'banner-7', cart_products: ['sku-3'] };
    await eventually(
      async () => JSON.stringify(pick(await features('user-rudder-1'), Object.keys(expected))) === JSON.stringify(expected),
      () => `features of user-rudder-1: ${JSON.stringify(last)}`,
    );
    const got = await features('user-rudder-1');
    assert.equal(typeof got.last_seen_at, 'string');
    const raw = rawEvents(stream.config.lakeRoot).filter((event) => event.anonymousId === anonymousId || event.userId === 'user-rudder-1');
    assert.equal(raw.length, 11, 'every call is in the raw zone');
    assert.ok(raw.every((event) => typeof event.messageId === 'string' && typeof event.timestamp === 'string' && typeof event.receivedAt === 'string'));
  });

  it('the Segment Node SDK (unmodified): tracks reach the same features', async () => {
    const segment = new SegmentAnalytics({ writeKey: WRITE_KEY, host: stream.url, flushAt: 20, flushInterval: 100, maxRetries: 1 });
    const errors: unknown[] = [];
    segment.on('error', (error) => errors.push(error));
    segment.identify({ userId: 'user-segment-1', anonymousId: 'anon-segment-1', traits: { name: 'x' } });
    segment.track({ anonymousId: 'anon-segment-1', event: 'Promotion Viewed', properties: { promotion_id: 'b-1' } });
    segment.track({ userId: 'user-segment-1', event: 'Order Completed', properties: { order_id: 'o-9', revenue: 30 } });
    segment.track({ userId: 'user-segment-1', event: 'Order Completed', properties: { order_id: 'o-10', revenue: 12.25 } });
    segment.page({ userId: 'user-segment-1', name: 'Thanks' });
    await segment.closeAndFlush();
    assert.deepEqual(errors, []);
    const expected = { orders_30d: 2, gmv_30d: 42.25, banner_views_30d: 1, last_banner_seen: 'b-1' };
    await eventually(async () => JSON.stringify(pick(await features('user-segment-1'), Object.keys(expected))) === JSON.stringify(expected), () => `features of user-segment-1: ${JSON.stringify(last)}`);
  });

  it('reports throughput, lag and effect latency on /metrics', async () => {
    const text = await (await fetch(`${stream.url}/metrics`, { headers: { authorization: `Bearer ${API_KEY}` } })).text();
    assert.match(text, /c360_stream_events_applied_total\{topic="c360-events"\} \d+/);
    assert.match(text, /c360_stream_consumer_lag\{topic="c360-events",partition="0",unit="bytes"\} \d+/);
    assert.match(text, /c360_stream_effect_latency_seconds_count \d+/);
    assert.match(text, /c360_collector_events_accepted_total\{source="web"\} 16/);
  });
});

function pick(values: Record<string, unknown>, names: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(names.map((name) => [name, values[name]]));
}

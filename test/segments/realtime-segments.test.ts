import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { customerEntityKey } from '../../src/features/feature-definition';
import { customerIdFor } from '../../src/identity/customer-id';
import { EmbeddedIdentityStore } from '../../src/identity/embedded/embedded-identity-store';
import { IncrementalStitcher } from '../../src/identity/incremental/incremental-stitcher';
import { CompiledRules, DEFAULT_RULES } from '../../src/identity/rules/identity-rules';
import { consentRow, membershipRow, SEGMENTS_FEATURE } from '../../src/segments/online/online-memberships';
import { RealtimeSegments } from '../../src/segments/realtime/realtime-segments';
import type { SegmentChange, SegmentChangeSink } from '../../src/segments/realtime/segment-change-sink';
import { SegmentEvaluatingStore } from '../../src/segments/realtime/segment-evaluating-store';
import type { SegmentCatalog } from '../../src/segments/segment-catalog';
import { silentLogger } from '../../src/shared/logger.port';
import { EmbeddedOnlineStore } from '../../src/store/embedded/embedded-online-store';
import type { ClickstreamEvent } from '../../src/stream/clickstream-event';
import { FeatureProjector } from '../../src/stream/features/feature-projector';
import { StitchedStreamIdentity } from '../../src/stream/identity/stitched-stream-identity';
import { testCatalog } from './support/catalog';

const NOW = Date.parse('2026-03-10T12:00:00Z');
const customerOf = (userId: string) => customerIdFor({ type: 'user_id', value: userId }, DEFAULT_RULES.idSalt);
const track = (messageId: string, userId: string, minute: number, event: string, properties: Record<string, unknown>): ClickstreamEvent => {
  const time = new Date(NOW - 60 * 60_000 + minute * 60_000).toISOString();
  return { type: 'track', messageId, userId, event, properties, timestamp: time, receivedAt: time };
};

/**
 * The real stream path: events go through the feature projector, which writes through the
 * segment-evaluating store; entries and exits follow the streamed features at once.
 */
describe('real-time segment entry and exit as streamed features change', () => {
  let dir: string;
  let store: EmbeddedOnlineStore;
  let identities: EmbeddedIdentityStore;
  let catalog: SegmentCatalog;
  let closeCatalog: () => Promise<void>;
  let projector: FeatureProjector;
  const published: SegmentChange[] = [];
  const sink: SegmentChangeSink = { publish: async (changes) => void published.push(...changes) };
  let clock = NOW;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'c360-segments-realtime-'));
    store = await EmbeddedOnlineStore.open(dir);
    identities = await EmbeddedIdentityStore.open(path.join(dir, 'identity'));
    ({ catalog, close: closeCatalog } = await testCatalog());
    await catalog.create({ id: 'cart-holders', name: 'Cart holders', definition: { feature: 'cart_products', op: 'exists' } }, 'ana');
    await catalog.create({ id: 'clickers', name: 'Clickers', definition: { feature: 'banner_clicks_30d', op: 'gte', value: 1 } }, 'ana');
    await catalog.create({ id: 'repeat-buyers', name: 'Repeat', definition: { feature: 'orders_30d', op: 'gte', value: 2 } }, 'ana');
    await catalog.create({ id: 'abandoners', name: 'Abandoners', definition: { all: [{ feature: 'cart_products', op: 'exists' }, { event: 'Product Added', inLastDays: 7 }] } }, 'ana');
    const realtime = new RealtimeSegments(catalog, store, sink, silentLogger, { now: () => (clock += 1000) });
    const identity = new StitchedStreamIdentity(new IncrementalStitcher(identities, new CompiledRules(DEFAULT_RULES)));
    projector = new FeatureProjector(new SegmentEvaluatingStore(store, realtime, silentLogger), identity, { cacheTtlMs: 0 });
  });
  after(async () => {
    await store.close();
    await identities.close();
    await closeCatalog();
    rmSync(dir, { recursive: true, force: true });
  });

  const segmentsOf = async (userId: string) => (await store.read([customerEntityKey(customerOf(userId))], [SEGMENTS_FEATURE])).get(customerEntityKey(customerOf(userId)))?.get(SEGMENTS_FEATURE)?.value;
  const changesOf = (userId: string) => published.filter((change) => change.customerId === customerOf(userId)).map((change) => `${change.change} ${change.segmentId}`);

  it('enters segments the features decide; one an event condition decides waits for the daily run', async () => {
    await projector.apply([track('m1', 'u1', 0, 'Product Added', { product_id: 'P1' }), track('m2', 'u1', 1, 'Promotion Clicked', { promotion_id: 'X' })]);
    assert.deepEqual(await segmentsOf('u1'), ['cart-holders', 'clickers']);
    assert.deepEqual(changesOf('u1'), ['entered cart-holders', 'entered clickers']);
    assert.ok(published.every((change) => change.source === 'stream' && Date.parse(change.at) > NOW));
  });

  it('exits at once when the features say so, even a segment that needed events to enter', async () => {
    // The daily run had found u1 among the abandoners.
    await store.writeBatch([membershipRow(customerOf('u1'), ['abandoners', 'cart-holders', 'clickers'], (clock += 1000))]);
    await projector.apply([track('m3', 'u1', 5, 'Order Completed', { order_id: 'o1', revenue: 300 })]);
    assert.deepEqual(await segmentsOf('u1'), ['clickers']);
    assert.deepEqual(changesOf('u1').slice(2), ['exited abandoners', 'exited cart-holders']);
    await projector.apply([track('m4', 'u1', 9, 'Order Completed', { order_id: 'o2', revenue: 100 })]);
    assert.deepEqual(await segmentsOf('u1'), ['clickers', 'repeat-buyers']);
  });

  it('takes an opted-out customer out of everything at the next change, and lets no one in', async () => {
    await store.writeBatch([consentRow(customerOf('u1'), true, NOW)]);
    await projector.apply([track('m5', 'u1', 12, 'Product Added', { product_id: 'P2' })]);
    assert.deepEqual(await segmentsOf('u1'), []);
    assert.deepEqual(changesOf('u1').slice(-2), ['exited clickers', 'exited repeat-buyers']);
  });

  it('ignores writes of features no segment reads, and redelivered events change nothing', async () => {
    const before = published.length;
    await projector.apply([track('m6', 'u2', 20, 'Promotion Viewed', { promotion_id: 'Y' })]);
    assert.equal(published.length, before, 'banner views and last-seen are read by no segment');
    await projector.apply([track('m7', 'u2', 21, 'Promotion Clicked', { promotion_id: 'Y' })]);
    await projector.apply([track('m7', 'u2', 21, 'Promotion Clicked', { promotion_id: 'Y' })]);
    assert.deepEqual(changesOf('u2'), ['entered clickers']);
  });
});

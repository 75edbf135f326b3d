import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { withLake } from './test-lake';

type Json = { [key: string]: unknown };

/** A RudderStack track call; `extra` overrides or adds fields. */
function track(messageId: string, extra: Json = {}): string {
  return JSON.stringify({
    type: 'track',
    event: 'Product Viewed',
    messageId,
    anonymousId: 'anon-1',
    timestamp: '2026-03-01T10:00:00.000Z',
    receivedAt: '2026-03-01T10:00:01.000Z',
    properties: { product_id: 'sku-1' },
    context: { device: { id: 'dev-1' }, os: { name: 'Android' } },
    ...extra,
  });
}

describe('clickstream processing', () => {
  it('keeps one event per messageId: the copy received first', async () => {
    await withLake(async (lake) => {
      lake.write('clickstream', '2026-03-01', 'part-1.jsonl', [
        track('m1', { receivedAt: '2026-03-01T10:00:05Z', properties: { copy: 'retried' } }),
        track('m2'),
      ]);
      lake.write('clickstream', '2026-03-02', 'part-1.jsonl', [
        // a replay that landed a day later but was received before the copy above
        track('m1', { receivedAt: '2026-03-01T10:00:02Z', properties: { copy: 'first' } }),
        track('m2', { properties: { copy: 'same time, later file' } }),
      ]);
      const summary = await lake.process();
      const rows = await lake.rows('clickstream', 'message_id');
      assert.deepEqual(
        rows.map((r) => [r.message_id, JSON.parse(String(r.properties))]),
        [
          ['m1', { copy: 'first' }],
          ['m2', { product_id: 'sku-1' }],
        ],
      );
      assert.deepEqual(summary.tables.clickstream, { rowsIn: 4, rowsOut: 2, partitionsWritten: 1 });
    });
  });

  it('takes the event time from timestamp, else originalTimestamp, in UTC, and partitions by it', async () => {
    await withLake(async (lake) => {
      lake.write('clickstream', '2026-03-02', 'part-1.jsonl', [
        track('m1', { timestamp: '2026-03-01T23:30:00+05:30' }),
        track('m2', { timestamp: undefined, originalTimestamp: '2026-02-28T22:00:00.250Z' }),
      ]);
      await lake.process();
      const rows = await lake.rows('clickstream', 'message_id');
      assert.deepEqual(
        rows.map((r) => [r.message_id, (r.event_time as Date).toISOString(), r.dt]),
        [
          ['m1', '2026-03-01T18:00:00.000Z', '2026-03-01'],
          ['m2', '2026-02-28T22:00:00.250Z', '2026-02-28'],
        ],
      );
    });
  });

  it('trims ids of tabs and line breaks too, as identity stitching does, so readers join the identity map by equality', async () => {
    await withLake(async (lake) => {
      lake.write('clickstream', '2026-03-01', 'part-1.jsonl', [
        track('m1', { userId: 'u-42\t', anonymousId: '\nanon-2 ', previousId: ' p\r', context: { device: { id: '\vdev-9\f' } } }),
        track('m2', { userId: '\t', anonymousId: 'anon-3' }),
      ]);
      await lake.process();
      const rows = await lake.rows('clickstream', 'message_id');
      assert.deepEqual(
        rows.map((r) => [r.message_id, r.user_id, r.anonymous_id, r.previous_id, r.device_id]),
        [
          ['m1', 'u-42', 'anon-2', 'p', 'dev-9'],
          ['m2', null, 'anon-3', null, 'dev-1'],
        ],
      );
    });
  });

  it('flattens the fields downstream jobs need and keeps the free-form objects as JSON text', async () => {
    await withLake(async (lake) => {
      lake.write('clickstream', '2026-03-01', 'part-1.jsonl', [
        track('m1', {
          event: 'Promotion Clicked',
          userId: 'u-42',
          properties: { promotion_id: 'banner-7', creative: 'spring', position: 2 },
        }),
        track('m2', { event: 'Order Completed', properties: { order_id: 'o-9', revenue: '499.5' } }),
        JSON.stringify({
          type: 'identify',
          messageId: 'm3',
          anonymousId: 'anon-1',
          userId: 'u-42',
          originalTimestamp: '2026-03-01T11:00:00Z',
          traits: { email: 'a@example.com', plan: 'gold' },
          context: { traits: { email: 'old@example.com', city: 'Pune' } },
        }),
        JSON.stringify({ type: 'alias', messageId: 'm4', userId: 'u-42', previousId: 'anon-1', timestamp: '2026-03-01T12:00:00Z' }),
        JSON.stringify({ type: 'screen', name: 'Home', channel: 'mobile', messageId: 'm5', anonymousId: 'anon-1', timestamp: '2026-03-01T12:00:00Z' }),
      ]);
      await lake.process();
      const rows = await lake.rows('clickstream', 'message_id');
      const byId = new Map(rows.map((r) => [r.message_id, r]));
      const click = byId.get('m1');
      assert.equal(click?.type, 'track');
      assert.equal(click?.event, 'Promotion Clicked');
      assert.equal(click?.promotion_id, 'banner-7');
      assert.equal(click?.user_id, 'u-42');
      assert.equal(click?.anonymous_id, 'anon-1');
      assert.equal(click?.device_id, 'dev-1');
      assert.equal(click?.os_name, 'Android');
      assert.deepEqual(click?.received_at, new Date('2026-03-01T10:00:01Z'));
      assert.equal(byId.get('m2')?.order_id, 'o-9');
      assert.equal(byId.get('m2')?.revenue, 499.5);
      // explicit traits win over the cached context.traits, the rest are merged in
      assert.deepEqual(JSON.parse(String(byId.get('m3')?.traits)), { email: 'a@example.com', city: 'Pune', plan: 'gold' });
      assert.equal(byId.get('m4')?.type, 'alias');
      assert.equal(byId.get('m4')?.previous_id, 'anon-1');
      assert.equal(byId.get('m5')?.name, 'Home');
      assert.equal(byId.get('m5')?.channel, 'mobile');
      assert.deepEqual(JSON.parse(String(click?.context)), { device: { id: 'dev-1' }, os: { name: 'Android' } });
    });
  });
});

import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { customerEntityKey } from '../../src/features/feature-definition';
import type { ClickstreamEvent } from '../../src/stream/clickstream-event';
import { StreamConsumer } from '../../src/stream/consumer/stream-consumer';
import { noConsumerMetrics } from '../../src/stream/consumer/consumer-metrics';
import type { DeadLetter } from '../../src/stream/dead-letter/dead-letter';
import type { DeadLetterQueue } from '../../src/stream/dead-letter/dead-letter-queue.port';
import { replayDeadLetters } from '../../src/stream/dead-letter/replay-dead-letters';
import type { DeliveredMessage } from '../../src/stream/event-bus.port';
import { FeatureProjector } from '../../src/stream/features/feature-projector';
import { openStreamIdentity, type OpenedStreamIdentity } from '../../src/stream/identity/open-stream-identity';
import type { OnlineStore } from '../../src/store/online-store.port';
import { openOnlineStore } from '../../src/store/open-online-store';
import { silentLogger } from '../../src/shared/logger.port';
import { basic, customerOfAccount, eventually, pendingDeadLetters, rawEvents, startStreamApp, WRITE_KEY, type StreamApp } from './support/stream-app';

const message = (offset: number, value: string): DeliveredMessage => ({ topic: 'c360-events', partition: 0, offset: String(offset), key: 'k', value });
const good = (id: string, userId: string): string => JSON.stringify({ type: 'track', event: 'Order Completed', userId, messageId: id, timestamp: '2024-06-01T10:00:00Z', receivedAt: '2024-06-01T10:00:01Z', properties: { revenue: 3 } });

/** A projector with a bug for one messageId until `fixed` is set: a deterministic poison message. */
class BuggyProjector extends FeatureProjector {
  fixed = false;
  override async apply(events: readonly ClickstreamEvent[]) {
    if (!this.fixed && events.some((event) => event.messageId === 'poison')) throw new Error('bug: cannot handle this event');
    return super.apply(events);
  }
}

describe('dead letters: poison messages never stall a partition; replay after a fix', () => {
  let stream: StreamApp;
  let store: OnlineStore;
  let projector: BuggyProjector;
  let consumer: StreamConsumer;
  let identity: OpenedStreamIdentity;

  before(async () => {
    stream = await startStreamApp({ C360_STREAM_CONSUME: 'false' });
    store = await openOnlineStore(stream.config);
    identity = await openStreamIdentity(stream.config, silentLogger);
    projector = new BuggyProjector(store, identity.identity);
    consumer = new StreamConsumer({ bus: stream.runtime.bus, group: 'test', topics: ['c360-events'], projector, deadLetters: stream.runtime.deadLetters, metrics: noConsumerMetrics, logger: silentLogger });
  });
  after(async () => {
    await store.close();
    await identity.close();
    await stream.close();
  });

  async function orders(userId: string): Promise<unknown> {
    const customerId = await customerOfAccount(identity.store, userId);
    if (customerId === undefined) return undefined;
    return (await store.read([customerEntityKey(customerId)], ['orders_30d'])).get(customerEntityKey(customerId))?.get('orders_30d')?.value;
  }

  it('dead-letters invalid JSON, missing ids, wrong types, oversized and poison events, and applies the rest of the batch', async () => {
    const batch = [
      message(0, good('ok-1', 'poison-user')),
      message(1, '{not json'),
      message(2, JSON.stringify({ type: 'track', event: 'x', messageId: 'no-ids', timestamp: '2024-06-01T10:00:00Z' })),
      message(3, JSON.stringify({ type: 'track', event: 'x', userId: ['a'], messageId: 'wrong-type', timestamp: '2024-06-01T10:00:00Z' })),
      message(4, JSON.stringify({ type: 'track', event: 'x', userId: 'u', messageId: 'big', timestamp: '2024-06-01T10:00:00Z', properties: { blob: 'x'.repeat(40_000) } })),
      message(5, JSON.stringify({ type: 'track', event: 'x', userId: 'u', timestamp: '2024-06-01T10:00:00Z' })),
      message(6, good('poison', 'poison-user')),
      message(7, good('ok-2', 'poison-user')),
      // Times the lake would quarantine, one of them past what a Date holds once corrected for skew.
      message(8, JSON.stringify({ type: 'track', event: 'x', userId: 'u', messageId: 'year', originalTimestamp: '-271821-04-20T00:00:00Z', sentAt: '2030-01-01T00:00:00Z' })),
      message(9, JSON.stringify({ type: 'identify', userId: 'u', anonymousId: 'a', messageId: 'rfc', timestamp: 'Mon, 02 Jun 2025 08:05:00 GMT' })),
    ];
    await consumer.handle(batch);
    assert.equal(await orders('poison-user'), 2);
    const letters = pendingDeadLetters(stream.home).filter((letter) => letter.stage === 'consumer');
    assert.deepEqual(letters.map((letter) => letter.reason).sort(), [
      'event_too_large',
      'invalid_field:originalTimestamp',
      'invalid_field:timestamp',
      'invalid_field:userId',
      'invalid_json',
      'missing_field:messageId',
      'missing_field:userId|anonymousId',
      'processing_failed: bug: cannot handle this event',
    ]);
    assert.equal(letters.find((letter) => letter.reason === 'invalid_json')?.payload, '{not json');
  });

  it('applies batches delivered together (one per partition) as one projector batch, poison still isolated, each settled with its own letters', async () => {
    const applied: number[] = [];
    class CountingProjector extends BuggyProjector {
      override async apply(events: readonly ClickstreamEvent[]) {
        applied.push(events.length);
        return super.apply(events);
      }
    }
    const letters: DeadLetter[] = [];
    const deadLetters: DeadLetterQueue = { send: async (sent) => void letters.push(...sent), replay: async () => ({ replayed: 0 }), close: async () => undefined };
    const together = new StreamConsumer({ bus: stream.runtime.bus, group: 'test', topics: ['c360-events'], projector: new CountingProjector(store, identity.identity), deadLetters, metrics: noConsumerMetrics, logger: silentLogger });
    const onPartition = (partition: number, offset: number, value: string): DeliveredMessage => ({ ...message(offset, value), partition });
    await Promise.all([
      together.handle([onPartition(0, 0, good('t-1', 'together-a')), onPartition(0, 1, good('t-2', 'together-a'))]),
      together.handle([onPartition(1, 0, good('t-3', 'together-b')), onPartition(1, 1, good('poison', 'together-b'))]),
      together.handle([onPartition(2, 0, '{not json')]),
    ]);
    // One batch of the three (4 decoded events), then the failed batch's events one at a time.
    assert.deepEqual(applied, [4, 1, 1, 1, 1]);
    assert.equal(await orders('together-a'), 2);
    assert.equal(await orders('together-b'), 1);
    assert.deepEqual(letters.map((letter) => [letter.origin.partition, letter.reason]).sort(), [
      ['1', 'processing_failed: bug: cannot handle this event'],
      ['2', 'invalid_json'],
    ]);
    // A partition's batch that fails on its own, delivered with one that does not, is dead-lettered rather than redelivered.
    applied.length = 0;
    await Promise.all([together.handle([onPartition(0, 2, good('t-4', 'together-a'))]), together.handle([onPartition(1, 2, good('poison', 'together-c'))])]);
    assert.deepEqual(applied, [2, 1, 1]);
    assert.equal(await orders('together-a'), 3);
  });

  it('rejects the batch (to be redelivered) when every event fails: an outage, not poison', async () => {
    await assert.rejects(consumer.handle([message(8, good('poison', 'poison-user'))]), /bug/);
  });

  it('replay-dead-letters reprocesses letters after a fix, and leaves the ones still bad for later', async () => {
    // A collector letter an operator fixes by hand (the folder adapter keeps letters editable).
    const response = await fetch(`${stream.url}/v1/track`, { method: 'POST', headers: { authorization: basic(WRITE_KEY), 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'fixed-user', event: 'Order Completed', messageId: 'late-fix', timestamp: 'yesterday' }) });
    assert.equal(response.status, 400);
    const pending = path.join(stream.home, 'dead-letters', 'pending');
    for (const file of readdirSync(pending)) {
      const fixedText = readFileSync(path.join(pending, file), 'utf8').replace('\\"timestamp\\":\\"yesterday\\"', '\\"timestamp\\":\\"2024-06-02T08:00:00Z\\"');
      writeFileSync(path.join(pending, file), fixedText);
    }
    projector.fixed = true;
    const consumed = await stream.runtime.startConsumer();
    try {
      const report = await replayDeadLetters(stream.runtime.deadLetters, stream.runtime.collector, stream.runtime.bus);
      assert.equal(report.collector.accepted, 1);
      assert.equal(report.republished, 8);
      assert.ok(rawEvents(stream.config.lakeRoot).some((event) => event.messageId === 'late-fix'));
      await eventually(async () => (await orders('poison-user')) === 3 && (await orders('fixed-user')) === 1, () => 'replayed events were not applied');
      // The seven still-bad consumer letters were refused again: new letters, one more attempt each.
      await eventually(() => pendingDeadLetters(stream.home).length === 7, () => `pending: ${JSON.stringify(pendingDeadLetters(stream.home).map((l) => l.reason))}`);
      assert.ok(pendingDeadLetters(stream.home).every((letter) => letter.attempts === 2));
    } finally {
      await consumed.stop();
    }
  });
});

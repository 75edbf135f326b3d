import { strict as assert } from 'node:assert';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { EventBus } from '../../src/stream/event-bus.port';
import { collect, delay, messages, sorted, waitUntil } from './bus-test-kit';

/** One adapter under test, opened fresh for each case. */
export interface EventBusUnderTest {
  bus: EventBus;
  /** Unique to this case: topic names and group ids start with it, so runs never share state. */
  topicPrefix: string;
  /** A new bus over the same storage, as a restarted process would open it (close the old one first). */
  reopen(): Promise<EventBus>;
  /** Closes every bus opened and deletes what the case created. */
  cleanup(): Promise<void>;
}

/**
 * The behaviour every EventBus adapter must share (run for the embedded bus and for Kafka).
 * `open` must create topics with at least 2 partitions and retry rejected batches quickly
 * (tens of milliseconds), so the cases about partitions and redelivery mean something and stay fast.
 */
export function describeEventBusContract(name: string, open: () => Promise<EventBusUnderTest>, options: { skip?: string | false } = {}): void {
  describe(name, { skip: options.skip }, () => {
    let t: EventBusUnderTest;
    const topic = (suffix: string) => `${t.topicPrefix}-${suffix}`;
    const group = (suffix: string) => `${t.topicPrefix}-group-${suffix}`;
    const test = (title: string, fn: () => Promise<void>) => it(title, { timeout: 45_000 }, fn);

    beforeEach(async () => {
      t = await open();
    });
    afterEach(async () => {
      await t.cleanup();
    });

    test('delivers everything published before a fromBeginning subscription, with its position', async () => {
      const all = topic('all');
      await t.bus.ensureTopics([all]);
      const sent = messages(all, 'm', 30);
      await t.bus.publish(sent);
      const got = await collect(t.bus, { group: group('all'), topics: [all], fromBeginning: true });
      await waitUntil(() => got.values().length >= 30, () => `received ${got.values().length} of 30`);
      await got.subscription.stop();
      assert.deepEqual(sorted(got.values()), sorted(sent.map((m) => m.value)));
      for (const message of got.accepted.flat()) {
        assert.equal(message.topic, all);
        assert.ok(Number.isInteger(message.partition) && message.partition >= 0);
        assert.match(message.offset, /^\d+$/);
        assert.equal(message.key, sent.find((m) => m.value === message.value)?.key);
      }
    });

    test('keeps each key on one partition and in publish order', async () => {
      const ordered = topic('order');
      await t.bus.ensureTopics([ordered]);
      const keys = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
      for (const round of [0, 1, 2]) await t.bus.publish(messages(ordered, `r${round}`, 24, keys));
      const got = await collect(t.bus, { group: group('order'), topics: [ordered], fromBeginning: true });
      await waitUntil(() => got.values().length >= 72, () => `received ${got.values().length} of 72`);
      await got.subscription.stop();
      const received = got.accepted.flat();
      for (const key of keys) {
        const mine = received.filter((m) => m.key === key);
        assert.equal(new Set(mine.map((m) => m.partition)).size, 1, `key ${key} spread over partitions`);
        const expected = [0, 1, 2].flatMap((round) => messages(ordered, `r${round}`, 24, keys).filter((m) => m.key === key).map((m) => m.value));
        assert.deepEqual(mine.map((m) => m.value), expected, `key ${key} out of order`);
      }
      for (const partition of new Set(received.map((m) => m.partition))) {
        const offsets = received.filter((m) => m.partition === partition).map((m) => BigInt(m.offset));
        assert.ok(offsets.every((offset, i) => i === 0 || offset > offsets[i - 1]), `offsets of partition ${partition} not increasing`);
      }
      assert.ok(new Set(received.map((m) => m.partition)).size >= 2, 'open() must create topics with at least 2 partitions');
    });

    test('gives every group every message', async () => {
      const shared = topic('groups');
      await t.bus.ensureTopics([shared]);
      const first = await collect(t.bus, { group: group('one'), topics: [shared], fromBeginning: true });
      const second = await collect(t.bus, { group: group('two'), topics: [shared], fromBeginning: true });
      const sent = messages(shared, 'm', 20);
      await t.bus.publish(sent);
      await waitUntil(() => first.values().length >= 20 && second.values().length >= 20, () => `received ${first.values().length} and ${second.values().length} of 20`);
      await Promise.all([first.subscription.stop(), second.subscription.stop()]);
      assert.deepEqual(sorted(first.values()), sorted(sent.map((m) => m.value)));
      assert.deepEqual(sorted(second.values()), sorted(sent.map((m) => m.value)));
    });

    test('shares the partitions among subscriptions of one group', async () => {
      const work = topic('share');
      await t.bus.ensureTopics([work]);
      const one = await collect(t.bus, { group: group('share'), topics: [work], fromBeginning: true });
      const two = await collect(t.bus, { group: group('share'), topics: [work], fromBeginning: true });
      const keys = Array.from({ length: 12 }, (_, i) => `key-${i}`);
      const sent: string[] = [];
      // Kafka rebalances once the second member has joined: publish rounds until both have work.
      const deadline = Date.now() + 30_000;
      for (let round = 0; one.values().length === 0 || two.values().length === 0; round++) {
        assert.ok(Date.now() < deadline, `member one got ${one.values().length}, member two ${two.values().length}`);
        const batch = messages(work, `r${round}`, 12, keys);
        await t.bus.publish(batch);
        sent.push(...batch.map((m) => m.value));
        await delay(100);
      }
      const union = () => new Set([...one.values(), ...two.values()]);
      await waitUntil(() => sent.every((value) => union().has(value)), () => `received ${union().size} of ${sent.length}`);
      await Promise.all([one.subscription.stop(), two.subscription.stop()]);
    });

    test('redelivers a rejected batch after a backoff, losing nothing', async () => {
      const flaky = topic('reject');
      await t.bus.ensureTopics([flaky]);
      const sent = messages(flaky, 'm', 20);
      await t.bus.publish(sent);
      const got = await collect(t.bus, { group: group('reject'), topics: [flaky], fromBeginning: true }, (_batch, index) => {
        if (index === 0) throw new Error('handler failed once (expected by the test)');
      });
      await waitUntil(() => got.values().length >= 20, () => `received ${got.values().length} of 20`);
      await got.subscription.stop();
      assert.deepEqual(sorted([...new Set(got.values())]), sorted(sent.map((m) => m.value)));
      const [rejected] = got.deliveries;
      const again = got.deliveries.slice(1).find((batch) => batch[0].partition === rejected[0].partition);
      assert.ok(again, 'the rejected partition was never delivered again');
      const prefix = Math.min(rejected.length, again.length);
      assert.deepEqual(again.slice(0, prefix).map((m) => m.value), rejected.slice(0, prefix).map((m) => m.value), 'redelivery does not start with the rejected batch');
      assert.ok(rejected.every((m) => got.values().includes(m.value)));
    });

    test('resumes a group after its last committed batch', async () => {
      const resumed = topic('resume');
      await t.bus.ensureTopics([resumed]);
      await t.bus.publish(messages(resumed, 'before', 10));
      const first = await collect(t.bus, { group: group('resume'), topics: [resumed], fromBeginning: true });
      await waitUntil(() => first.values().length >= 10, () => `received ${first.values().length} of 10`);
      await first.subscription.stop();
      await t.bus.close();

      const bus = await t.reopen();
      // Same keys, so the same partitions: a replayed "before" would arrive ahead of the "after" ones.
      const after = messages(resumed, 'after', 5);
      await bus.publish(after);
      const second = await collect(bus, { group: group('resume'), topics: [resumed], fromBeginning: true });
      await waitUntil(() => second.values().length >= 5, () => `received ${second.values().length} of 5`);
      await second.subscription.stop();
      assert.deepEqual(sorted(second.values()), sorted(after.map((m) => m.value)));
    });

    test('redelivers, after a restart, batches whose handler never succeeded', async () => {
      const failing = topic('uncommitted');
      await t.bus.ensureTopics([failing]);
      const sent = messages(failing, 'm', 10);
      await t.bus.publish(sent);
      const broken = await collect(t.bus, { group: group('uncommitted'), topics: [failing], fromBeginning: true }, () => {
        throw new Error('handler always fails (expected by the test)');
      });
      await waitUntil(() => broken.deliveries.length >= 2, () => `${broken.deliveries.length} deliveries`);
      await broken.subscription.stop();
      await t.bus.close();

      const bus = await t.reopen();
      const fixed = await collect(bus, { group: group('uncommitted'), topics: [failing], fromBeginning: true });
      await waitUntil(() => fixed.values().length >= 10, () => `received ${fixed.values().length} of 10`);
      await fixed.subscription.stop();
      assert.deepEqual(sorted(fixed.values()), sorted(sent.map((m) => m.value)));
    });

    test('stop() lets the batch in hand finish and commits it', async () => {
      const slow = topic('stop');
      await t.bus.ensureTopics([slow]);
      await t.bus.publish(messages(slow, 'm', 10, ['one-key']));
      let entered!: () => void;
      const inHand = new Promise<void>((resolve) => (entered = resolve));
      let finished = false;
      const first = await collect(t.bus, { group: group('stop'), topics: [slow], fromBeginning: true }, async (_batch, index) => {
        if (index > 0) return;
        entered();
        await delay(300);
        finished = true;
      });
      await inHand;
      await first.subscription.stop();
      assert.equal(finished, true, 'stop() resolved before the batch in hand finished');
      const handled = new Set(first.values());
      assert.ok(handled.size > 0);

      const second = await collect(t.bus, { group: group('stop'), topics: [slow], fromBeginning: true });
      await t.bus.publish([{ topic: slow, key: 'one-key', value: 'marker' }]);
      await waitUntil(() => second.values().includes('marker'), () => `received ${second.values().join(',')}`);
      await second.subscription.stop();
      assert.deepEqual(second.values().filter((value) => handled.has(value)), [], 'a committed batch was delivered again');
      assert.equal(handled.size + second.values().length, 11);
    });

    test('delivers messages published while subscribed', async () => {
      const live = topic('live');
      await t.bus.ensureTopics([live]);
      const got = await collect(t.bus, { group: group('live'), topics: [live], fromBeginning: true });
      await t.bus.publish([{ topic: live, key: 'k', value: 'first' }]);
      await waitUntil(() => got.values().length >= 1, () => 'the first message never arrived');
      await t.bus.publish(messages(live, 'later', 5));
      await t.bus.publish(messages(live, 'last', 5));
      await waitUntil(() => got.values().length >= 11, () => `received ${got.values().length} of 11`);
      await got.subscription.stop();
    });

    test('starts a new group at the end when fromBeginning is false', async () => {
      const tail = topic('latest');
      await t.bus.ensureTopics([tail]);
      await t.bus.publish(messages(tail, 'old', 5));
      const got = await collect(t.bus, { group: group('latest'), topics: [tail], fromBeginning: false });
      // Kafka fixes "the end" only once the group has joined: publish until something arrives.
      const deadline = Date.now() + 30_000;
      for (let i = 0; got.values().length === 0; i++) {
        assert.ok(Date.now() < deadline, 'nothing published after subscribing arrived');
        await t.bus.publish(messages(tail, `new${i}`, 5));
        await delay(100);
      }
      await got.subscription.stop();
      assert.deepEqual(got.values().filter((value) => value.startsWith('old')), []);
    });

    test('round-trips headers', async () => {
      const headed = topic('headers');
      await t.bus.ensureTopics([headed]);
      const headers = { 'content-type': 'application/json', 'x-trace': 'tracé ✓', empty: '' };
      await t.bus.publish([
        { topic: headed, key: 'k', value: '{"a":1}', headers },
        { topic: headed, key: 'k', value: 'plain' },
      ]);
      const got = await collect(t.bus, { group: group('headers'), topics: [headed], fromBeginning: true });
      await waitUntil(() => got.values().length >= 2, () => `received ${got.values().length} of 2`);
      await got.subscription.stop();
      const [withHeaders, without] = got.accepted.flat();
      assert.equal(withHeaders.value, '{"a":1}');
      assert.deepEqual(withHeaders.headers, headers);
      assert.deepEqual(without.headers ?? {}, {});
    });

    test('ensureTopics is idempotent', async () => {
      const [a, b, c] = [topic('ensure-a'), topic('ensure-b'), topic('ensure-c')];
      await t.bus.ensureTopics([a, b]);
      await t.bus.ensureTopics([a, b]);
      await t.bus.ensureTopics([b, c]);
      await t.bus.ensureTopics([]);
      await t.bus.publish([{ topic: c, key: 'k', value: 'v' }]);
      const got = await collect(t.bus, { group: group('ensure'), topics: [a, c], fromBeginning: true });
      await waitUntil(() => got.values().length >= 1, () => 'nothing arrived');
      await got.subscription.stop();
      assert.deepEqual(got.values(), ['v']);
    });
  });
}

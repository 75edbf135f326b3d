import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { appendFile, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { Partitioners } from 'kafkajs';
import { EmbeddedEventBus } from '../../src/stream/embedded/embedded-event-bus';
import { partitionForKey } from '../../src/stream/embedded/key-partition';
import { collect, messages, waitUntil } from './bus-test-kit';

describe('embedded event bus on disk', () => {
  let dir: string;
  const buses: EmbeddedEventBus[] = [];
  const open = async (options: Parameters<typeof EmbeddedEventBus.open>[1] = {}) => {
    const bus = await EmbeddedEventBus.open(dir, { retryBackoff: { initialMs: 20, maxMs: 100 }, ...options });
    buses.push(bus);
    return bus;
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'c360-bus-disk-'));
  });
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((bus) => bus.close()));
    await rm(dir, { recursive: true, force: true });
  });

  it('partitions keys exactly as Kafka does, so a key keeps its partition across adapters', () => {
    const kafka = Partitioners.DefaultPartitioner();
    for (let count = 1; count <= 12; count++) {
      const partitionMetadata = Array.from({ length: count }, (_, partitionId) => ({ partitionId, leader: 0, partitionErrorCode: 0, replicas: [0], isr: [0] }));
      for (const key of ['', 'a', 'ab', 'abc', 'abcd', 'user-42', 'anon-7f3e', 'ключ', '😀 emoji', 'x'.repeat(101)]) {
        assert.equal(partitionForKey(key, count), kafka({ topic: 't', partitionMetadata, message: { key, value: null } }), `key ${key}, ${count} partitions`);
      }
    }
  });

  it('stores JSON lines per partition and committed positions per group', async () => {
    const bus = await open({ partitions: 2 });
    await bus.publish(messages('layout', 'm', 4, ['a', 'b', 'c']));
    const got = await collect(bus, { group: 'g/1', topics: ['layout'], fromBeginning: true });
    await waitUntil(() => got.values().length >= 4, () => `received ${got.values().length}`);
    await got.subscription.stop();
    assert.deepEqual((await readdir(join(dir, 'topics', 'layout'))).sort(), ['0.log', '1.log', 'meta.json']);
    const lines = (await readFile(join(dir, 'topics', 'layout', '0.log'), 'utf8')) + (await readFile(join(dir, 'topics', 'layout', '1.log'), 'utf8'));
    assert.equal(lines.trim().split('\n').length, 4);
    const committed: unknown = JSON.parse(await readFile(join(dir, 'groups', 'g%2F1.json'), 'utf8'));
    assert.deepEqual(Object.keys((committed as { positions: Record<string, unknown> }).positions), ['layout']);
    assert.deepEqual(await readdir(join(dir, 'groups')), ['g%2F1.json'], 'the group lock is released on stop');
  });

  it('resumes after a consumer process is killed mid-batch: committed batches stay done, the batch in hand comes back', async () => {
    const bus = await open();
    await bus.publish(messages('crash', 'm', 20, ['one-key']));
    const handledFile = join(dir, 'handled.txt');
    const child = spawn(process.execPath, [join(__dirname, 'support', 'embedded-crash-child.js'), dir, 'crash', 'workers', handledFile], { stdio: 'inherit' });
    const [, signal] = (await once(child, 'exit')) as [number | null, string | null];
    assert.equal(signal, 'SIGKILL');
    const handled = (await readFile(handledFile, 'utf8')).trim().split('\n');
    assert.deepEqual(handled, messages('crash', 'm', 15).map((m) => m.value));

    // The dead process's group lock is taken over; delivery restarts at its uncommitted batch.
    const got = await collect(bus, { group: 'workers', topics: ['crash'], fromBeginning: true });
    await waitUntil(() => got.values().length >= 10, () => `received ${got.values().length} of 10`);
    await got.subscription.stop();
    assert.deepEqual(got.values(), messages('crash', 'm', 20).slice(10).map((m) => m.value));
  });

  it('skips a line torn by a crash and keeps appending after it', async () => {
    const bus = await open();
    await bus.ensureTopics(['torn']);
    await bus.publish([{ topic: 'torn', key: 'k', value: 'before' }]);
    await appendFile(join(dir, 'topics', 'torn', '0.log'), '{"k":"k","v":"half-writ');
    const reopened = await EmbeddedEventBus.open(dir);
    buses.push(reopened);
    await reopened.publish([{ topic: 'torn', key: 'k', value: 'after' }]);
    const got = await collect(reopened, { group: 'g', topics: ['torn'], fromBeginning: true });
    await waitUntil(() => got.values().length >= 2, () => `received ${got.values().join(',')}`);
    await got.subscription.stop();
    assert.deepEqual(got.values(), ['before', 'after']);
  });

  it('refuses a group already consuming elsewhere, and frees it on stop', async () => {
    const first = await open();
    const second = await open();
    const sub = await first.subscribe({ group: 'solo', topics: ['t'] }, async () => undefined);
    await assert.rejects(second.subscribe({ group: 'solo', topics: ['t'] }, async () => undefined), /already consuming/);
    await (await second.subscribe({ group: 'other', topics: ['t'] }, async () => undefined)).stop();
    await sub.stop();
    await (await second.subscribe({ group: 'solo', topics: ['t'] }, async () => undefined)).stop();
  });

  it('notices appends by another process (fs.watch) well before the poll interval', async () => {
    const consumer = await open({ pollIntervalMs: 60_000 });
    const producer = await open();
    await producer.ensureTopics(['watched']);
    const got = await collect(consumer, { group: 'g', topics: ['watched'], fromBeginning: true });
    const started = Date.now();
    await producer.publish([{ topic: 'watched', key: 'k', value: 'v' }]);
    await waitUntil(() => got.values().length === 1, () => 'the append was not noticed', 5_000);
    await got.subscription.stop();
    assert.ok(Date.now() - started < 5_000);
  });

  it('rejects topic names Kafka would reject', async () => {
    const bus = await open();
    await assert.rejects(bus.ensureTopics(['has space']), /invalid topic name/);
    await assert.rejects(bus.publish([{ topic: '..', key: 'k', value: 'v' }]), /invalid topic name/);
  });

  it('refuses to publish once closed', async () => {
    const bus = await open();
    await bus.close();
    await assert.rejects(bus.publish([{ topic: 't', key: 'k', value: 'v' }]), /closed/);
  });
});

// Each durable step of the stream path alone, to see which one bounds the pipeline on a machine:
// the raw-zone append, Kafka publish (kafkajs, idempotent producer), and Cassandra partition
// writes and reads through the store adapter, one request per partition and shared (multi-partition
// batches within Cassandra's warning thresholds, 32 partitions per read) alternated, against
// Cassandra's own ceiling with 25 partitions per unlogged batch (raw driver, past the thresholds).
//   node dist-stream/bench/stream-components.js
// Needs scripts/services' Kafka and Cassandra; removes what it creates.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { types } from 'cassandra-driver';
import { loadConfig } from '../src/config/load-config';
import { LakeLayout } from '../src/lake/lake-layout';
import { createCassandraClient } from '../src/store/cassandra/cassandra-client';
import { CassandraOnlineStore } from '../src/store/cassandra/cassandra-online-store';
import { RawZoneAppender } from '../src/stream/collector/raw-zone-appender';
import { openEventBus } from '../src/stream/open-event-bus';
import { eventText } from './stream-support/bench-events';

const results: Record<string, number> = {};

async function rate(label: string, count: number, work: () => Promise<void>): Promise<void> {
  const started = performance.now();
  await work();
  results[label] = Math.round((count / (performance.now() - started)) * 1000);
  process.stderr.write(`${label}: ${results[label]}/s\n`);
}

async function concurrently(n: number, each: () => Promise<void>): Promise<void> {
  await Promise.all(Array.from({ length: n }, each));
}

async function main(): Promise<void> {
  const run = `comp${randomBytes(3).toString('hex')}`;
  const home = mkdtempSync(path.join(tmpdir(), 'c360-components-'));
  const config = loadConfig({ C360_HOME: home, C360_EVENT_BUS: 'kafka', C360_CASSANDRA_KEYSPACE: `c360_${run}`, C360_STREAM_PARTITIONS: '4' });
  const lines = Array.from({ length: 250 }, (_, i) => eventText(run, i, 1000, Date.now()));
  try {
    const raw = new RawZoneAppender(new LakeLayout(config.lakeRoot));
    await rate('raw zone append, events/s (8 writers × 250-event appends, fdatasync)', 50_000, () => concurrently(8, async () => {
      for (let i = 0; i < 25; i++) await raw.append(lines, Date.now());
    }));
    await raw.close();

    const bus = await openEventBus(config);
    const topic = `${run}-events`;
    await bus.ensureTopics([topic]);
    const messages = lines.map((value, i) => ({ topic, key: `k${i % 97}`, value }));
    await rate('kafka publish, events/s (250-message sends, one at a time)', 50_000, async () => {
      for (let i = 0; i < 200; i++) await bus.publish(messages);
    });
    const big = Array.from({ length: 8 }, () => messages).flat();
    await rate('kafka publish, events/s (2000-message sends, as the collector coalesces them)', 50_000, async () => {
      for (let i = 0; i < 25; i++) await bus.publish(big);
    });
    await bus.close();

    // Streamed customers' writes: a state cell of the day's message ids and a few served values.
    const rows = (offset: number) =>
      Array.from({ length: 1000 }, (_, i) => ({
        entityKey: `customer:${run}-${offset + i}`,
        eventTime: Date.now(),
        features: { '_stream:meta': '{"v":1767225600000,"b":{},"m":[]}', '_stream:slot:3': `{"d":"2026-01-01","ids":["${run}-${offset + i}-1"],"c":{"orders_30d":1}}`, last_seen_at: new Date().toISOString() },
      }));
    // One request per partition (as before) and shared multi-partition batches, alternated.
    const single = await CassandraOnlineStore.connect(config.cassandra, { concurrency: 256, partitionsPerBatch: 1 });
    const shared = await CassandraOnlineStore.connect(config.cassandra, { concurrency: 256 });
    let offset = 0;
    for (let round = 1; round <= 2; round++) {
      for (const [label, store] of [['one request per partition', single], ['shared batches (10 partitions / 4 KiB)', shared]] as const) {
        await rate(`cassandra via the store adapter, partition writes/s, ${label}, round ${round}`, 20_000, async () => {
          for (let i = 0; i < 20; i++) await store.writeBatch(rows((offset += 1000)));
        });
      }
    }
    for (let round = 1; round <= 2; round++) {
      await rate(`cassandra via the store adapter, whole-partition reads/s, one request per partition, round ${round}`, 20_000, async () => {
        for (let i = 0; i < 20; i++) await Promise.all(rows(i * 1000).map((row) => single.read([row.entityKey])));
      });
      await rate(`cassandra via the store adapter, whole-partition reads/s, 32 partitions per request, round ${round}`, 20_000, async () => {
        for (let i = 0; i < 20; i++) await shared.read(rows(i * 1000).map((row) => row.entityKey));
      });
    }
    await Promise.all([single.close(), shared.close()]);

    const client = createCassandraClient(config.cassandra);
    await client.connect();
    const update = `UPDATE ${config.cassandra.keyspace}.features USING TIMESTAMP ? SET value = ? WHERE entity_key = ? AND feature = ?`;
    let next = 0;
    await rate('cassandra ceiling, partitions/s (3 cells each, 25 partitions per unlogged batch, 32 in flight)', 20_000, () => concurrently(32, async () => {
      while (next < 20_000) {
        const start = next;
        next += 25;
        const queries = [];
        for (let i = start; i < Math.min(20_000, start + 25); i++) {
          for (const feature of ['a', 'b', 'c']) queries.push({ query: update, params: [types.Long.fromNumber(Date.now() * 1000), '1', `ceiling-${i}`, feature] });
        }
        await client.batch(queries, { prepare: true, logged: false });
      }
    }));
    await client.execute(`DROP KEYSPACE IF EXISTS ${config.cassandra.keyspace}`, [], { readTimeout: 120_000 });
    await client.shutdown();
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});

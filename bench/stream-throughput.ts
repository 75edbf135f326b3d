// Sustained events/s through collector → Kafka → consumer → Cassandra, and the time from an event's
// acceptance (the collector's 200) to its effect being readable from the online store the API
// serves from. Usage (after `C360_DIST=dist-stream npm test -- stream/` or any tsc build):
//   node dist-stream/bench/stream-throughput.js [--seconds 60] [--concurrency 8] [--batch 250] [--customers 20000]
//     [--rate N]            offer N events/s instead of as many as the collector takes (latency at a sustainable load)
//     [--collector-only]    no consumer: the collector's own ceiling (HTTP → raw zone → Kafka)
//   C360_BENCH_ALL_PROBES=1 prints every probe latency; C360_BENCH_LOG_LEVEL=info shows the children's logs;
//   C360_BENCH_CHILD_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the collector and the consumer.
// `afterWarmUp` repeats the latencies for the probes sent once every simulated customer had two
// events: customers are created on their first (at 2,000/s the first pass takes 10 s), and the
// backlog that builds meanwhile takes a few seconds more to drain.
// Needs scripts/services' Kafka (9092) and Cassandra (9042). Creates and then removes its own
// topics, consumer group and keyspace.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { loadConfig } from '../src/config/load-config';
import { customerEntityKey } from '../src/features/feature-definition';
import { customerIdFor } from '../src/identity/customer-id';
import { createCassandraClient } from '../src/store/cassandra/cassandra-client';
import { openOnlineStore } from '../src/store/open-online-store';
import { KafkaLagProbe } from '../src/stream/kafka/kafka-lag-probe';
import { eventTopics } from '../src/stream/stream-config';
import { eventText } from './stream-support/bench-events';
import { CpuMeter, listenerPid } from './support-process-cpu';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    concurrency: { type: 'string', default: '8' },
    batch: { type: 'string', default: '250' },
    customers: { type: 'string', default: '20000' },
    'collector-only': { type: 'boolean', default: false },
    rate: { type: 'string', default: '0' },
  },
});
const COLLECTOR_ONLY = args['collector-only'];
const RATE = Number(args.rate);
const SECONDS = Number(args.seconds);
const CONCURRENCY = Number(args.concurrency);
const BATCH = Number(args.batch);
const CUSTOMERS = Number(args.customers);
const WRITE_KEY = 'bench-write-key-0123456789';

/** The port of a `host:port` (Kafka broker) or a contact point, which may omit it (Cassandra's 9042). */
const portOf = (address: string | undefined, fallback: number) => Number(/:(\d+)$/.exec(address ?? '')?.[1] ?? fallback);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main(): Promise<void> {
  const run = `bench${randomBytes(3).toString('hex')}`;
  const home = mkdtempSync(path.join(tmpdir(), 'c360-bench-'));
  const port = await freePort();
  const env: Record<string, string> = {
    C360_HOME: home,
    C360_EVENT_BUS: 'kafka',
    C360_ONLINE_STORE: 'cassandra',
    C360_CASSANDRA_KEYSPACE: `c360_${run}`,
    C360_WRITE_KEYS: JSON.stringify([{ name: 'bench', key: WRITE_KEY }]),
    C360_STREAM_TOPIC: `${run}-events`,
    C360_DEAD_LETTER_TOPIC: `${run}-dead-letters`,
    C360_STREAM_GROUP: `${run}-features`,
    C360_STREAM_PARTITIONS: '4',
    C360_STREAM_CONSUME: 'false',
    C360_PORT: String(port),
    C360_LOG_LEVEL: process.env.C360_BENCH_LOG_LEVEL ?? 'warn',
    C360_COLLECTOR_MAX_REQUEST_BYTES: String(2 * 1024 * 1024),
  };
  const config = loadConfig(env);
  const children: ChildProcess[] = [];
  const startChild = (...command: string[]) => {
    const nodeArgs = (process.env.C360_BENCH_CHILD_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== '');
    const child = spawn(process.execPath, [...nodeArgs, path.join(__dirname, 'stream-support', 'cli-child.js'), ...command], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
    children.push(child);
    return child;
  };
  const store = await openOnlineStore(config);
  const probe = KafkaLagProbe.create(config.kafka, config.stream.group, eventTopics(config.stream.topics));
  try {
    const collector = startChild('serve');
    const consumer = COLLECTOR_ONLY ? undefined : startChild('stream', 'consume');
    const url = `http://127.0.0.1:${port}`;
    const authorization = `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`;
    const post = (body: string) => fetch(`${url}/v1/batch`, { method: 'POST', body, headers: { authorization, 'content-type': 'application/json' } });

    // Ready: the API answers and the consumer has joined (a probe event becomes visible).
    for (;;) {
      const ok = await fetch(`${url}/health/live`).then((r) => r.ok, () => false);
      if (ok) break;
      await sleep(200);
    }
    let n = 0;
    const probeLatencies: number[] = [];
    // Probes sent once every simulated customer has had two events: the first pass creates each
    // customer's identity (assignments and a customer record), which later events no longer pay.
    const afterWarmUp: number[] = [];
    const probeOnce = async (id: string, deadlineMs: number): Promise<number | undefined> => {
      const body = `{"batch":[{"type":"track","event":"Order Completed","userId":"${id}","messageId":"${id}","properties":{"revenue":1}}]}`;
      const response = await post(body);
      const accepted = performance.now();
      if (response.status !== 200) throw new Error(`probe refused: ${response.status}`);
      // The stream stitches: a fresh account's customer id is derived from its user id, as batch stitching derives it.
      const entity = customerEntityKey(customerIdFor({ type: 'user_id', value: id }, config.identity.idSalt));
      for (;;) {
        const read = await store.read([entity], ['orders_30d']);
        if (read.get(entity)?.get('orders_30d')?.value === 1) return performance.now() - accepted;
        if (performance.now() - accepted > deadlineMs) return undefined;
        await sleep(5);
      }
    };
    if (!COLLECTOR_ONLY && (await probeOnce(`probe-${run}-warmup`, 120_000)) === undefined) throw new Error('the consumer never applied the warm-up event');
    process.stderr.write(`warm; loading ${SECONDS}s with ${CONCURRENCY} clients × ${BATCH}-event batches over ${CUSTOMERS} customers\n`);

    const cpu = new CpuMeter(
      new Map([
        ['loadGenerator', process.pid],
        ['collector', collector.pid],
        ['kafka', listenerPid(portOf(config.kafka.brokers[0], 9092))],
        ['consumer', consumer?.pid],
        ['cassandra', listenerPid(portOf(config.cassandra.contactPoints[0], 9042))],
      ]),
    );
    const started = performance.now();
    const stopAt = started + SECONDS * 1000;
    let accepted = 0;
    let refused = 0;
    // Paced: each client sends one batch per interval, so the clients together offer RATE events/s.
    const interval = RATE > 0 ? (BATCH * CONCURRENCY * 1000) / RATE : 0;
    const worker = async (index: number) => {
      let due = started + (interval * index) / CONCURRENCY;
      while (performance.now() < stopAt) {
        if (interval > 0) {
          await sleep(Math.max(0, due - performance.now()));
          due += interval;
        }
        const now = Date.now();
        const events: string[] = [];
        for (let i = 0; i < BATCH; i++) events.push(eventText(run, n++, CUSTOMERS, now));
        const response = await post(`{"batch":[${events.join(',')}]}`);
        await response.arrayBuffer();
        if (response.status === 200) accepted += BATCH;
        else refused += BATCH;
      }
    };
    const prober = async () => {
      let i = 0;
      while (performance.now() < stopAt) {
        const warm = n >= 2 * CUSTOMERS;
        const latency = await probeOnce(`probe-${run}-${i++}`, 30_000);
        // A probe not visible within 30 s counts as 30 s (JSON has no Infinity).
        probeLatencies.push(latency ?? 30_000);
        if (warm) afterWarmUp.push(latency ?? 30_000);
        await sleep(200);
      }
    };
    const progress = setInterval(() => process.stderr.write(`  ${Math.round((performance.now() - started) / 1000)}s accepted ${accepted}\n`), 10_000);
    await Promise.all([...Array.from({ length: CONCURRENCY }, (_, index) => worker(index)), ...(COLLECTOR_ONLY ? [] : [prober()])]);
    clearInterval(progress);
    const loadEnded = performance.now();
    // Drained: every accepted event's effect is stored (the group's lag is back to 0).
    let drained = loadEnded;
    while (!COLLECTOR_ONLY) {
      const lag = (await probe.lag()).reduce((sum, p) => sum + p.lag, 0);
      drained = performance.now();
      if (lag === 0) break;
      await sleep(100);
    }
    const used = cpu.since();
    const perEvent = (seconds: number) => Math.round((seconds * 1e6) / Math.max(1, accepted));
    const sorted = [...probeLatencies].sort((a, b) => a - b);
    const steady = [...afterWarmUp].sort((a, b) => a - b);
    const summary = (latencies: readonly number[]) =>
      latencies.length === 0 ? undefined : { p50: Math.round(percentile(latencies, 50)), p95: Math.round(percentile(latencies, 95)), p99: Math.round(percentile(latencies, 99)), max: Math.round(latencies[latencies.length - 1]) };
    const result = {
      seconds: SECONDS,
      concurrency: CONCURRENCY,
      batch: BATCH,
      offeredRate: RATE > 0 ? RATE : 'as fast as accepted',
      customers: CUSTOMERS,
      accepted,
      refused,
      mode: COLLECTOR_ONLY ? 'collector only (no consumer)' : 'collector → Kafka → consumer → Cassandra',
      collectorEventsPerSecond: Math.round(accepted / ((loadEnded - started) / 1000)),
      endToEndEventsPerSecond: Math.round(accepted / ((drained - started) / 1000)),
      drainSecondsAfterLoad: Math.round((drained - loadEnded) / 100) / 10,
      probes: sorted.length,
      probeLatenciesMs: process.env.C360_BENCH_ALL_PROBES ? sorted.map(Math.round) : undefined,
      acceptToVisibleMs: summary(sorted),
      afterWarmUp: { probes: steady.length, acceptToVisibleMs: summary(steady) },
      // From the start of the load until drained: each process's CPU, and the machine's (other people's work included).
      cpuSeconds: Object.fromEntries(Object.entries(used.processes).map(([name, seconds]) => [name, Math.round(seconds * 10) / 10])),
      cpuMicrosecondsPerEvent: {
        ...Object.fromEntries(Object.entries(used.processes).map(([name, seconds]) => [name, perEvent(seconds)])),
        sumOfThese: perEvent(Object.values(used.processes).reduce((sum, seconds) => sum + seconds, 0)),
        wholeMachine: perEvent(used.machine),
      },
      wallSeconds: Math.round((drained - started) / 100) / 10,
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((child) => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)))));
    await probe.close();
    await store.close();
    const client = createCassandraClient(config.cassandra);
    await client.execute(`DROP KEYSPACE IF EXISTS c360_${run}`, [], { readTimeout: 120_000 }).catch(() => undefined);
    await client.shutdown();
    const admin = new Kafka({ brokers: [...config.kafka.brokers], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.deleteGroups([config.stream.group]).catch(() => undefined);
    await admin.deleteTopics({ topics: (await admin.listTopics()).filter((topic) => topic.startsWith(run)) }).catch(() => undefined);
    await admin.disconnect();
    rmSync(home, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});

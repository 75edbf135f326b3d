import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { loadConfig } from '../../src/config/load-config';
import type { AppConfig } from '../../src/config/app-config';
import { customerEntityKey } from '../../src/features/feature-definition';
import { openLakeEngine } from '../../src/lake/open-lake-engine';
import { silentLogger } from '../../src/shared/logger.port';
import type { OnlineStore } from '../../src/store/online-store.port';
import { openOnlineStore } from '../../src/store/open-online-store';
import { KafkaLagProbe } from '../../src/stream/kafka/kafka-lag-probe';
import { eventTopics } from '../../src/stream/stream-config';
import { StreamRuntime } from '../../src/stream/stream-runtime';
import { identifierKey } from '../../src/identity/identifier';
import { openStreamIdentity, type OpenedStreamIdentity } from '../../src/stream/identity/open-stream-identity';
import { dropKeyspaces, testCassandraConfig } from '../store/support/cassandra-test-keyspace';
import { requireService, SERVICE_ADDRESSES } from '../support/services';
import { batchFeatures, type FeatureValues } from './support/batch-reference';
import { journeys, type JourneyEvent } from './support/journeys';
import { basic, eventually, WRITE_KEY } from './support/stream-app';

const COMPARED = ['orders_30d', 'gmv_30d', 'banner_clicks_30d', 'banner_views_30d', 'last_banner_seen', 'last_banner_clicked', 'last_seen_at'] as const;

describe('crash recovery (real Kafka and Cassandra)', async () => {
  const kafka = await requireService('kafka');
  const cassandra = await requireService('cassandra');
  const skip = kafka.skip || cassandra.skip;

  describe('a consumer SIGKILLed mid-stream and restarted ends with the batch job\'s features', { skip }, () => {
    const run = `crash${randomBytes(3).toString('hex')}`;
    const cassandraConfig = testCassandraConfig('stream');
    const home = mkdtempSync(path.join(tmpdir(), 'c360-crash-'));
    let env: Record<string, string>;
    let config: AppConfig;
    let runtime: StreamRuntime;
    let store: OnlineStore;
    let identity: OpenedStreamIdentity | undefined;
    let child: ChildProcess | undefined;

    before(async () => {
      const { host, port } = SERVICE_ADDRESSES.kafka;
      env = {
        C360_HOME: home,
        C360_EVENT_BUS: 'kafka',
        C360_ONLINE_STORE: 'cassandra',
        C360_KAFKA_BROKERS: `${host}:${port}`,
        C360_CASSANDRA_CONTACT_POINTS: cassandraConfig.contactPoints.join(','),
        C360_CASSANDRA_KEYSPACE: cassandraConfig.keyspace,
        C360_WRITE_KEYS: JSON.stringify([{ name: 'web', key: WRITE_KEY }]),
        C360_STREAM_TOPIC: `${run}-events`,
        C360_STREAM_TOPICS_BY_TYPE: `identify=${run}-identifies`,
        C360_DEAD_LETTER_TOPIC: `${run}-dead-letters`,
        C360_STREAM_GROUP: `${run}-features`,
        C360_STREAM_PARTITIONS: '3',
        C360_LOG_LEVEL: 'warn',
      };
      config = loadConfig(env);
      runtime = await StreamRuntime.open(config, { logger: silentLogger });
      store = await openOnlineStore(config);
    });

    after(async () => {
      child?.kill('SIGKILL');
      await store?.close();
      await identity?.close();
      await runtime?.close();
      await dropKeyspaces(cassandraConfig, [cassandraConfig.keyspace]).catch(() => undefined);
      const admin = new Kafka({ brokers: config.kafka.brokers as string[], logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      await admin.deleteGroups([`${run}-features`]).catch(() => undefined);
      await admin.deleteTopics({ topics: (await admin.listTopics()).filter((topic) => topic.startsWith(run)) }).catch(() => undefined);
      await admin.disconnect();
      rmSync(home, { recursive: true, force: true });
    });

    /** The consumers' warnings and errors, for a failure's message: the last 4 KiB. */
    let consumerLog = '';
    const withConsumerLog = (message: string) => () => `${message}; the consumer logged: ${consumerLog.trim() === '' ? '(nothing)' : consumerLog}`;

    function startConsumer(): ChildProcess {
      const script = path.join(__dirname, 'support', 'consume-child.js');
      const started = spawn(process.execPath, [script], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
      started.stderr?.on('data', (chunk: Buffer) => {
        consumerLog = (consumerLog + chunk.toString('utf8')).slice(-4096);
        if (process.env.C360_TEST_VERBOSE) process.stderr.write(chunk);
      });
      return started;
    }

    async function send(events: readonly JourneyEvent[]): Promise<void> {
      for (let start = 0; start < events.length; start += 200) {
        const body = Buffer.from(JSON.stringify({ batch: events.slice(start, start + 200) }));
        const outcome = await runtime.collector.collect({ endpoint: 'batch', body, authorization: basic(WRITE_KEY), receivedAt: Date.now() });
        assert.equal(outcome.status, 200);
      }
    }

    async function lag(probe: KafkaLagProbe): Promise<{ lag: number }> {
      return { lag: (await probe.lag()).reduce((sum, partition) => sum + partition.lag, 0) };
    }

    it('loses nothing and counts nothing twice', { timeout: 240_000 }, async () => {
      const events = journeys(run, 300, 40, Date.now());
      const firstHalf = events.slice(0, 8000);
      // SDK retries and redeliveries: copies of earlier messages arrive again later.
      const duplicates = events.filter((_, index) => index % 17 === 0);
      const secondHalf = [...events.slice(8000), ...duplicates];
      await send(firstHalf);

      const probe = KafkaLagProbe.create(config.kafka, config.stream.group, eventTopics(config.stream.topics));
      try {
        child = startConsumer();
        // Kill it once it has committed some, but not all, of what was sent.
        await eventually(async () => {
          const { lag: remaining } = await lag(probe);
          return remaining > 0 && remaining < firstHalf.length * 0.8;
        }, withConsumerLog('the consumer made no progress'), 90_000);
        child.kill('SIGKILL');
        await new Promise((resolve) => child?.once('exit', resolve));

        await send(secondHalf);
        child = startConsumer();
        await eventually(async () => (await lag(probe)).lag === 0, withConsumerLog('the restarted consumer did not catch up'), 120_000);

        // Graceful shutdown: SIGTERM lets it finish, commit and leave; it exits 0.
        const exited = new Promise<number | null>((resolve) => child?.once('exit', resolve));
        child.kill('SIGTERM');
        assert.equal(await exited, 0);
        child = undefined;
      } finally {
        await probe.close();
      }

      const engine = await openLakeEngine(config);
      let expected: Map<string, FeatureValues>;
      try {
        expected = await batchFeatures(config.lakeRoot, engine);
      } finally {
        await engine.close();
      }
      const customers = [...expected.keys()].filter((customer) => customer.includes(run));
      assert.ok(customers.length >= 250, `${customers.length} customers`);
      // The reference names a customer by its account (or its anonymous id, if it never logged in);
      // the stream by the customer id identity stitching gave it.
      identity = await openStreamIdentity(config, silentLogger);
      const keys = customers.flatMap((customer) => [{ type: 'user_id', value: customer }, { type: 'anonymous_id', value: customer }]);
      const found = await identity.store.lookup(keys);
      const customerIdOf = new Map(customers.map((customer) => [customer, found.get(identifierKey({ type: 'user_id', value: customer })) ?? found.get(identifierKey({ type: 'anonymous_id', value: customer })) ?? `missing:${customer}`]));
      const stored = await store.read([...customerIdOf.values()].map(customerEntityKey), [...COMPARED]);
      const mismatches: string[] = [];
      for (const customer of customers) {
        const got = stored.get(customerEntityKey(customerIdOf.get(customer) as string));
        const want = expected.get(customer) as FeatureValues;
        for (const name of COMPARED) {
          const value = got?.get(name)?.value ?? null;
          if (JSON.stringify(value) !== JSON.stringify(want[name])) mismatches.push(`${customer}.${name}: stream ${JSON.stringify(value)} batch ${JSON.stringify(want[name])}`);
        }
      }
      assert.deepEqual(mismatches.slice(0, 20), [], `${mismatches.length} mismatches`);
    });
  });
});

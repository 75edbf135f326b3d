import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { KafkaEventBus, type KafkaEventBusOptions } from '../../src/stream/kafka/kafka-event-bus';
import type { EventBus } from '../../src/stream/event-bus.port';
import { requireService, SERVICE_ADDRESSES } from '../support/services';
import { collect, delay, messages, waitUntil } from './bus-test-kit';
import { describeEventBusContract } from './event-bus.contract';

const { host, port } = SERVICE_ADDRESSES.kafka;
const kafkaConfig = { brokers: [`${host}:${port}`], clientId: 'c360-test' };

// Everything the adapter and kafkajs log at warn or error during the run; a healthy run logs no errors.
const logged: string[] = [];
const record = (level: string) => (message: string, fields?: object) => logged.push(`${level} ${message} ${JSON.stringify(fields)}`);

// Small group timings so joins, rebalances and stop() take well under a second; 6000 ms is the
// broker's minimum session timeout.
const TEST_OPTIONS: KafkaEventBusOptions = {
  numPartitions: 3,
  sessionTimeout: 6000,
  rebalanceTimeout: 10_000,
  heartbeatInterval: 300,
  maxWaitTimeInMs: 100,
  retryBackoff: { initialMs: 20, maxMs: 200 },
  onError: () => undefined,
  logger: { info: () => undefined, warn: record('warn'), error: record('error') },
};

/** Deletes the topics and consumer groups a case created (best effort: a leftover only costs disk). */
async function deleteByPrefix(prefix: string): Promise<void> {
  const admin = new Kafka({ ...kafkaConfig, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(prefix));
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((id) => id.startsWith(prefix));
    if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined);
    if (topics.length > 0) await admin.deleteTopics({ topics }).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}

describe('kafka event bus', async () => {
  const service = await requireService('kafka');
  const run = `c360-test-${process.pid}-${randomBytes(3).toString('hex')}`;
  let caseNumber = 0;
  describeEventBusContract(
    'kafka event bus contract (real broker)',
    async () => {
      const topicPrefix = `${run}-${++caseNumber}`;
      const opened: EventBus[] = [];
      const open = async () => {
        const bus = await KafkaEventBus.connect(kafkaConfig, TEST_OPTIONS);
        opened.push(bus);
        return bus;
      };
      return {
        bus: await open(),
        topicPrefix,
        reopen: open,
        cleanup: async () => {
          await Promise.all(opened.map((bus) => bus.close()));
          await deleteByPrefix(topicPrefix);
        },
      };
    },
    service,
  );

  describe('kafka event bus beyond the contract (real broker)', service, () => {
    it('heartbeats through a batch longer than the session timeout, says so, then commits it', { timeout: 30_000 }, async () => {
      const bus = await KafkaEventBus.connect(kafkaConfig, TEST_OPTIONS);
      const topic = `${run}-long`;
      try {
        await bus.ensureTopics([topic]);
        await bus.publish(messages(topic, 'm', 3, ['k']));
        const got = await collect(bus, { group: `${topic}-group`, topics: [topic], fromBeginning: true }, async (_batch, index) => {
          // Without heartbeats the broker would drop the member after sessionTimeout and the commit would fail.
          if (index === 0) await delay((TEST_OPTIONS.sessionTimeout ?? 0) + 1500);
        });
        await waitUntil(() => got.accepted.length > 0, () => 'the slow batch never finished');
        await bus.publish([{ topic, key: 'k', value: 'marker' }]);
        await waitUntil(() => got.values().includes('marker'), () => `received ${got.values().join(',')}`);
        await got.subscription.stop();
        assert.deepEqual(got.values(), ['m-0', 'm-1', 'm-2', 'marker'], 'the slow batch was redelivered: its commit failed');
        const slow = logged.filter((line) => line.startsWith('warn kafka consumer: a batch is still being handled') && line.includes(`"topic":"${topic}"`));
        assert.equal(slow.length, 1, `one warning for one session timeout spent in the handler: ${JSON.stringify(logged)}`);
      } finally {
        await bus.close();
        await deleteByPrefix(topic);
      }
    });
  });

  after(() => {
    assert.deepEqual(logged.filter((line) => line.startsWith('error')), [], 'kafkajs or the adapter logged errors');
  });
});

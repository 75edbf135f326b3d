import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { loadConfig } from '../../src/config/load-config';
import { silentLogger } from '../../src/shared/logger.port';
import { replayDeadLetters } from '../../src/stream/dead-letter/replay-dead-letters';
import { StreamRuntime } from '../../src/stream/stream-runtime';
import { requireService, SERVICE_ADDRESSES } from '../support/services';
import { basic, WRITE_KEY } from './support/stream-app';

describe('dead letters on a Kafka topic', async () => {
  const service = await requireService('kafka');

  describe('are replayed up to the end the topic had, once each', service, () => {
    const run = `dlq${randomBytes(3).toString('hex')}`;
    const home = mkdtempSync(path.join(tmpdir(), 'c360-dlq-'));
    const { host, port } = SERVICE_ADDRESSES.kafka;
    const config = loadConfig({
      C360_HOME: home,
      C360_EVENT_BUS: 'kafka',
      C360_KAFKA_BROKERS: `${host}:${port}`,
      C360_WRITE_KEYS: JSON.stringify([{ name: 'web', key: WRITE_KEY }]),
      C360_STREAM_TOPIC: `${run}-events`,
      C360_DEAD_LETTER_TOPIC: `${run}-dead-letters`,
      C360_STREAM_GROUP: `${run}-features`,
    });
    let runtime: StreamRuntime;

    before(async () => {
      runtime = await StreamRuntime.open(config, { logger: silentLogger });
    });
    after(async () => {
      await runtime.close();
      const admin = new Kafka({ brokers: [...config.kafka.brokers], logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      await admin.deleteGroups([`${run}-features-dead-letter-replay`]).catch(() => undefined);
      await admin.deleteTopics({ topics: (await admin.listTopics()).filter((topic) => topic.startsWith(run)) }).catch(() => undefined);
      await admin.disconnect();
      rmSync(home, { recursive: true, force: true });
    });

    it('a letter refused again waits for the next replay', { timeout: 60_000 }, async () => {
      const outcome = await runtime.collector.collect({ endpoint: 'track', body: Buffer.from('{"event": oops'), authorization: basic(WRITE_KEY), receivedAt: Date.now() });
      assert.equal(outcome.status, 400);
      const first = await replayDeadLetters(runtime.deadLetters, runtime.collector, runtime.bus);
      assert.deepEqual(first, { replayed: 1, collector: { accepted: 0, refused: 1 }, republished: 0 });
      // The original letter is committed as replayed; only its successor (attempt 2) is left.
      const second = await replayDeadLetters(runtime.deadLetters, runtime.collector, runtime.bus);
      assert.deepEqual(second, { replayed: 1, collector: { accepted: 0, refused: 1 }, republished: 0 });
    });
  });
});

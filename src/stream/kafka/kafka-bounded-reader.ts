import { Kafka, logLevel } from 'kafkajs';
import type { AppConfig } from '../../config/app-config';
import { silentLogger, type Logger } from '../../shared/logger.port';
import type { DeliveredMessage } from '../event-bus.port';
import { kafkaLogCreator } from './kafka-log-creator';
import { fromKafkaMessage } from './kafka-messages';

/**
 * Reads a topic for a consumer group from its committed position up to the end the topic had when
 * the call started, committing after each handled batch, then leaves. Used to replay dead letters:
 * letters produced while it runs (including ones it refuses again) are left for the next run.
 * Returns how many messages were handled.
 */
export async function readTopicToEnd(
  config: AppConfig['kafka'],
  options: { topic: string; group: string; logger?: Logger },
  handler: (batch: readonly DeliveredMessage[]) => Promise<void>,
): Promise<number> {
  const logger = options.logger ?? silentLogger;
  const kafka = new Kafka({ clientId: `${config.clientId}-reader`, brokers: [...config.brokers], logLevel: logLevel.WARN, logCreator: kafkaLogCreator(logger) });
  const admin = kafka.admin();
  await admin.connect();
  let ends = new Map<number, bigint>();
  try {
    // No topic yet: nothing was ever sent to it.
    if (!(await admin.listTopics()).includes(options.topic)) return 0;
    const high = await admin.fetchTopicOffsets(options.topic);
    const committed = (await admin.fetchOffsets({ groupId: options.group, topics: [options.topic] }))[0]?.partitions ?? [];
    const low = new Map(high.map((p) => [p.partition, BigInt(p.low)]));
    const start = (partition: number) => {
      const offset = BigInt(committed.find((c) => c.partition === partition)?.offset ?? '-1');
      return offset < 0n ? (low.get(partition) ?? 0n) : offset;
    };
    ends = new Map(high.filter((p) => BigInt(p.high) > start(p.partition)).map((p) => [p.partition, BigInt(p.high)]));
  } finally {
    await admin.disconnect();
  }
  if (ends.size === 0) return 0;
  const consumer = kafka.consumer({ groupId: options.group, maxWaitTimeInMs: 200 });
  let handled = 0;
  let finish: () => void = () => undefined;
  let fail: (error: unknown) => void = () => undefined;
  const finished = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [options.topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, commitOffsetsIfNecessary, resolveOffset, isRunning }) => {
        const end = ends.get(batch.partition);
        if (end === undefined || !isRunning()) return;
        const wanted = batch.messages.filter((message) => BigInt(message.offset) < end);
        try {
          if (wanted.length > 0) {
            await handler(wanted.map((message) => fromKafkaMessage(batch.topic, batch.partition, message)));
            handled += wanted.length;
            const last = wanted[wanted.length - 1].offset;
            await commitOffsetsIfNecessary({ topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: (BigInt(last) + 1n).toString() }] }] });
            resolveOffset(last);
          }
          if (wanted.length < batch.messages.length || BigInt(batch.lastOffset()) + 1n >= end) ends.delete(batch.partition);
          if (ends.size === 0) finish();
        } catch (error) {
          fail(error);
        }
      },
    });
    await finished;
    return handled;
  } finally {
    await consumer.disconnect();
  }
}

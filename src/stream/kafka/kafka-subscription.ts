import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { Logger } from '../../shared/logger.port';
import type { DeliveredMessage, Subscription, SubscriptionOptions } from '../event-bus.port';
import { backoffDelay, reportDeliveryFailure, sleep, type DeliveryErrorListener, type RetryBackoff } from '../redelivery';
import { fromKafkaMessage } from './kafka-messages';

export interface KafkaConsumerSettings {
  sessionTimeout: number;
  rebalanceTimeout: number;
  heartbeatInterval: number;
  maxWaitTimeInMs: number;
  partitionsConsumedConcurrently: number;
  retryBackoff: RetryBackoff;
  onError: DeliveryErrorListener | undefined;
  logger: Logger;
}

type Handler = (batch: readonly DeliveredMessage[]) => Promise<void>;

/**
 * One subscription = one kafkajs consumer in the group. Offsets are committed by hand
 * (autoCommit off, eachBatchAutoResolve off) and only after the handler resolved, so delivery is
 * at-least-once. On rejection nothing is resolved or committed; the consumer seeks back to the
 * batch's first offset (with autoCommit off, kafkajs' seek only moves the in-memory fetch position)
 * and, after a backoff, the next fetch returns the same messages. A crash or rebalance meanwhile
 * restarts from the last commit, which again includes them.
 */
export async function startKafkaSubscription(kafka: Kafka, options: SubscriptionOptions, handler: Handler, settings: KafkaConsumerSettings): Promise<Subscription> {
  const consumer = kafka.consumer({
    groupId: options.group,
    sessionTimeout: settings.sessionTimeout,
    rebalanceTimeout: settings.rebalanceTimeout,
    heartbeatInterval: settings.heartbeatInterval,
    maxWaitTimeInMs: settings.maxWaitTimeInMs,
  });
  const stopping = new AbortController();
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    settings.logger.error('kafka consumer crashed', { group: options.group, error: payload.error.message, restart: payload.restart });
  });
  const failures = new Map<string, number>();
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [...options.topics], fromBeginning: options.fromBeginning ?? false });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: settings.partitionsConsumedConcurrently,
      eachBatch: (payload) => handleBatch(payload, { consumer, group: options.group, handler, settings, failures, stopping: stopping.signal }),
    });
  } catch (error) {
    await consumer.disconnect().catch(() => undefined);
    throw error;
  }
  let stopped: Promise<void> | undefined;
  return {
    // disconnect() stops fetching, waits for the batch in hand (which commits), leaves the group.
    stop: () =>
      (stopped ??= (async () => {
        stopping.abort();
        await consumer.disconnect();
      })()),
  };
}

interface BatchContext {
  consumer: Consumer;
  group: string;
  handler: Handler;
  settings: KafkaConsumerSettings;
  /** Rejections so far of the batch now at the head of each partition, for the backoff. */
  failures: Map<string, number>;
  stopping: AbortSignal;
}

async function handleBatch(payload: EachBatchPayload, context: BatchContext): Promise<void> {
  const { batch, isRunning, isStale } = payload;
  // A seek (our redelivery) or a stop makes what was fetched meanwhile obsolete.
  if (!isRunning() || isStale() || batch.isEmpty()) return;
  const { topic, partition } = batch;
  const slot = `${partition}/${topic}`;
  const messages = batch.messages.map((message) => fromKafkaMessage(topic, partition, message));
  try {
    await whileHeartbeating(payload, context.settings.heartbeatInterval, () => whileWatched(context, { topic, partition, messages: messages.length }, () => context.handler(messages)));
  } catch (error) {
    const attempt = (context.failures.get(slot) ?? 0) + 1;
    context.failures.set(slot, attempt);
    const firstOffset = messages[0].offset;
    reportDeliveryFailure(error, { group: context.group, topic, partition, firstOffset, attempt }, context.settings.onError, context.settings.logger);
    context.consumer.seek({ topic, partition, offset: firstOffset });
    await whileHeartbeating(payload, context.settings.heartbeatInterval, () => sleep(backoffDelay(attempt, context.settings.retryBackoff), context.stopping));
    return;
  }
  context.failures.delete(slot);
  const last = batch.lastOffset();
  await payload.commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset: (BigInt(last) + 1n).toString() }] }] });
  // Only after the commit: if it throws (a rebalance), the fetch position stays and the batch comes again.
  payload.resolveOffset(last);
}

/**
 * Says so, at warn level, each time a batch has been in the handler for another session timeout: a
 * consumer that commits nothing for minutes otherwise looks idle in its logs, and whether it is
 * stuck in a handler or never handed a batch is the first thing to know.
 */
async function whileWatched<T>(context: BatchContext, batch: { topic: string; partition: number; messages: number }, work: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const timer = setInterval(() => {
    context.settings.logger.warn('kafka consumer: a batch is still being handled', { group: context.group, ...batch, elapsedMs: Date.now() - started });
  }, context.settings.sessionTimeout);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

/** Keeps the group membership alive while `work` runs longer than the session timeout would allow. */
async function whileHeartbeating<T>(payload: EachBatchPayload, intervalMs: number, work: () => Promise<T>): Promise<T> {
  const timer = setInterval(() => {
    // A failed heartbeat (rebalance in progress) surfaces again at kafkajs' own next heartbeat or commit.
    payload.heartbeat().catch(() => undefined);
  }, intervalMs);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

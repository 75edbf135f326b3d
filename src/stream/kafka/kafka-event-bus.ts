import { Kafka, logLevel, Partitioners, type Admin, type Producer } from 'kafkajs';
import type { AppConfig } from '../../config/app-config';
import { silentLogger, type Logger } from '../../shared/logger.port';
import type { DeliveredMessage, EventBus, OutgoingMessage, Subscription, SubscriptionOptions } from '../event-bus.port';
import { DEFAULT_RETRY_BACKOFF, type DeliveryErrorListener, type RetryBackoff } from '../redelivery';
import { kafkaLogCreator } from './kafka-log-creator';
import { toKafkaMessage } from './kafka-messages';
import { startKafkaSubscription, type KafkaConsumerSettings } from './kafka-subscription';

export interface KafkaEventBusOptions {
  /** Partitions of topics created by ensureTopics. Default 1. */
  numPartitions?: number;
  /** Default 1 (a single broker); use 3 on a real cluster. */
  replicationFactor?: number;
  /** Consumer group session; the broker's minimum is usually 6000. Default 30000. */
  sessionTimeout?: number;
  /** How long the group waits for members to rejoin during a rebalance. Default 60000. */
  rebalanceTimeout?: number;
  /** Default 3000; must be well under sessionTimeout. */
  heartbeatInterval?: number;
  /** Longest a fetch waits for data; also bounds how long stop() waits for an idle fetch. Default 500. */
  maxWaitTimeInMs?: number;
  /** Partitions one subscription handles at the same time (each still in order). Default 1. */
  partitionsConsumedConcurrently?: number;
  retryBackoff?: RetryBackoff;
  /** Told about every rejected batch; without it, rejections are logged as warnings. */
  onError?: DeliveryErrorListener;
  logger?: Logger;
}

/**
 * The production event bus on Apache Kafka (kafkajs). The producer is idempotent (acks=all,
 * one request in flight, which kafkajs requires for idempotence), so retries never duplicate or
 * reorder a partition; keys pick partitions with Kafka's default (murmur2) partitioner. Each
 * subscription is its own consumer committing only handled batches (see kafka-subscription.ts).
 */
export class KafkaEventBus implements EventBus {
  private readonly subscriptions = new Set<Subscription>();
  private closed = false;

  private constructor(
    private readonly kafka: Kafka,
    private readonly admin: Admin,
    private readonly producer: Producer,
    private readonly topicDefaults: { numPartitions: number; replicationFactor: number },
    private readonly consumerSettings: KafkaConsumerSettings,
  ) {}

  /** Connects the admin client and the producer; fails fast (with the brokers named) if Kafka does not answer. */
  static async connect(config: AppConfig['kafka'], options: KafkaEventBusOptions = {}): Promise<KafkaEventBus> {
    const logger = options.logger ?? silentLogger;
    const kafka = new Kafka({ clientId: config.clientId, brokers: [...config.brokers], logLevel: logLevel.WARN, logCreator: kafkaLogCreator(logger) });
    const admin = kafka.admin();
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    try {
      await admin.connect();
      await producer.connect();
    } catch (error) {
      await Promise.allSettled([producer.disconnect(), admin.disconnect()]);
      throw new Error(`cannot connect to Kafka at ${config.brokers.join(',')}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    const heartbeatInterval = options.heartbeatInterval ?? 3000;
    return new KafkaEventBus(
      kafka,
      admin,
      producer,
      { numPartitions: options.numPartitions ?? 1, replicationFactor: options.replicationFactor ?? 1 },
      {
        sessionTimeout: options.sessionTimeout ?? 30_000,
        rebalanceTimeout: options.rebalanceTimeout ?? 60_000,
        heartbeatInterval,
        maxWaitTimeInMs: options.maxWaitTimeInMs ?? 500,
        partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 1,
        retryBackoff: options.retryBackoff ?? DEFAULT_RETRY_BACKOFF,
        onError: options.onError,
        logger,
      },
    );
  }

  /** Existing topics are left as they are (their partition count is not changed). */
  async ensureTopics(topics: readonly string[]): Promise<void> {
    this.assertOpen();
    // Asking first keeps the broker from answering TOPIC_ALREADY_EXISTS, which kafkajs logs as an
    // error; a topic created by someone else in between still makes createTopics return false, fine.
    const existing = new Set(await this.admin.listTopics());
    const missing = [...new Set(topics)].filter((topic) => !existing.has(topic));
    if (missing.length === 0) return;
    await this.admin.createTopics({ topics: missing.map((topic) => ({ topic, ...this.topicDefaults })), waitForLeaders: true });
  }

  async publish(messages: readonly OutgoingMessage[]): Promise<void> {
    this.assertOpen();
    if (messages.length === 0) return;
    const byTopic = new Map<string, OutgoingMessage[]>();
    for (const message of messages) byTopic.set(message.topic, [...(byTopic.get(message.topic) ?? []), message]);
    await this.producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, list]) => ({ topic, messages: list.map(toKafkaMessage) })),
    });
  }

  async subscribe(options: SubscriptionOptions, handler: (batch: readonly DeliveredMessage[]) => Promise<void>): Promise<Subscription> {
    this.assertOpen();
    if (options.topics.length === 0) throw new Error('subscribe: topics must not be empty');
    const inner = await startKafkaSubscription(this.kafka, options, handler, this.consumerSettings);
    const subscription: Subscription = {
      stop: () => inner.stop().finally(() => this.subscriptions.delete(subscription)),
    };
    this.subscriptions.add(subscription);
    return subscription;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.subscriptions].map((subscription) => subscription.stop()));
    await Promise.allSettled([this.producer.disconnect(), this.admin.disconnect()]);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the Kafka event bus is closed');
  }
}

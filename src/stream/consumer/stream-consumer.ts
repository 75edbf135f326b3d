import type { Logger } from '../../shared/logger.port';
import type { ClickstreamEvent } from '../clickstream-event';
import type { DeadLetter } from '../dead-letter/dead-letter';
import type { DeadLetterQueue } from '../dead-letter/dead-letter-queue.port';
import type { DeliveredMessage, EventBus, Subscription } from '../event-bus.port';
import type { FeatureProjector } from '../features/feature-projector';
import { errorMessage } from '../redelivery';
import type { ConsumerMetrics } from './consumer-metrics';
import { decodeMessage } from './decode-message';

export interface StreamConsumerDeps {
  bus: EventBus;
  group: string;
  topics: readonly string[];
  projector: FeatureProjector;
  deadLetters: DeadLetterQueue;
  metrics: ConsumerMetrics;
  logger: Logger;
  now?: () => number;
}

interface Decoded {
  message: DeliveredMessage;
  event: ClickstreamEvent;
}

interface Delivery {
  batch: readonly DeliveredMessage[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * The real-time feature consumer: each delivered batch is decoded, bad messages go to the dead
 * letters, and the rest are applied through the projector; the bus commits the batch only after
 * the handler resolves (at-least-once), and the projector's effects are idempotent, so the
 * outcome is exactly-once. A poison message never stalls its partition: decoding failures are
 * dead-lettered at once, and an event whose effects throw on their own is dead-lettered while
 * the rest of its batch is applied. When every event fails (the store is down), the batch is
 * rejected and redelivered after a backoff instead.
 *
 * Batches delivered while others are being applied (the bus hands over one per partition at once)
 * are applied together, as one projector batch: the projector applies one batch at a time anyway,
 * and one batch of all partitions costs one identity lookup, one read and one write round per
 * fetch instead of one per partition, each of them waiting for the one before. Each handle() still
 * resolves only once its own events' effects are stored, so its partition commits nothing early.
 */
export class StreamConsumer {
  private subscription: Subscription | undefined;
  private readonly now: () => number;
  private pending: Delivery[] = [];
  private draining = false;

  constructor(private readonly deps: StreamConsumerDeps) {
    this.now = deps.now ?? Date.now;
  }

  async start(): Promise<void> {
    await this.deps.bus.ensureTopics(this.deps.topics);
    this.subscription = await this.deps.bus.subscribe({ group: this.deps.group, topics: this.deps.topics, fromBeginning: true }, (batch) => this.handle(batch));
    this.deps.logger.info('stream consumer started', { group: this.deps.group, topics: this.deps.topics.join(',') });
  }

  /** Stops fetching, lets the batch in hand finish and commit, then leaves the group. */
  async stop(): Promise<void> {
    const subscription = this.subscription;
    this.subscription = undefined;
    await subscription?.stop();
  }

  /** Handles one delivered batch (with any delivered meanwhile); exposed for tests and replays. */
  handle(batch: readonly DeliveredMessage[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ batch, resolve, reject });
      if (this.draining) return;
      this.draining = true;
      // After the current turn: partitions' batches handed over together are applied together.
      setImmediate(() => void this.drain());
    });
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const deliveries = this.pending.splice(0);
      try {
        await this.handleTogether(deliveries.map((delivery) => delivery.batch));
        for (const delivery of deliveries) delivery.resolve();
      } catch (error) {
        for (const delivery of deliveries) delivery.reject(error);
      }
    }
    this.draining = false;
  }

  private async handleTogether(batches: ReadonlyArray<readonly DeliveredMessage[]>): Promise<void> {
    const started = this.now();
    const good: Decoded[] = [];
    const letters: DeadLetter[] = [];
    for (const message of batches.flat()) {
      const decoded = decodeMessage(message.value, this.now);
      if (decoded.ok) good.push({ message, event: decoded.event });
      else letters.push(this.letter(message, decoded.reason));
    }
    letters.push(...(await this.apply(good)));
    await this.deps.deadLetters.send(letters);
    for (const letter of letters) this.deps.metrics.deadLettered(letter.reason.split(':', 1)[0] === 'processing_failed' ? 'processing_failed' : letter.reason, 1);
    const finished = this.now();
    const perTopic = new Map<string, number>();
    for (const { message, event } of good) {
      perTopic.set(message.topic, (perTopic.get(message.topic) ?? 0) + 1);
      this.deps.metrics.effectLatencySeconds(Math.max(0, finished - Date.parse(event.receivedAt)) / 1000);
    }
    for (const [topic, count] of perTopic) this.deps.metrics.applied(topic, count);
    for (let i = 0; i < batches.length; i++) this.deps.metrics.batchSeconds((finished - started) / 1000);
  }

  /** Applies the batch; on failure, isolates the events that fail on their own. Returns their letters. */
  private async apply(good: readonly Decoded[]): Promise<DeadLetter[]> {
    if (good.length === 0) return [];
    try {
      await this.deps.projector.apply(good.map(({ event }) => event));
      return [];
    } catch (batchError) {
      const failed: Array<{ decoded: Decoded; error: unknown }> = [];
      for (const decoded of good) {
        try {
          await this.deps.projector.apply([decoded.event]);
        } catch (error) {
          failed.push({ decoded, error });
        }
      }
      // Every event failing means the cause is not in the events (a store outage): redeliver later.
      if (failed.length === good.length) throw batchError;
      this.deps.logger.warn('stream consumer dead-lettered events whose effects failed', { group: this.deps.group, failed: failed.length, batch: good.length, error: errorMessage(batchError) });
      return failed.map(({ decoded, error }) => this.letter(decoded.message, `processing_failed: ${errorMessage(error)}`));
    }
  }

  private letter(message: DeliveredMessage, reason: string): DeadLetter {
    return {
      stage: 'consumer',
      reason,
      payload: message.value,
      origin: { topic: message.topic, partition: String(message.partition), offset: message.offset, key: message.key, group: this.deps.group },
      at: new Date(this.now()).toISOString(),
      attempts: Number(message.headers?.['c360-attempts'] ?? '0') + 1,
    };
  }
}

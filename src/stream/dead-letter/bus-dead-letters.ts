import type { AppConfig } from '../../config/app-config';
import type { Logger } from '../../shared/logger.port';
import type { EventBus } from '../event-bus.port';
import { readTopicToEnd } from '../kafka/kafka-bounded-reader';
import { parseDeadLetter, type DeadLetter } from './dead-letter';
import type { DeadLetterQueue, ReplaySummary } from './dead-letter-queue.port';

/**
 * Dead letters on a Kafka topic, keyed by reason (so one reason's letters stay in order). A
 * replay is a consumer group of its own reading up to the topic's end at the start of the call.
 */
export class BusDeadLetters implements DeadLetterQueue {
  constructor(
    private readonly bus: EventBus,
    private readonly kafka: AppConfig['kafka'],
    private readonly topic: string,
    private readonly replayGroup: string,
    private readonly logger?: Logger,
  ) {}

  async send(letters: readonly DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    await this.bus.publish(letters.map((letter) => ({ topic: this.topic, key: letter.reason, value: JSON.stringify(letter), headers: { stage: letter.stage } })));
  }

  async replay(handler: (letters: readonly DeadLetter[]) => Promise<void>): Promise<ReplaySummary> {
    const replayed = await readTopicToEnd(this.kafka, { topic: this.topic, group: this.replayGroup, logger: this.logger }, async (batch) => {
      // Anything on the topic that is not a letter cannot be replayed; it is skipped, not retried forever.
      await handler(batch.flatMap((message) => parseDeadLetter(message.value) ?? []));
    });
    return { replayed };
  }

  async close(): Promise<void> {
    // The bus belongs to the caller.
  }
}

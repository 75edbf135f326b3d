import { BatchingQueue } from '../embedded/batching-queue';
import type { EventBus, OutgoingMessage } from '../event-bus.port';

// Events are at most 32 KB and typically under 1 KB; a few partitions share each send.
const MESSAGES_PER_SEND = 2000;

/**
 * Publishes the messages of concurrent calls together: while one publish is in flight, the next
 * calls' messages queue and go out as one. Kafka's idempotent producer sends one request at a
 * time, so without this each HTTP request would wait for every earlier one's round trip; with it,
 * N concurrent requests cost one round trip, and each still resolves only once its own messages
 * are acknowledged.
 */
export class CoalescingPublisher {
  private readonly queue: BatchingQueue<readonly OutgoingMessage[]>;

  constructor(bus: EventBus) {
    this.queue = new BatchingQueue(async (groups) => {
      const messages = groups.flat();
      // Bounded sends: a partition's record batch must stay under the broker's message.max.bytes (1 MB).
      for (let start = 0; start < messages.length; start += MESSAGES_PER_SEND) await bus.publish(messages.slice(start, start + MESSAGES_PER_SEND));
    });
  }

  publish(messages: readonly OutgoingMessage[]): Promise<void> {
    return messages.length === 0 ? Promise.resolve() : this.queue.push(messages);
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }
}

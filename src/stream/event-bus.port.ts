/** A message to publish; `key` decides the partition, so one key's messages stay in order. */
export interface OutgoingMessage {
  topic: string;
  key: string;
  value: string;
  headers?: Readonly<Record<string, string>>;
}

/** A delivered message with its position, for logging and dead-lettering. */
export interface DeliveredMessage extends OutgoingMessage {
  partition: number;
  offset: string;
}

export interface SubscriptionOptions {
  /** Consumers in one group share the partitions; each group sees every message. */
  group: string;
  topics: readonly string[];
  /** Where a group with no committed position starts. */
  fromBeginning?: boolean;
}

export interface Subscription {
  /** Stops fetching, lets the batch in hand finish and commit, then leaves the group. */
  stop(): Promise<void>;
}

/**
 * The event bus (Kafka in production). Delivery is at-least-once: a batch's positions are
 * committed only after its handler resolves, so a crash redelivers rather than loses.
 */
export interface EventBus {
  /** Creates topics that do not exist yet, with the configured partition count. */
  ensureTopics(topics: readonly string[]): Promise<void>;
  /** Publishes messages; resolves once the bus has durably accepted all of them. */
  publish(messages: readonly OutgoingMessage[]): Promise<void>;
  /** Delivers batches to `handler` in partition order; a rejected handler redelivers the batch. */
  subscribe(options: SubscriptionOptions, handler: (batch: readonly DeliveredMessage[]) => Promise<void>): Promise<Subscription>;
  /** Stops every subscription and disconnects. */
  close(): Promise<void>;
}

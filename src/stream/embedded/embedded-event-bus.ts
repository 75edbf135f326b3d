import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { silentLogger, type Logger } from '../../shared/logger.port';
import type { EventBus, OutgoingMessage, SubscriptionOptions, Subscription } from '../event-bus.port';
import { DEFAULT_RETRY_BACKOFF, type DeliveryErrorListener, type RetryBackoff } from '../redelivery';
import { EmbeddedConsumerGroup } from './consumer-group';
import { GroupMember, type BatchHandler } from './group-member';
import { partitionForKey } from './key-partition';
import { LogSignals } from './log-signals';
import { encodeRecord } from './log-record';
import { PartitionAppender } from './partition-appender';
import type { ConsumerSettings } from './partition-consumer';
import { TopicRegistry } from './topic-registry';

export interface EmbeddedEventBusOptions {
  /** Partitions of topics this bus creates (existing topics keep theirs). Default 1. */
  partitions?: number;
  /**
   * Default true: publish() resolves only after fdatasync of the log (concurrent publishes
   * share one), and commit files are fsynced before their rename. False trades durability
   * against an OS crash or power loss (not a process crash) for speed.
   */
  fsync?: boolean;
  /** How often an idle consumer re-reads its log in case fs.watch missed another process's append. Default 500. */
  pollIntervalMs?: number;
  /** Most messages per delivered batch. Default 500. */
  maxBatchSize?: number;
  /** Bytes read per batch (a longer single record is still read whole). Default 1 MiB. */
  maxBatchBytes?: number;
  retryBackoff?: RetryBackoff;
  /** Told about every rejected batch; without it, rejections are logged as warnings. */
  onError?: DeliveryErrorListener;
  logger?: Logger;
}

/**
 * The embedded event bus: Kafka's model on local files. Each topic partition is an append-only
 * JSON-lines log under `<dir>/topics/<topic>/<partition>.log`; a message's offset is the byte
 * position of its line. Each consumer group's committed positions live in
 * `<dir>/groups/<group>.json`, replaced atomically after every handled batch, so a restarted
 * process resumes after the last committed batch and redelivers the rest (at-least-once).
 *
 * Groups are in-process: subscriptions of one group in this process share its partitions; a
 * group is active in at most one process at a time (a lock file refuses a second). Any number of
 * processes may publish to the same directory, and consumers notice their appends.
 */
export class EmbeddedEventBus implements EventBus {
  private readonly appenders = new Map<string, PartitionAppender>();
  private readonly groups = new Map<string, EmbeddedConsumerGroup>();
  // Joins and leaves of one group run one at a time, like rebalances.
  private readonly groupQueues = new Map<string, Promise<unknown>>();
  private readonly subscriptions = new Set<Subscription>();
  private readonly signals: LogSignals;
  private readonly topics: TopicRegistry;
  private readonly settings: ConsumerSettings;
  private readonly fsync: boolean;
  private closed = false;

  private constructor(
    private readonly dir: string,
    options: EmbeddedEventBusOptions,
  ) {
    const partitions = options.partitions ?? 1;
    if (!Number.isInteger(partitions) || partitions < 1) throw new Error(`embedded event bus: partitions must be a positive integer, got ${partitions}`);
    this.fsync = options.fsync ?? true;
    this.topics = new TopicRegistry(join(dir, 'topics'), partitions, this.fsync);
    const logger = options.logger ?? silentLogger;
    this.signals = new LogSignals((topic) => this.topics.topicDir(topic), logger);
    this.settings = {
      pollIntervalMs: options.pollIntervalMs ?? 500,
      maxBatchSize: options.maxBatchSize ?? 500,
      maxBatchBytes: options.maxBatchBytes ?? 1024 * 1024,
      retryBackoff: options.retryBackoff ?? DEFAULT_RETRY_BACKOFF,
      onError: options.onError,
      logger,
    };
  }

  /** Opens (creating if needed) the bus stored under `dir`. */
  static async open(dir: string, options: EmbeddedEventBusOptions = {}): Promise<EmbeddedEventBus> {
    const root = resolve(dir);
    await mkdir(join(root, 'topics'), { recursive: true });
    await mkdir(join(root, 'groups'), { recursive: true });
    return new EmbeddedEventBus(root, options);
  }

  async ensureTopics(topics: readonly string[]): Promise<void> {
    this.assertOpen();
    await Promise.all(topics.map((topic) => this.topics.partitions(topic)));
  }

  /** Not atomic across partitions (neither is Kafka without transactions): on failure, some partitions may hold their messages. */
  async publish(messages: readonly OutgoingMessage[]): Promise<void> {
    this.assertOpen();
    const now = Date.now();
    const lines = new Map<string, { topic: string; partition: number; text: string }>();
    for (const message of messages) {
      assertStrings(message);
      const partition = partitionForKey(message.key, await this.topics.partitions(message.topic));
      const id = `${partition}/${message.topic}`;
      const entry = lines.get(id) ?? { topic: message.topic, partition, text: '' };
      entry.text += encodeRecord(message, now);
      lines.set(id, entry);
    }
    await Promise.all([...lines.entries()].map(([id, { topic, partition, text }]) => this.appender(id, topic, partition).append(text)));
  }

  async subscribe(options: SubscriptionOptions, handler: BatchHandler): Promise<Subscription> {
    this.assertOpen();
    if (options.topics.length === 0) throw new Error('subscribe: topics must not be empty');
    const member = new GroupMember([...new Set(options.topics)], options.fromBeginning ?? false, handler);
    await this.inGroupQueue(options.group, async () => {
      const group = this.groups.get(options.group) ?? (await this.openGroup(options.group));
      try {
        await group.join(member);
      } finally {
        await this.closeIfEmpty(options.group, group);
      }
    });
    let stopped: Promise<void> | undefined;
    const subscription: Subscription = {
      stop: () =>
        (stopped ??= this.inGroupQueue(options.group, async () => {
          const group = this.groups.get(options.group);
          if (!group) return;
          await group.leave(member);
          await this.closeIfEmpty(options.group, group);
        }).finally(() => this.subscriptions.delete(subscription))),
    };
    this.subscriptions.add(subscription);
    return subscription;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    await Promise.all([...this.appenders.values()].map((appender) => appender.close()));
    this.appenders.clear();
    this.signals.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`the embedded event bus at ${this.dir} is closed`);
  }

  private appender(id: string, topic: string, partition: number): PartitionAppender {
    // A publish that was still resolving partitions when close() ran must not reopen a log.
    this.assertOpen();
    let appender = this.appenders.get(id);
    if (!appender) {
      appender = new PartitionAppender(this.topics.logPath(topic, partition), this.fsync, () => this.signals.notify(topic));
      this.appenders.set(id, appender);
    }
    return appender;
  }

  private async openGroup(name: string): Promise<EmbeddedConsumerGroup> {
    const group = await EmbeddedConsumerGroup.open(name, {
      groupsDir: join(this.dir, 'groups'),
      topics: this.topics,
      signals: this.signals,
      settings: this.settings,
      fsync: this.fsync,
    });
    this.groups.set(name, group);
    return group;
  }

  private async closeIfEmpty(name: string, group: EmbeddedConsumerGroup): Promise<void> {
    if (!group.isEmpty || this.groups.get(name) !== group) return;
    this.groups.delete(name);
    await group.close();
  }

  private inGroupQueue<T>(group: string, work: () => Promise<T>): Promise<T> {
    const previous = this.groupQueues.get(group) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.catch(() => undefined);
    this.groupQueues.set(group, settled);
    // Drop the entry once idle so a long-lived bus does not keep one per group ever used.
    void settled.then(() => {
      if (this.groupQueues.get(group) === settled) this.groupQueues.delete(group);
    });
    return next;
  }
}

/** The log outlives the caller: refuse, at publish time, a record no consumer could read back. */
function assertStrings(message: OutgoingMessage): void {
  const headers = Object.values(message.headers ?? {});
  if (typeof message.key !== 'string' || typeof message.value !== 'string' || !headers.every((value) => typeof value === 'string')) {
    throw new TypeError(`publish to ${message.topic}: key, value and header values must be strings`);
  }
}

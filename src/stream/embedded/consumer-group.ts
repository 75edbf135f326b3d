import { join } from 'node:path';
import { acquireGroupLock } from './group-lock';
import type { GroupMember } from './group-member';
import { GroupOffsets } from './group-offsets';
import type { LogSignals } from './log-signals';
import { groupFileStem } from './names';
import { PartitionConsumer, type ConsumerSettings } from './partition-consumer';
import type { TopicRegistry } from './topic-registry';

export interface ConsumerGroupDeps {
  groupsDir: string;
  topics: TopicRegistry;
  signals: LogSignals;
  settings: ConsumerSettings;
  fsync: boolean;
}

const slot = (topic: string, partition: number) => `${partition}\u0000${topic}`;

/**
 * An in-process consumer group. Each partition of each subscribed topic has one tailing loop
 * and, at any moment, one owner among the members subscribed to its topic: partition p goes to
 * the (p mod n)-th such member in join order, as a round-robin assignor would deal them. Joins
 * and leaves are serialized by the caller (EmbeddedEventBus), like a group coordinator's rebalance.
 */
export class EmbeddedConsumerGroup {
  private members: GroupMember[] = [];
  private owners = new Map<string, GroupMember>();
  private readonly consumers = new Map<string, PartitionConsumer>();

  private constructor(
    private readonly name: string,
    private readonly offsets: GroupOffsets,
    private readonly releaseLock: () => Promise<void>,
    private readonly deps: ConsumerGroupDeps,
  ) {}

  static async open(name: string, deps: ConsumerGroupDeps): Promise<EmbeddedConsumerGroup> {
    const stem = join(deps.groupsDir, groupFileStem(name));
    const release = await acquireGroupLock(`${stem}.lock`, name);
    try {
      const offsets = await GroupOffsets.load(`${stem}.json`, name, deps.fsync);
      return new EmbeddedConsumerGroup(name, offsets, release, deps);
    } catch (error) {
      await release();
      throw error;
    }
  }

  get isEmpty(): boolean {
    return this.members.length === 0;
  }

  async join(member: GroupMember): Promise<void> {
    this.members.push(member);
    try {
      await this.rebalance();
    } catch (error) {
      // A topic that cannot be created (bad name, disk): the subscription fails as a whole.
      this.members = this.members.filter((m) => m !== member);
      await this.rebalance();
      throw error;
    }
  }

  /** Stops giving `member` batches, waits for the one in hand to finish and commit, then deals its partitions out. */
  async leave(member: GroupMember): Promise<void> {
    this.members = this.members.filter((m) => m !== member);
    for (const [key, owner] of this.owners) if (owner === member) this.owners.delete(key);
    await member.drain();
    await this.rebalance();
  }

  /** Stops every loop and releases the group; call once no member is left. */
  async close(): Promise<void> {
    this.members = [];
    await this.rebalance();
    await this.offsets.flushed();
    await this.releaseLock();
  }

  private async rebalance(): Promise<void> {
    const owners = new Map<string, GroupMember>();
    const topics = new Set(this.members.flatMap((member) => member.topics));
    for (const topic of topics) {
      const eligible = this.members.filter((member) => member.topics.includes(topic));
      const count = await this.deps.topics.partitions(topic);
      for (let partition = 0; partition < count; partition++) owners.set(slot(topic, partition), eligible[partition % eligible.length]);
    }
    this.owners = owners;
    for (const [key, consumer] of [...this.consumers]) {
      if (owners.has(key)) continue;
      this.consumers.delete(key);
      await consumer.stop();
    }
    for (const [key, owner] of owners) {
      const existing = this.consumers.get(key);
      if (existing) existing.poke();
      else await this.startConsumer(key, owner);
    }
  }

  private async startConsumer(key: string, owner: GroupMember): Promise<void> {
    const [partitionText, topic] = key.split('\u0000');
    const partition = Number(partitionText);
    const consumer = new PartitionConsumer({
      group: this.name,
      topic,
      partition,
      logPath: this.deps.topics.logPath(topic, partition),
      offsets: this.offsets,
      signals: this.deps.signals,
      owner: () => this.owners.get(key),
      settings: this.deps.settings,
    });
    await consumer.start(owner.fromBeginning);
    this.consumers.set(key, consumer);
  }
}

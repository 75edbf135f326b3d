import { open, type FileHandle } from 'node:fs/promises';
import type { Logger } from '../../shared/logger.port';
import type { DeliveredMessage } from '../event-bus.port';
import { backoffDelay, errorMessage, reportDeliveryFailure, sleep, type DeliveryErrorListener, type RetryBackoff } from '../redelivery';
import type { GroupMember } from './group-member';
import type { GroupOffsets } from './group-offsets';
import type { LogSignals } from './log-signals';
import { readRecords } from './log-record';

export interface ConsumerSettings {
  pollIntervalMs: number;
  maxBatchSize: number;
  maxBatchBytes: number;
  retryBackoff: RetryBackoff;
  onError: DeliveryErrorListener | undefined;
  logger: Logger;
}

export interface PartitionConsumerDeps {
  group: string;
  topic: string;
  partition: number;
  logPath: string;
  offsets: GroupOffsets;
  signals: LogSignals;
  /** The member this partition is assigned to right now (it may change between batches). */
  owner: () => GroupMember | undefined;
  settings: ConsumerSettings;
}

interface PendingBatch {
  messages: DeliveredMessage[];
  /** Position to commit once the batch is handled. */
  next: number;
  /** How many times this batch has been rejected so far. */
  failures: number;
}

/**
 * Tails one partition log for one group: reads a batch after the committed position, hands it
 * to the partition's current owner, commits after the handler resolves. One loop per
 * (group, topic, partition), so a partition's batches are strictly sequential and in order,
 * whichever member they go to. A rejected batch is kept and redelivered unchanged after a backoff.
 */
export class PartitionConsumer {
  private position = 0;
  private handle: FileHandle | undefined;
  private loop: Promise<void> | undefined;
  private retry: PendingBatch | undefined;
  private dirty = false;
  private wake: (() => void) | undefined;
  private readonly stopping = new AbortController();

  constructor(private readonly deps: PartitionConsumerDeps) {}

  /** Fixes the start position (committed, else beginning or end) and starts tailing. */
  async start(fromBeginning: boolean): Promise<void> {
    const { offsets, topic, partition, settings } = this.deps;
    this.handle = await open(this.deps.logPath, 'r');
    const size = (await this.handle.stat()).size;
    const committed = offsets.position(topic, partition);
    if (committed === undefined) {
      this.position = fromBeginning ? 0 : size;
      // Committing "the end" now means anything published after subscribe() resolved is
      // delivered, even if the process restarts before the first batch.
      if (!fromBeginning) await offsets.commit(topic, partition, size);
    } else if (committed > size) {
      // The log lost its tail (an OS crash before fsync, or fsync off): resume at its end.
      settings.logger.warn('committed position is past the end of an embedded bus log; resuming at its end', { group: this.deps.group, topic, partition, committed, size });
      this.position = size;
    } else {
      this.position = committed;
    }
    this.loop = this.run();
  }

  /** Looks for new records now (an append, or a new owner) instead of at the next poll. */
  poke(): void {
    this.dirty = true;
    this.wake?.();
  }

  /** Lets the batch in hand finish (and commit), then stops. */
  async stop(): Promise<void> {
    this.stopping.abort();
    this.wake?.();
    await this.loop;
    await this.handle?.close();
    this.handle = undefined;
  }

  private async run(): Promise<void> {
    const { topic, partition, group, settings } = this.deps;
    const unlisten = this.deps.signals.listen(topic, () => this.poke());
    try {
      while (!this.stopping.signal.aborted) {
        try {
          await this.step();
        } catch (error) {
          // Reading or committing failed (disk trouble): keep the position and try again later.
          settings.logger.error('embedded bus consumer error; retrying', { group, topic, partition, error: errorMessage(error) });
          await sleep(settings.pollIntervalMs, this.stopping.signal);
        }
      }
    } finally {
      unlisten();
    }
  }

  private async step(): Promise<void> {
    this.dirty = false;
    const pending = this.retry ?? (await this.read());
    const owner = pending && this.deps.owner();
    if (!pending || !owner) {
      if (!this.dirty) await this.idle();
      return;
    }
    if (await owner.track(() => this.deliver(owner, pending))) {
      this.retry = undefined;
      return;
    }
    this.retry = { ...pending, failures: pending.failures + 1 };
    await sleep(backoffDelay(this.retry.failures, this.deps.settings.retryBackoff), this.stopping.signal);
  }

  private async read(): Promise<PendingBatch | undefined> {
    const { topic, partition, settings, offsets } = this.deps;
    if (!this.handle) return undefined;
    const result = await readRecords(this.handle, this.position, settings.maxBatchSize, settings.maxBatchBytes);
    for (const offset of result.skipped) settings.logger.warn('skipped an unreadable line in an embedded bus log', { topic, partition, offset });
    if (result.records.length === 0) {
      // Only junk lines: move past them for good.
      if (result.next !== this.position) await offsets.commit(topic, partition, result.next);
      this.position = result.next;
      return undefined;
    }
    const messages = result.records.map(({ offset, key, value, headers }) => ({ topic, partition, offset: String(offset), key, value, headers }));
    return { messages, next: result.next, failures: 0 };
  }

  /** True when the handler resolved and the new position is committed. */
  private async deliver(owner: GroupMember, pending: PendingBatch): Promise<boolean> {
    const { group, topic, partition, settings, offsets } = this.deps;
    try {
      await owner.handler(pending.messages);
    } catch (error) {
      const failure = { group, topic, partition, firstOffset: pending.messages[0].offset, attempt: pending.failures + 1 };
      reportDeliveryFailure(error, failure, settings.onError, settings.logger);
      return false;
    }
    try {
      await offsets.commit(topic, partition, pending.next);
    } catch (error) {
      // Handled but not recorded: redeliver rather than risk losing it (at-least-once).
      settings.logger.error('could not commit an embedded bus position; the batch will be redelivered', { group, topic, partition, error: errorMessage(error) });
      return false;
    }
    this.position = pending.next;
    return true;
  }

  private idle(): Promise<void> {
    return new Promise((resolve) => {
      if (this.stopping.signal.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, this.deps.settings.pollIntervalMs);
      this.wake = done;
    });
  }
}

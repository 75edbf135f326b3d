import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from './atomic-file';
import { BatchingQueue } from './batching-queue';

type Positions = Record<string, Record<string, number>>;

/**
 * The committed positions of one consumer group: for each topic and partition, the byte
 * position of the next record to deliver. Kept in memory and written to one small file with
 * write-temp-then-rename after every commit, so a restart sees the last commit or the one
 * before it, never a torn file. Concurrent commits of several partitions share one write.
 */
export class GroupOffsets {
  private readonly queue = new BatchingQueue<void>(() => writeFileAtomic(this.file, this.serialize(), this.fsync));

  private constructor(
    private readonly file: string,
    private readonly group: string,
    private readonly fsync: boolean,
    private readonly positions: Positions,
  ) {}

  static async load(file: string, group: string, fsync: boolean): Promise<GroupOffsets> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new GroupOffsets(file, group, fsync, {});
      throw error;
    }
    return new GroupOffsets(file, group, fsync, parsePositions(text, file));
  }

  position(topic: string, partition: number): number | undefined {
    return this.positions[topic]?.[String(partition)];
  }

  /** Records `position` as committed; resolves once it is on disk. */
  commit(topic: string, partition: number, position: number): Promise<void> {
    (this.positions[topic] ??= {})[String(partition)] = position;
    return this.queue.push();
  }

  async flushed(): Promise<void> {
    await this.queue.idle();
  }

  private serialize(): string {
    return `${JSON.stringify({ group: this.group, positions: this.positions }, null, 1)}\n`;
  }
}

function parsePositions(text: string, file: string): Positions {
  // Refuse a damaged file loudly: guessing a position would silently skip or replay events.
  const fail = (): never => {
    throw new Error(`${file}: not a valid committed-positions file; fix or delete it (deleting replays from the beginning or the end)`);
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return fail();
  }
  const positions = typeof parsed === 'object' && parsed !== null ? (parsed as { positions?: unknown }).positions : undefined;
  if (typeof positions !== 'object' || positions === null) return fail();
  const result: Positions = {};
  for (const [topic, partitions] of Object.entries(positions)) {
    if (typeof partitions !== 'object' || partitions === null) return fail();
    for (const [partition, position] of Object.entries(partitions)) {
      if (typeof position !== 'number' || !Number.isSafeInteger(position) || position < 0) return fail();
      (result[topic] ??= {})[partition] = position;
    }
  }
  return result;
}

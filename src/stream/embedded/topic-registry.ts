import { mkdir, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createFileIfAbsent } from './atomic-file';
import { assertTopicName } from './names';

/**
 * Where topics live on disk (`<root>/<topic>/meta.json` and `<partition>.log`) and how many
 * partitions each has. The count is fixed when the topic is created and read back afterwards,
 * so changing the configured default never re-hashes the keys of an existing topic.
 */
export class TopicRegistry {
  private readonly counts = new Map<string, Promise<number>>();

  constructor(
    private readonly root: string,
    private readonly defaultPartitions: number,
    private readonly fsync: boolean,
  ) {}

  logPath(topic: string, partition: number): string {
    return join(this.root, topic, `${partition}.log`);
  }

  topicDir(topic: string): string {
    return join(this.root, topic);
  }

  /** The topic's partition count, creating the topic first if it does not exist (as Kafka's auto-create does). */
  partitions(topic: string): Promise<number> {
    let count = this.counts.get(topic);
    if (!count) {
      count = this.ensure(topic);
      this.counts.set(topic, count);
      // A failed creation (disk full, bad name) must not be cached; the next call tries again.
      count.catch(() => this.counts.delete(topic));
    }
    return count;
  }

  private async ensure(topic: string): Promise<number> {
    assertTopicName(topic);
    const dir = this.topicDir(topic);
    await mkdir(dir, { recursive: true });
    const metaFile = join(dir, 'meta.json');
    // Another process may create the topic at the same moment: exactly one meta.json wins.
    await createFileIfAbsent(metaFile, `${JSON.stringify({ partitions: this.defaultPartitions })}\n`, this.fsync);
    const count = parsePartitionCount(await readFile(metaFile, 'utf8'), metaFile);
    // Empty logs up front, so consumers can open every partition before the first publish.
    for (let partition = 0; partition < count; partition++) await (await open(this.logPath(topic, partition), 'a')).close();
    return count;
  }
}

function parsePartitionCount(text: string, file: string): number {
  const parsed: unknown = JSON.parse(text);
  const count = typeof parsed === 'object' && parsed !== null ? (parsed as { partitions?: unknown }).partitions : undefined;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) throw new Error(`${file}: "partitions" must be a positive integer`);
  return count;
}

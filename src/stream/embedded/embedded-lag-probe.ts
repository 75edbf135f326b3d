import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { LagProbe, PartitionLag } from '../metrics/lag-probe.port';
import { groupFileStem } from './names';

/**
 * Consumer lag of the embedded bus in bytes: each partition log's size minus the group's
 * committed byte position, read from the bus's files (so another process's bus can be watched too).
 */
export class EmbeddedLagProbe implements LagProbe {
  readonly unit = 'bytes';

  constructor(
    private readonly busDir: string,
    private readonly group: string,
    private readonly topics: readonly string[],
  ) {}

  async lag(): Promise<PartitionLag[]> {
    const positions = await this.positions();
    const lags: PartitionLag[] = [];
    for (const topic of this.topics) {
      const partitions = await this.partitions(topic);
      for (let partition = 0; partition < partitions; partition++) {
        const size = await stat(join(this.busDir, 'topics', topic, `${partition}.log`)).then((s) => s.size, () => 0);
        lags.push({ topic, partition, lag: Math.max(0, size - (positions[topic]?.[String(partition)] ?? 0)) });
      }
    }
    return lags;
  }

  async close(): Promise<void> {}

  private async positions(): Promise<Record<string, Record<string, number>>> {
    try {
      const parsed = JSON.parse(await readFile(join(this.busDir, 'groups', `${groupFileStem(this.group)}.json`), 'utf8')) as { positions?: Record<string, Record<string, number>> };
      return parsed.positions ?? {};
    } catch {
      return {};
    }
  }

  private async partitions(topic: string): Promise<number> {
    try {
      const meta = JSON.parse(await readFile(join(this.busDir, 'topics', topic, 'meta.json'), 'utf8')) as { partitions?: number };
      return meta.partitions ?? 0;
    } catch {
      return 0;
    }
  }
}

import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { finished } from 'node:stream/promises';
import type { LakeLayout, RawSource } from '../lake-layout';

/** Buffered lines are handed to the stream in chunks this big; smaller chunks cost syscalls. */
const CHUNK_BYTES = 256 * 1024;

interface Partition {
  readonly dir: string;
  lines: string[];
  pendingBytes: number;
  stream?: WriteStream;
  part: number;
  partBytes: number;
}

/**
 * Appends JSON lines to `raw/<source>/dt=<day>/part-NNNNN.jsonl`, one open file per landed day,
 * rolling to a new part when one grows past `rollBytes`. Lines are buffered per day and written in
 * chunks; `flush` waits for the disk (backpressure), so memory stays bounded however many users.
 */
export class JsonlPartitions {
  private readonly partitions = new Map<string, Partition>();
  private lineCount = 0;
  private fileCount = 0;
  private readonly chunkBytes: number;

  constructor(
    private readonly layout: LakeLayout,
    private readonly source: RawSource,
    private readonly rollBytes: number,
  ) {
    // Rolling is checked between chunks, so chunks must be smaller than a part.
    this.chunkBytes = Math.min(CHUNK_BYTES, Math.max(1, Math.floor(rollBytes / 4)));
  }

  get lines(): number {
    return this.lineCount;
  }

  get files(): number {
    return this.fileCount;
  }

  append(day: string, line: string): void {
    let partition = this.partitions.get(day);
    if (!partition) {
      partition = { dir: this.layout.rawPartition(this.source, day), lines: [], pendingBytes: 0, part: 0, partBytes: 0 };
      this.partitions.set(day, partition);
    }
    partition.lines.push(line);
    partition.pendingBytes += line.length + 1;
    this.lineCount++;
  }

  /** Writes out every buffer holding a full chunk (every buffer, with `all`). */
  async flush(all = false): Promise<void> {
    const minBytes = all ? 0 : this.chunkBytes;
    for (const partition of this.partitions.values()) {
      if (partition.lines.length === 0 || partition.pendingBytes < minBytes) continue;
      const chunk = Buffer.from(partition.lines.join('\n') + '\n', 'utf8');
      partition.lines = [];
      partition.pendingBytes = 0;
      const stream = await this.streamFor(partition);
      partition.partBytes += chunk.length;
      if (!stream.write(chunk)) await once(stream, 'drain');
    }
  }

  private async streamFor(partition: Partition): Promise<WriteStream> {
    if (partition.stream && partition.partBytes >= this.rollBytes) {
      await this.close(partition.stream);
      partition.stream = undefined;
      partition.part++;
      partition.partBytes = 0;
    }
    if (!partition.stream) {
      await mkdir(partition.dir, { recursive: true });
      partition.stream = createWriteStream(path.join(partition.dir, `part-${String(partition.part).padStart(5, '0')}.jsonl`));
      this.fileCount++;
    }
    return partition.stream;
  }

  private async close(stream: WriteStream): Promise<void> {
    stream.end();
    await finished(stream);
  }

  async end(): Promise<void> {
    await this.flush(true);
    for (const partition of this.partitions.values()) {
      if (partition.stream) await this.close(partition.stream);
      partition.stream = undefined;
    }
  }

  /** Closes files without flushing, after a failure. */
  destroy(): void {
    for (const partition of this.partitions.values()) partition.stream?.destroy();
  }
}

import { randomBytes } from 'node:crypto';
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { LakeLayout } from '../../lake/lake-layout';
import { utcDay } from '../clickstream-event';
import { BatchingQueue } from '../embedded/batching-queue';

interface Pending {
  day: string;
  text: string;
}

/**
 * Appends accepted events to the raw zone, the batch path's input and (embedded profile) the
 * durable log of record: `raw/clickstream/dt=<received day>/collector-<host>-<pid>-<start>.jsonl`,
 * one event per line, exactly the raw clickstream contract. One file per process and day, so
 * replicas never interleave writes; concurrent appends share one write and one fdatasync
 * (group commit), and append() resolves only once its lines are on disk.
 */
export class RawZoneAppender {
  private readonly handles = new Map<string, Promise<FileHandle>>();
  private readonly queue = new BatchingQueue<Pending>((items) => this.write(items));
  private readonly fileStem = `collector-${hostname().replace(/[^A-Za-z0-9.-]/g, '_')}-${process.pid}-${Date.now()}-${randomBytes(3).toString('hex')}`;

  constructor(
    private readonly layout: LakeLayout,
    private readonly fsync = true,
  ) {}

  /** Resolves when `events` (each one event's JSON) are durably in the raw zone, under the day they landed. */
  append(events: readonly string[], landedAt: number): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    return this.queue.push({ day: utcDay(landedAt), text: `${events.join('\n')}\n` });
  }

  async close(): Promise<void> {
    await this.queue.idle();
    const handles = [...this.handles.values()];
    this.handles.clear();
    await Promise.allSettled(handles.map(async (handle) => (await handle).close()));
  }

  private async write(items: readonly Pending[]): Promise<void> {
    const byDay = new Map<string, string[]>();
    for (const item of items) byDay.set(item.day, [...(byDay.get(item.day) ?? []), item.text]);
    await Promise.all([...byDay].map(([day, texts]) => this.writeDay(day, texts.join(''))));
    // Only today's file (and yesterday's, around midnight) stays open.
    for (const day of [...this.handles.keys()].sort().slice(0, -2)) {
      const handle = this.handles.get(day);
      this.handles.delete(day);
      await (await handle)?.close();
    }
  }

  private async writeDay(day: string, text: string): Promise<void> {
    let opening = this.handles.get(day);
    if (!opening) {
      opening = this.openFile(day);
      this.handles.set(day, opening);
      opening.catch(() => this.handles.delete(day));
    }
    const handle = await opening;
    const data = Buffer.from(text, 'utf8');
    try {
      let written = 0;
      while (written < data.length) written += (await handle.write(data, written, data.length - written)).bytesWritten;
      if (this.fsync) await handle.datasync();
    } catch (error) {
      // A failed write may leave half a line; a fresh file keeps the next lines whole.
      this.handles.delete(day);
      await handle.close().catch(() => undefined);
      throw error;
    }
  }

  private async openFile(day: string): Promise<FileHandle> {
    const dir = this.layout.rawPartition('clickstream', day);
    await mkdir(dir, { recursive: true });
    return open(join(dir, `${this.fileStem}-${randomBytes(2).toString('hex')}.jsonl`), 'a');
  }
}

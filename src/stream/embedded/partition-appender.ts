import { open, type FileHandle } from 'node:fs/promises';
import { BatchingQueue } from './batching-queue';

/**
 * Appends encoded records to one partition log. Concurrent appends are written together and
 * share one fdatasync (group commit). The file is opened O_APPEND, so each write lands at the
 * end even if another process appends to the same log too.
 */
export class PartitionAppender {
  private handle: Promise<FileHandle> | undefined;
  private readonly queue = new BatchingQueue<string>((lines) => this.write(lines));

  constructor(
    private readonly path: string,
    private readonly fsync: boolean,
    private readonly onAppended: () => void,
  ) {}

  /** Resolves once `lines` are written (and, with fsync on, on disk). */
  append(lines: string): Promise<void> {
    return this.queue.push(lines);
  }

  async close(): Promise<void> {
    await this.queue.idle();
    const handle = this.handle;
    this.handle = undefined;
    if (handle) await (await handle).close();
  }

  private async write(lines: readonly string[]): Promise<void> {
    let handle: FileHandle;
    try {
      handle = await (this.handle ??= this.openRepaired());
    } catch (error) {
      this.handle = undefined;
      throw error;
    }
    try {
      const data = Buffer.from(lines.join(''), 'utf8');
      let written = 0;
      while (written < data.length) written += (await handle.write(data, written, data.length - written)).bytesWritten;
      if (this.fsync) await handle.datasync();
    } catch (error) {
      // A failed write may have left half a line: reopen (and repair the tail) before the next one.
      this.handle = undefined;
      await handle.close().catch(() => undefined);
      throw error;
    } finally {
      // Even after a failure some lines may have landed; tailing readers should look.
      this.onAppended();
    }
  }

  /**
   * Opens for append and, if a crash left the last line without its newline, ends that line so
   * the next record starts on a fresh one. Readers skip the torn line as junk.
   */
  private async openRepaired(): Promise<FileHandle> {
    const handle = await open(this.path, 'a+');
    try {
      const { size } = await handle.stat();
      if (size > 0) {
        const last = Buffer.alloc(1);
        await handle.read(last, 0, 1, size - 1);
        if (last[0] !== 0x0a) await handle.write('\n');
      }
      return handle;
    } catch (error) {
      await handle.close();
      throw error;
    }
  }
}

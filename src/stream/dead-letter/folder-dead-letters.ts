import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { BatchingQueue } from '../embedded/batching-queue';
import { parseDeadLetter, type DeadLetter } from './dead-letter';
import type { DeadLetterQueue, ReplaySummary } from './dead-letter-queue.port';

// Letters replayed per handler call.
const REPLAY_BATCH = 500;

/**
 * Dead letters of the embedded profile: JSON lines in `<dir>/pending/`, readable and editable by
 * hand. Each process appends to its own file, fsynced before send() resolves. A replay moves the
 * files present when it starts to `<dir>/replaying/` (so writers open a new pending file from then
 * on), hands their letters over, and moves each to `<dir>/replayed/` once handled; letters refused
 * again meanwhile go to a new pending file, left for the next replay.
 */
export class FolderDeadLetters implements DeadLetterQueue {
  private readonly queue = new BatchingQueue<string>((texts) => this.write(texts.join('')));
  private file: string | undefined;

  private constructor(
    private readonly dir: string,
    private readonly fsync: boolean,
  ) {}

  static async open(dir: string, options: { fsync?: boolean } = {}): Promise<FolderDeadLetters> {
    await mkdir(join(dir, 'pending'), { recursive: true });
    await mkdir(join(dir, 'replaying'), { recursive: true });
    await mkdir(join(dir, 'replayed'), { recursive: true });
    return new FolderDeadLetters(dir, options.fsync ?? true);
  }

  send(letters: readonly DeadLetter[]): Promise<void> {
    if (letters.length === 0) return Promise.resolve();
    return this.queue.push(letters.map((letter) => `${JSON.stringify(letter)}\n`).join(''));
  }

  async replay(handler: (letters: readonly DeadLetter[]) => Promise<void>): Promise<ReplaySummary> {
    // Letters this process sends while replaying must land in a file the replay did not take.
    await this.queue.idle();
    this.file = undefined;
    const pending = (await readdir(join(this.dir, 'pending'))).filter((name) => name.endsWith('.jsonl'));
    for (const name of pending) await rename(join(this.dir, 'pending', name), join(this.dir, 'replaying', name));
    // Files left in replaying/ by an interrupted replay are taken again (replay is idempotent downstream).
    const files = (await readdir(join(this.dir, 'replaying'))).filter((name) => name.endsWith('.jsonl')).sort();
    let replayed = 0;
    for (const name of files) {
      const file = join(this.dir, 'replaying', name);
      let position = 0;
      // A writer that opened the file just before the rename may still append; read until it stops growing.
      for (;;) {
        const { text, next } = await readFrom(file, position);
        if (next === position) break;
        position = next;
        const letters = text.split('\n').flatMap((line) => parseDeadLetter(line) ?? []);
        for (let start = 0; start < letters.length; start += REPLAY_BATCH) {
          const batch = letters.slice(start, start + REPLAY_BATCH);
          await handler(batch);
          replayed += batch.length;
        }
      }
      await rename(file, join(this.dir, 'replayed', name));
    }
    return { replayed };
  }

  async close(): Promise<void> {
    await this.queue.idle();
  }

  private async write(text: string): Promise<void> {
    this.file ??= join(this.dir, 'pending', `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}-${randomBytes(3).toString('hex')}.jsonl`);
    const handle = await open(this.file, 'a');
    try {
      await handle.write(text);
      if (this.fsync) await handle.datasync();
    } finally {
      await handle.close();
    }
  }
}

/** Complete lines from byte `position` on, and the position after the last one. */
async function readFrom(file: string, position: number): Promise<{ text: string; next: number }> {
  const handle = await open(file, 'r');
  try {
    const size = (await handle.stat()).size;
    const buffer = Buffer.alloc(Math.max(0, size - position));
    await handle.read(buffer, 0, buffer.length, position);
    const end = buffer.lastIndexOf(0x0a);
    return end < 0 ? { text: '', next: position } : { text: buffer.toString('utf8', 0, end + 1), next: position + end + 1 };
  } finally {
    await handle.close();
  }
}

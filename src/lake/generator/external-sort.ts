import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { finished } from 'node:stream/promises';

interface Head {
  line: string;
  next: () => Promise<IteratorResult<string>>;
}

/** A binary min-heap on the heads of sorted runs. */
class RunHeap {
  private readonly items: Head[] = [];

  get size(): number {
    return this.items.length;
  }

  push(item: Head): void {
    const items = this.items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (items[parent].line <= items[i].line) break;
      [items[parent], items[i]] = [items[i], items[parent]];
      i = parent;
    }
  }

  pop(): Head {
    const items = this.items;
    const top = items[0];
    const last = items.pop() as Head;
    if (items.length > 0) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < items.length && items[l].line < items[m].line) m = l;
        if (r < items.length && items[r].line < items[m].line) m = r;
        if (m === i) break;
        [items[m], items[i]] = [items[i], items[m]];
        i = m;
      }
    }
    return top;
  }
}

/**
 * Sorts more lines than fit in memory: lines are buffered up to a character budget, spilled as
 * sorted runs to `dir`, and merged on the way out. Lines must not contain newlines; they are
 * compared as strings, so callers put a fixed-width sort key first.
 */
export class ExternalSorter {
  private buffer: string[] = [];
  private chars = 0;
  private readonly runs: string[] = [];

  constructor(
    private readonly dir: string,
    private readonly budgetChars: number,
  ) {}

  get spilledRuns(): number {
    return this.runs.length;
  }

  add(line: string): void {
    this.buffer.push(line);
    this.chars += line.length;
  }

  async spillIfFull(): Promise<void> {
    if (this.chars >= this.budgetChars) await this.spill();
  }

  private async spill(): Promise<void> {
    const lines = this.buffer.sort();
    this.buffer = [];
    this.chars = 0;
    await mkdir(this.dir, { recursive: true });
    const file = path.join(this.dir, `run-${String(this.runs.length).padStart(5, '0')}.txt`);
    const stream = createWriteStream(file);
    for (let i = 0; i < lines.length; i += 4096) {
      if (!stream.write(lines.slice(i, i + 4096).join('\n') + '\n')) await once(stream, 'drain');
    }
    stream.end();
    await finished(stream);
    this.runs.push(file);
  }

  /** Every line added, in order. */
  async *sorted(): AsyncGenerator<string> {
    if (this.runs.length === 0) {
      const lines = this.buffer.sort();
      this.buffer = [];
      this.chars = 0;
      yield* lines;
      return;
    }
    if (this.buffer.length > 0) await this.spill();
    const heap = new RunHeap();
    for (const file of this.runs) {
      const reader = createInterface({ input: createReadStream(file, { highWaterMark: 256 * 1024 }), crlfDelay: Infinity });
      const iterator = reader[Symbol.asyncIterator]();
      const next = (): Promise<IteratorResult<string>> => iterator.next();
      const first = await next();
      if (!first.done) heap.push({ line: first.value, next });
    }
    while (heap.size > 0) {
      const head = heap.pop();
      yield head.line;
      const following = await head.next();
      if (!following.done) heap.push({ line: following.value, next: head.next });
    }
  }
}

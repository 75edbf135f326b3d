import { isUtf8 } from 'node:buffer';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import * as path from 'node:path';
import { once } from 'node:events';

/** A piece of a raw file whose lines DuckDB reads; `firstLine` keeps the original line numbers. */
export interface Segment {
  path: string;
  fileSeq: number;
  firstLine: number;
}

/** A line that is not UTF-8; DuckDB cannot hold it as text, so it is quarantined from here. */
export interface InvalidLine {
  fileSeq: number;
  line: number;
  text: string;
}

const NEWLINE = 0x0a;
const FLUSH_BYTES = 8 * 1024 * 1024;

class SegmentWriter {
  private stream: WriteStream | undefined;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private segmentBytes = 0;
  readonly segments: Segment[] = [];

  constructor(
    private readonly dir: string,
    private readonly fileSeq: number,
    private readonly maxBytes: number,
  ) {}

  async writeLine(line: Buffer, lineNumber: number): Promise<void> {
    if (!this.stream) {
      const segmentPath = path.join(this.dir, `file-${this.fileSeq}-part-${this.segments.length + 1}.txt`);
      this.segments.push({ path: segmentPath, fileSeq: this.fileSeq, firstLine: lineNumber });
      this.stream = createWriteStream(segmentPath);
      this.segmentBytes = 0;
    }
    this.pending.push(line, Buffer.of(NEWLINE));
    this.pendingBytes += line.length + 1;
    this.segmentBytes += line.length + 1;
    if (this.pendingBytes >= FLUSH_BYTES) await this.flush();
    if (this.segmentBytes >= this.maxBytes) await this.closeSegment();
  }

  private async flush(): Promise<void> {
    if (!this.stream || this.pending.length === 0) return;
    const ok = this.stream.write(Buffer.concat(this.pending, this.pendingBytes));
    this.pending = [];
    this.pendingBytes = 0;
    if (!ok) await once(this.stream, 'drain');
  }

  async closeSegment(): Promise<void> {
    if (!this.stream) return;
    await this.flush();
    const stream = this.stream;
    this.stream = undefined;
    stream.end();
    await once(stream, 'finish');
  }
}

/**
 * Copies a raw file into segments of at most about `maxBytes`, cut at line ends, replacing lines
 * that are not UTF-8 by empty lines (and returning them). Used for files too large for one
 * read_text value (4 GB) or that DuckDB refuses as text; line numbers stay those of the raw file.
 */
export async function segmentFile(
  filePath: string,
  fileSeq: number,
  dir: string,
  maxBytes: number,
): Promise<{ segments: Segment[]; invalid: InvalidLine[] }> {
  const writer = new SegmentWriter(dir, fileSeq, maxBytes);
  const invalid: InvalidLine[] = [];
  let carry: Buffer = Buffer.alloc(0);
  let lineNumber = 0;

  const emit = async (line: Buffer): Promise<void> => {
    lineNumber++;
    if (isUtf8(line)) {
      await writer.writeLine(line, lineNumber);
    } else {
      invalid.push({ fileSeq, line: lineNumber, text: line.toString('utf8') });
      await writer.writeLine(Buffer.alloc(0), lineNumber);
    }
  };

  for await (const chunk of createReadStream(filePath, { highWaterMark: 4 * 1024 * 1024 })) {
    const buffer: Buffer = carry.length > 0 ? Buffer.concat([carry, chunk as Buffer]) : (chunk as Buffer);
    let start = 0;
    let end = buffer.indexOf(NEWLINE, start);
    while (end !== -1) {
      await emit(buffer.subarray(start, end));
      start = end + 1;
      end = buffer.indexOf(NEWLINE, start);
    }
    carry = Buffer.from(buffer.subarray(start));
  }
  // A last line without a newline is still a line; an empty remainder is just the final newline.
  if (carry.length > 0) await emit(carry);
  await writer.closeSegment();
  return { segments: writer.segments, invalid };
}

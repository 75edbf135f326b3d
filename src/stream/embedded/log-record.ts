import type { FileHandle } from 'node:fs/promises';
import type { OutgoingMessage } from '../event-bus.port';

/** One line of a partition log. Short field names: the log holds every event, so bytes add up. */
interface StoredLine {
  k: string;
  v: string;
  h?: Record<string, string>;
  /** Append time (ms since epoch), for people reading the log; not part of the port. */
  t: number;
}

/** A record read back from a log; `offset` is the byte position where its line starts. */
export interface LogRecord {
  offset: number;
  key: string;
  value: string;
  headers: Record<string, string>;
}

export interface ReadResult {
  records: LogRecord[];
  /** Position after the last line consumed (records and skipped junk lines alike). */
  next: number;
  /** Positions of lines that were not valid records (torn by a crash), skipped. */
  skipped: number[];
}

const NEWLINE = 0x0a;

/** JSON escapes newlines inside strings, so a record is exactly one line. */
export function encodeRecord(message: OutgoingMessage, now: number): string {
  const line: StoredLine = { k: message.key, v: message.value, t: now };
  if (message.headers && Object.keys(message.headers).length > 0) line.h = { ...message.headers };
  return `${JSON.stringify(line)}\n`;
}

function isStringRecord(value: unknown): value is Record<string, string> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string');
}

function decodeLine(text: string, offset: number): LogRecord | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { k, v, h } = parsed as Partial<StoredLine>;
    if (typeof k !== 'string' || typeof v !== 'string' || (h !== undefined && !isStringRecord(h))) return undefined;
    return { offset, key: k, value: v, headers: { ...(h ?? {}) } };
  } catch {
    return undefined;
  }
}

/**
 * Reads up to `maxCount` complete records starting at byte `position`. A line without its
 * newline is still being written (or was torn by a crash) and is left for a later read.
 */
export async function readRecords(handle: FileHandle, position: number, maxCount: number, maxBytes: number): Promise<ReadResult> {
  const empty: ReadResult = { records: [], next: position, skipped: [] };
  const available = (await handle.stat()).size - position;
  let want = Math.min(available, maxBytes);
  while (want > 0) {
    const buffer = Buffer.allocUnsafe(want);
    const { bytesRead } = await handle.read(buffer, 0, want, position);
    const end = bytesRead > 0 ? buffer.lastIndexOf(NEWLINE, bytesRead - 1) : -1;
    if (end >= 0) return parseLines(buffer.subarray(0, end + 1), position, maxCount);
    // One line longer than maxBytes: read more of it rather than stall forever.
    if (bytesRead < want || want >= available) return empty;
    want = Math.min(available, want * 2);
  }
  return empty;
}

function parseLines(chunk: Buffer, position: number, maxCount: number): ReadResult {
  const result: ReadResult = { records: [], next: position, skipped: [] };
  let start = 0;
  while (start < chunk.length && result.records.length < maxCount) {
    const end = chunk.indexOf(NEWLINE, start);
    const offset = position + start;
    const record = end > start ? decodeLine(chunk.toString('utf8', start, end), offset) : undefined;
    if (record) result.records.push(record);
    else if (end > start) result.skipped.push(offset);
    start = end + 1;
    result.next = position + start;
  }
  return result;
}

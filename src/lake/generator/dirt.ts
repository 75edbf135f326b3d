import type { Rng } from './prng';

// Real feeds are dirty in a few recurring ways; the generator injects each at a small rate so the
// processing and identity steps meet them in tests, and reports how many of each it wrote.

/** Placeholder identifiers that buggy clients and test accounts send; they must never link profiles. */
export const JUNK_IDENTIFIERS: readonly string[] = ['null', '0', 'undefined', '00000000-0000-0000-0000-000000000000', 'test@test.com', ''];

const JUNK = new Set(JUNK_IDENTIFIERS);

export function isJunkIdentifier(value: unknown): boolean {
  return typeof value === 'string' && JUNK.has(value.trim());
}

export const JUNK_USER_IDS: readonly string[] = ['null', '0', 'undefined', ''];
export const JUNK_DEVICE_IDS: readonly string[] = ['00000000-0000-0000-0000-000000000000', 'null', 'undefined'];
export const JUNK_PHONES: readonly string[] = ['', '0', 'null'];

/** Rates per opportunity. Small, as in production, but high enough that a 1,000-user lake has each kind. */
export const DIRT_RATES = {
  /** An event delivered twice (SDK retry after a lost ack). */
  duplicateEvent: 0.008,
  /** A mobile session buffered offline and flushed days later. */
  offlineSession: 0.012,
  /** A device whose clock is wrong by minutes to hours. */
  skewedSession: 0.015,
  /** A session sent through an old SDK path that leaves `timestamp` out. */
  missingTimestampSession: 0.03,
  /** A session whose app build sends a placeholder instead of a real id. */
  junkSession: 0.006,
  /** Someone types test@test.com at login. */
  junkLoginEmail: 0.01,
  /** A call-centre or test order with placeholder contact details. */
  junkContactRecord: 0.008,
  /** A half-written line (the writer died mid-flush) before the line that was retried. */
  malformedLine: 0.001,
  /** A CSV row whose free-text field held an unescaped comma. */
  malformedCsvRow: 0.003,
  /** Blocks of three neighbouring users that are one family sharing a tablet. */
  familyBlock: 0.02,
  /** API calls carrying a placeholder header or body id. */
  junkApiCall: 0.006,
  /** A second update to the same row seconds after the first (coupon applied, payment reconciled). */
  quickSecondUpdate: 0.03,
  /** A second update in the same second (same updated_at), committed after a file cut. */
  sameSecondUpdate: 0.015,
  /** A change row stuck in a DMS backlog for a day or two. */
  lateChange: 0.004,
  /** Rows removed (test orders, fraud clean-up); DMS writes a `D` with the full row. */
  deletedRecord: 0.008,
} as const;

/** Counts of injected dirt by kind. Kinds are fixed up front so the summary always lists them all. */
export class DirtCounter {
  private readonly counts = new Map<string, number>();

  constructor(kinds: readonly string[]) {
    for (const kind of kinds) this.counts.set(kind, 0);
  }

  add(kind: string, n = 1): void {
    const current = this.counts.get(kind);
    if (current === undefined) throw new Error(`unknown dirt kind ${kind}`);
    this.counts.set(kind, current + n);
  }

  toRecord(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const kind of [...this.counts.keys()].sort()) out[kind] = this.counts.get(kind) ?? 0;
    return out;
  }
}

/** Cuts a line somewhere in its middle; the result is never valid JSON nor a full CSV row. */
export function truncated(rng: Rng, line: string): string {
  return line.slice(0, rng.int(Math.floor(line.length * 0.2), Math.floor(line.length * 0.8)));
}

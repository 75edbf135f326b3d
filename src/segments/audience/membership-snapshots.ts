import type { LakeEngine } from '../../lake/lake-engine.port';
import type { LakeLayout } from '../../lake/lake-layout';
import { sqlString } from '../../lake/lake-relation';
import { SegmentsException, SegmentsExceptionCode } from '../segments.exception';
import { SEGMENT_TABLES, segmentPartitionDays, segmentPartitionFile } from '../sql/segment-sources';

export const MAX_PAGE = 1000;

export interface MembersPage {
  /** The snapshot read: the newest materialized day, or the one asked for. */
  date: string;
  totalCount: number;
  customerIds: string[];
  /** Pass as `after` for the next page; null when this page is empty. */
  endCursor: string | null;
  hasNextPage: boolean;
}

export interface MembershipChange {
  segmentId: string;
  segmentVersion: number;
  customerId: string;
  change: 'entered' | 'exited';
  /** When the membership changed: the end of the batch day (ISO-8601 UTC). */
  at: string;
  /** When c360 found it out (ISO-8601 UTC). */
  detectedAt: string;
}

/** Cursors are opaque to clients: the last customer id of the page, base64url-encoded. */
export function encodeCursor(customerId: string): string {
  return Buffer.from(customerId, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const decoded = /^[A-Za-z0-9_-]{1,700}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  if (decoded === '' || encodeCursor(decoded) !== cursor) throw new SegmentsException(SegmentsExceptionCode.BAD_ARGUMENT, 'after is not a cursor this API returned', { field: 'after' });
  return decoded;
}

function snapshotDay(layout: LakeLayout, table: string, date?: string | null): string {
  const days = segmentPartitionDays(layout, table);
  const day = date ?? days[days.length - 1];
  if (day === undefined || !days.includes(day)) {
    throw new SegmentsException(SegmentsExceptionCode.NOT_MATERIALIZED, `no segment snapshot${date ? ` for ${date}` : ''} yet; run \`c360 segments materialize --date D\` (or the daily \`c360 jobs run\`)`);
  }
  return day;
}

/**
 * Reads the daily membership snapshots: a segment's members page by page, in customer order
 * (keyset pagination, which the snapshot's sort order answers from row-group statistics).
 */
export class MembershipSnapshots {
  constructor(
    private readonly engine: LakeEngine,
    private readonly layout: LakeLayout,
  ) {}

  async members(segmentId: string, first: number, after?: string | null, date?: string | null): Promise<MembersPage> {
    if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE) throw new SegmentsException(SegmentsExceptionCode.BAD_ARGUMENT, `first must be 1-${MAX_PAGE}`, { field: 'first' });
    const from = after === undefined || after === null ? null : decodeCursor(after);
    const day = snapshotDay(this.layout, SEGMENT_TABLES.membership, date);
    const file = sqlString(segmentPartitionFile(this.layout, SEGMENT_TABLES.membership, day));
    const [total] = await this.engine.query(`SELECT count(*) AS n FROM read_parquet(${file}) WHERE segment_id = ?`, [segmentId]);
    const rows = await this.engine.query(
      `SELECT customer_id FROM read_parquet(${file}) WHERE segment_id = ? ${from === null ? '' : 'AND customer_id > ?'} ORDER BY customer_id LIMIT ${first + 1}`,
      from === null ? [segmentId] : [segmentId, from],
    );
    const customerIds = rows.slice(0, first).map((row) => String(row.customer_id));
    const last = customerIds[customerIds.length - 1];
    return { date: day, totalCount: Number(total?.n ?? 0), customerIds, endCursor: last === undefined ? null : encodeCursor(last), hasNextPage: rows.length > first };
  }

  /** Every member of a segment in a snapshot, `chunk` at a time, for exports. */
  async *allMembers(segmentId: string, date?: string | null, chunk = 5_000): AsyncGenerator<{ date: string; customerIds: string[] }> {
    let after: string | null = null;
    for (;;) {
      const page: MembersPage = await this.members(segmentId, Math.min(chunk, MAX_PAGE), after, date);
      date = page.date;
      if (page.customerIds.length > 0) yield { date: page.date, customerIds: page.customerIds };
      if (!page.hasNextPage) return;
      after = page.endCursor;
    }
  }

  /** The change feed of the days from … to (inclusive), optionally of one segment, in day, segment and customer order. */
  async *changes(from: string, to: string, segmentId?: string | null): AsyncGenerator<MembershipChange> {
    const days = segmentPartitionDays(this.layout, SEGMENT_TABLES.changes).filter((day) => day >= from && day <= to);
    for (const day of days) {
      const file = sqlString(segmentPartitionFile(this.layout, SEGMENT_TABLES.changes, day));
      const rows = await this.engine.query(
        `SELECT segment_id, segment_version, customer_id, change, changed_at, detected_at FROM read_parquet(${file}) ${segmentId ? 'WHERE segment_id = ?' : ''} ORDER BY segment_id, customer_id`,
        segmentId ? [segmentId] : [],
      );
      for (const row of rows) {
        yield {
          segmentId: String(row.segment_id),
          segmentVersion: Number(row.segment_version),
          customerId: String(row.customer_id),
          change: row.change === 'entered' ? 'entered' : 'exited',
          at: row.changed_at instanceof Date ? row.changed_at.toISOString() : String(row.changed_at),
          detectedAt: row.detected_at instanceof Date ? row.detected_at.toISOString() : String(row.detected_at),
        };
      }
    }
  }
}

/** Whether a segment is live; archived segments keep their history but are never evaluated. */
export type SegmentStatus = 'active' | 'archived';

/** What a change can touch: the part of a segment the audit trail records before and after. */
export interface SegmentContent {
  name: string;
  description: string;
  /** The definition as marketing wrote it (JSON), checked before it is stored. */
  definition: unknown;
  status: SegmentStatus;
}

export interface StoredSegment extends SegmentContent {
  id: string;
  /** 1 when created; every change adds one. */
  version: number;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
}

export type SegmentAction = 'created' | 'updated' | 'archived';

/** One change: who made it, when, and the segment before and after (before is null on creation). */
export interface SegmentAuditEntry {
  segmentId: string;
  version: number;
  action: SegmentAction;
  actor: string;
  at: string;
  before: SegmentContent | null;
  after: SegmentContent;
}

export type SaveOutcome = 'saved' | 'version-conflict' | 'duplicate-id' | 'duplicate-name';

/**
 * Where segment definitions live, versioned, with their audit trail. `save` is a compare-and-set:
 * it writes only if the stored version is still the one the change was based on, and writes the
 * audit entry in the same transaction, so no change is ever unrecorded or lost to a concurrent one.
 */
export interface SegmentRepository {
  /** The segment, archived ones included, or undefined. */
  get(id: string): Promise<StoredSegment | undefined>;
  /** Every segment, archived ones included, by id. */
  list(): Promise<StoredSegment[]>;
  /** Writes `segment` if the stored version is `expectedVersion` (0: it must not exist yet) and no other segment has its name. */
  save(segment: StoredSegment, expectedVersion: number, audit: SegmentAuditEntry): Promise<SaveOutcome>;
  /** The audit trail of a segment, oldest first. */
  history(id: string): Promise<SegmentAuditEntry[]>;
  close(): Promise<void>;
}

/** Names are unique regardless of case and surrounding spaces, so "VIP" and " vip" are one audience. */
export function nameKey(name: string): string {
  return name.trim().toLowerCase();
}

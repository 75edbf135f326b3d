import { open, type Database, type RootDatabase } from 'lmdb';
import { nameKey, type SaveOutcome, type SegmentAuditEntry, type SegmentRepository, type StoredSegment } from '../segment-repository.port';

/**
 * Segment definitions of the embedded profile, in an LMDB environment of their own: safe across
 * processes (the API and a CLI command may write at once; LMDB serializes writers), and every
 * save checks the version and writes the audit entry inside one write transaction.
 */
export class EmbeddedSegmentRepository implements SegmentRepository {
  private constructor(
    private readonly root: RootDatabase,
    private readonly segments: Database<StoredSegment, string>,
    private readonly names: Database<string, string>,
    private readonly audit: Database<SegmentAuditEntry, [string, number]>,
  ) {}

  static async open(dir: string): Promise<EmbeddedSegmentRepository> {
    const root = open(dir, { maxDbs: 8 });
    try {
      return new EmbeddedSegmentRepository(
        root,
        root.openDB<StoredSegment, string>({ name: 'segments', encoding: 'json' }),
        root.openDB<string, string>({ name: 'segment_names', encoding: 'json' }),
        root.openDB<SegmentAuditEntry, [string, number]>({ name: 'segment_audit', encoding: 'json' }),
      );
    } catch (error) {
      await root.close();
      throw error;
    }
  }

  async get(id: string): Promise<StoredSegment | undefined> {
    return this.segments.get(id);
  }

  async list(): Promise<StoredSegment[]> {
    return [...this.segments.getRange()].map(({ value }) => value);
  }

  save(segment: StoredSegment, expectedVersion: number, audit: SegmentAuditEntry): Promise<SaveOutcome> {
    return this.segments.transaction((): SaveOutcome => {
      const current = this.segments.get(segment.id);
      if (expectedVersion === 0 && current !== undefined) return 'duplicate-id';
      if ((current?.version ?? 0) !== expectedVersion) return 'version-conflict';
      const owner = this.names.get(nameKey(segment.name));
      if (owner !== undefined && owner !== segment.id) return 'duplicate-name';
      if (current !== undefined && nameKey(current.name) !== nameKey(segment.name)) this.names.remove(nameKey(current.name));
      this.names.put(nameKey(segment.name), segment.id);
      this.segments.put(segment.id, segment);
      this.audit.put([segment.id, audit.version], audit);
      return 'saved';
    });
  }

  async history(id: string): Promise<SegmentAuditEntry[]> {
    return [...this.audit.getRange({ start: [id, 0], end: [id, Number.MAX_SAFE_INTEGER] })].map(({ value }) => value);
  }

  async close(): Promise<void> {
    await this.root.close();
  }
}

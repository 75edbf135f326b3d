import { types, type Client } from 'cassandra-driver';
import { CONSISTENCY, type CassandraConfig, type CassandraStoreOptions } from '../../store/cassandra/cassandra-client';
import { connectMigrated } from '../../store/cassandra/connect-migrated';
import { nameKey, type SaveOutcome, type SegmentAuditEntry, type SegmentRepository, type StoredSegment } from '../segment-repository.port';
import { SEGMENT_MIGRATIONS } from './segment-migrations';

function statementsFor(keyspace: string) {
  return {
    get: `SELECT version, record FROM ${keyspace}.segments WHERE segment_id = ? LIMIT 1`,
    list: `SELECT DISTINCT segment_id, record FROM ${keyspace}.segments`,
    history: `SELECT audit FROM ${keyspace}.segments WHERE segment_id = ?`,
    change: `UPDATE ${keyspace}.segments SET version = ?, record = ? WHERE segment_id = ? IF version = ?`,
    create: `UPDATE ${keyspace}.segments SET version = ?, record = ? WHERE segment_id = ? IF version = null`,
    audit: `INSERT INTO ${keyspace}.segments (segment_id, entry, audit) VALUES (?, ?, ?)`,
    claimName: `INSERT INTO ${keyspace}.segment_names (name_key, segment_id) VALUES (?, ?) IF NOT EXISTS`,
    releaseName: `DELETE FROM ${keyspace}.segment_names WHERE name_key = ? IF segment_id = ?`,
  };
}

/**
 * Segment definitions on Cassandra (the production profile): a save claims the name with a
 * lightweight transaction, then writes the record and its audit entry as one conditional batch on
 * the segment's partition (IF version = the expected one); a refused save gives back a name it
 * claimed, and a rename releases the old name after the record moved on.
 */
export class CassandraSegmentRepository implements SegmentRepository {
  private constructor(
    private readonly client: Client,
    private readonly statements: ReturnType<typeof statementsFor>,
    private readonly read: types.consistencies,
  ) {}

  static async connect(config: CassandraConfig, options: CassandraStoreOptions = {}): Promise<CassandraSegmentRepository> {
    const client = await connectMigrated(config, SEGMENT_MIGRATIONS, options);
    // Serial reads see every applied lightweight transaction, so a change never builds on a stale version.
    return new CassandraSegmentRepository(client, statementsFor(config.keyspace), CONSISTENCY[options.readConsistency ?? 'LOCAL_QUORUM']);
  }

  private lwt(query: string, params: unknown[]): Promise<types.ResultSet> {
    return this.client.execute(query, params, { prepare: true, consistency: types.consistencies.localQuorum, serialConsistency: types.consistencies.localSerial });
  }

  async get(id: string): Promise<StoredSegment | undefined> {
    const row = (await this.client.execute(this.statements.get, [id], { prepare: true, consistency: types.consistencies.localSerial })).first();
    const record: unknown = row?.get('record');
    return typeof record === 'string' ? (JSON.parse(record) as StoredSegment) : undefined;
  }

  async list(): Promise<StoredSegment[]> {
    const segments: StoredSegment[] = [];
    let pageState: string | undefined;
    do {
      const page = await this.client.execute(this.statements.list, [], { prepare: true, consistency: this.read, fetchSize: 500, pageState });
      for (const row of page.rows) {
        const record: unknown = row.get('record');
        if (typeof record === 'string') segments.push(JSON.parse(record) as StoredSegment);
      }
      pageState = page.pageState ?? undefined;
    } while (pageState);
    return segments.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async save(segment: StoredSegment, expectedVersion: number, audit: SegmentAuditEntry): Promise<SaveOutcome> {
    const name = nameKey(segment.name);
    const claim = await this.lwt(this.statements.claimName, [name, segment.id]);
    const claimed = claim.wasApplied();
    if (!claimed && claim.first()?.get('segment_id') !== segment.id) return 'duplicate-name';
    const previous = expectedVersion === 0 ? undefined : await this.get(segment.id);
    const change = expectedVersion === 0 ? { query: this.statements.create, params: [segment.version, JSON.stringify(segment), segment.id] } : { query: this.statements.change, params: [segment.version, JSON.stringify(segment), segment.id, expectedVersion] };
    const result = await this.client.batch(
      [change, { query: this.statements.audit, params: [segment.id, audit.version, JSON.stringify(audit)] }],
      { prepare: true, consistency: types.consistencies.localQuorum, serialConsistency: types.consistencies.localSerial },
    );
    if (!result.wasApplied()) {
      if (claimed) await this.lwt(this.statements.releaseName, [name, segment.id]);
      return expectedVersion === 0 ? 'duplicate-id' : 'version-conflict';
    }
    if (previous && nameKey(previous.name) !== name) await this.lwt(this.statements.releaseName, [nameKey(previous.name), segment.id]);
    return 'saved';
  }

  async history(id: string): Promise<SegmentAuditEntry[]> {
    const rows = (await this.client.execute(this.statements.history, [id], { prepare: true, consistency: this.read })).rows;
    return rows.map((row) => row.get('audit') as unknown).filter((audit): audit is string => typeof audit === 'string').map((audit) => JSON.parse(audit) as SegmentAuditEntry);
  }

  async close(): Promise<void> {
    await this.client.shutdown();
  }
}

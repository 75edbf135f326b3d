import { randomUUID } from 'node:crypto';
import { types, type Client } from 'cassandra-driver';
import type { IdentityChanges } from '../identity-store.port';

/** Bytes per journal row: well under Cassandra's mutation limit (half a 32 MiB commit-log segment), whatever the change. */
const CHUNK_BYTES = 512 * 1024;

/** When a journal write happens (microseconds) and what runs before it (see BatchedWriteSettings). */
export interface WriteTime {
  timestamp: number;
  beforeEach?: () => void;
}

/** What a journal entry holds of a change: the writes, not the expectations they were checked against. */
type JournaledChanges = Pick<IdentityChanges, 'assign' | 'unassign' | 'customers' | 'removeCustomers' | 'merges' | 'separations'>;

function writesOf(changes: IdentityChanges): JournaledChanges {
  return { assign: changes.assign, unassign: changes.unassign, customers: changes.customers, removeCustomers: changes.removeCustomers, merges: changes.merges, separations: changes.separations };
}

/**
 * The change the lease's holder is writing, kept until every phase is written: Cassandra writes a
 * change phase by phase (identityRowWrites), and a writer stopped between two phases (a timeout, a
 * lost node, a killed process) left it half applied for good. An un-merge whose assignments were
 * written but not its customer records could then be neither retried (the plan no longer matched)
 * nor repaired by a batch stitch (the assignments it reads already agree); a stream merge stopped
 * the same way left the merged customer listing identifiers it no longer held.
 *
 * Only the lease's holder writes the journal, so one entry is enough. It is one partition: chunk 0
 * names the entry and how many chunks it has, and holds the change's JSON when it fits in one
 * (the stream's changes do: one write); a larger change's JSON is in chunks 1..n, written before
 * chunk 0, so a chunk 0 naming an entry always finds its chunks. Stale chunks of a longer earlier
 * entry are told apart by their entry id. A finished entry is closed by overwriting chunk 0, never
 * deleted: a row deleted a thousand times a second would leave that many tombstones for every read
 * of the partition to skip.
 */
export class WriteJournal {
  private readonly statements: { readHeader: string; readChunks: string; write: string };

  constructor(
    private readonly client: Client,
    keyspace: string,
  ) {
    const table = `${keyspace}.identity_write_journal`;
    this.statements = {
      // The header alone first: a large entry's chunks stay behind once it is closed, and every planned change reads the header.
      readHeader: `SELECT entry_id, chunks, body FROM ${table} WHERE name = 'pending' AND chunk = 0`,
      readChunks: `SELECT chunk, entry_id, body FROM ${table} WHERE name = 'pending' AND chunk >= 1 AND chunk <= ?`,
      write: `INSERT INTO ${table} (name, chunk, entry_id, chunks, body) VALUES ('pending', ?, ?, ?, ?)`,
    };
  }

  /**
   * Records `changes` as the entry being written, at `at.timestamp` (microseconds, as the change's
   * own rows: see CassandraIdentityStore.apply); `at.beforeEach` runs before each write and may stop them.
   */
  async open(changes: IdentityChanges, at: WriteTime): Promise<void> {
    const body = Buffer.from(JSON.stringify(writesOf(changes)), 'utf8');
    const entryId = randomUUID();
    if (body.length <= CHUNK_BYTES) return this.write(0, entryId, 1, body, at);
    const count = Math.ceil(body.length / CHUNK_BYTES);
    for (let chunk = 1; chunk <= count; chunk++) await this.write(chunk, entryId, count, body.subarray((chunk - 1) * CHUNK_BYTES, chunk * CHUNK_BYTES), at);
    await this.write(0, entryId, count, Buffer.alloc(0), at);
  }

  /** Marks the entry written in full; `at.timestamp` must be later than the entry's. */
  async close(at: WriteTime): Promise<void> {
    await this.write(0, randomUUID(), 0, Buffer.alloc(0), at);
  }

  /** The change an earlier holder did not finish writing, if any. */
  async unfinished(): Promise<IdentityChanges | undefined> {
    const read = { prepare: true, isIdempotent: true, consistency: types.consistencies.localQuorum };
    const header = (await this.client.execute(this.statements.readHeader, [], read)).first();
    const count = Number(header?.get('chunks') ?? 0);
    if (!header || count === 0) return undefined;
    const entryId = String(header.get('entry_id'));
    const parts =
      count === 1
        ? [header]
        : (await this.client.execute(this.statements.readChunks, [count], read)).rows.filter((row) => row.get('entry_id') === entryId).sort((a, b) => Number(a.get('chunk')) - Number(b.get('chunk')));
    if (parts.length !== count) throw new Error(`identity store: the write journal's entry ${entryId} has ${parts.length} of its ${count} chunks`);
    const writes = JSON.parse(Buffer.concat(parts.map((row) => row.get('body') as Buffer)).toString('utf8')) as JournaledChanges;
    return { ...writes, expected: [], expectedCustomers: [] };
  }

  private async write(chunk: number, entryId: string, chunks: number, body: Buffer, at: WriteTime): Promise<void> {
    at.beforeEach?.();
    await this.client.execute(this.statements.write, [chunk, entryId, chunks, body], { prepare: true, isIdempotent: true, consistency: types.consistencies.localQuorum, timestamp: at.timestamp });
  }
}

import { types, type Client } from 'cassandra-driver';
import { CONSISTENCY, type CassandraConfig, type CassandraStoreOptions } from '../../store/cassandra/cassandra-client';
import { mapBounded } from '../../store/cassandra/map-bounded';
import { connectMigrated } from '../../store/cassandra/connect-migrated';
import { writeBatchLimits, type BatchLimits } from '../../store/cassandra/replica-batches';
import { InFlight } from '../../store/in-flight';
import { identifierKey, type Identifier } from '../identifier';
import {
  IdentityChangeInterruptedError,
  IdentityConflictError,
  IdentityStoreBusyError,
  mergeOrder,
  type Assignment,
  type IdentityChanges,
  type IdentityStore,
  type MergeRecord,
  type Separation,
  type StoredCustomer,
} from '../identity-store.port';
import { decodeCustomer, decodeMerge, decodeSeparation } from '../stored-records';
import { IDENTITY_MIGRATIONS } from './identity-migrations';
import { identityRowWrites } from './identity-row-writes';
import { writeInReplicaBatches } from './replica-batched-writes';
import { WriteJournal, type WriteTime } from './write-journal';
import { WriteLease, type HeldLease } from './write-lease';

const DEFAULT_PAGE = 5_000;
// Partitions named per read request. The driver's per-request work, not Cassandra, bounds a client
// reading many small partitions; an IN of a few dozen keys costs the coordinator little.
const KEYS_PER_READ = 50;
// Statements per batch: only a partition with many rows (a customer's merge index) comes near it.
const STATEMENTS_PER_BATCH = 100;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}

function statementsFor(keyspace: string) {
  return {
    lookup: `SELECT id_value, customer_id FROM ${keyspace}.identity_assignments WHERE id_type = ? AND id_value IN ?`,
    assign: `INSERT INTO ${keyspace}.identity_assignments (id_type, id_value, customer_id) VALUES (?, ?, ?)`,
    unassign: `DELETE FROM ${keyspace}.identity_assignments WHERE id_type = ? AND id_value = ?`,
    scanAssignments: `SELECT id_type, id_value, customer_id FROM ${keyspace}.identity_assignments`,
    customers: `SELECT customer_id, record FROM ${keyspace}.identity_customers WHERE customer_id IN ?`,
    putCustomer: `INSERT INTO ${keyspace}.identity_customers (customer_id, record) VALUES (?, ?)`,
    removeCustomer: `DELETE FROM ${keyspace}.identity_customers WHERE customer_id = ?`,
    scanCustomers: `SELECT record FROM ${keyspace}.identity_customers`,
    merge: `SELECT record FROM ${keyspace}.identity_merges WHERE merge_id = ?`,
    scanMerges: `SELECT record FROM ${keyspace}.identity_merges`,
    putMerge: `INSERT INTO ${keyspace}.identity_merges (merge_id, record) VALUES (?, ?)`,
    mergesOf: `SELECT merge_id FROM ${keyspace}.identity_customer_merges WHERE customer_id = ?`,
    indexMerge: `INSERT INTO ${keyspace}.identity_customer_merges (customer_id, at, merge_id, other_customer_id) VALUES (?, ?, ?, ?)`,
    separations: `SELECT record FROM ${keyspace}.identity_separations`,
    putSeparation: `INSERT INTO ${keyspace}.identity_separations (separation_id, record) VALUES (?, ?)`,
  };
}

type Statements = ReturnType<typeof statementsFor>;

function parse(text: unknown): unknown {
  return typeof text === 'string' ? JSON.parse(text) : undefined;
}

/**
 * The production identity store on Cassandra, beside the online store in the same keyspace. Every
 * write is a whole-row overwrite, so replaying a change is harmless and statements are marked
 * idempotent (retried once by the shared retry policy). A change touches many partitions and
 * Cassandra has no multi-partition transactions: apply() is not atomic. A change planned on what
 * was read (one with expectations: the stream's, an un-merge) is checked and written under a lease
 * only one writer in any process holds at a time (WriteLease), so two plans made on the same state
 * never both pass their check; without it, two identifies of two accounts on one tablet, on two
 * consumers, both joined the tablet's customer. Such a change is kept in a write journal until all
 * of it is written (WriteJournal), and whoever holds the lease next first finishes a change its
 * previous holder left half written, as does every process that connects. A change without
 * expectations (tests, tools) is written as it comes.
 */
export class CassandraIdentityStore implements IdentityStore {
  private readonly inFlight = new InFlight('cassandra identity store');
  private readonly lease: WriteLease;
  private readonly journal: WriteJournal;
  /** The last write time given out (microseconds): see fenced. */
  private lastTimestamp = 0;
  private closed?: Promise<void>;

  private constructor(
    private readonly client: Client,
    private readonly statements: Statements,
    private readonly keyspace: string,
    private readonly settings: { concurrency: number; read: types.consistencies; write: types.consistencies; batch: BatchLimits },
  ) {
    this.lease = new WriteLease(client, keyspace);
    this.journal = new WriteJournal(client, keyspace);
  }

  /** Connects, creates the keyspace if needed and applies the identity migrations. */
  static async connect(config: CassandraConfig, options: CassandraStoreOptions = {}): Promise<CassandraIdentityStore> {
    const client = await connectMigrated(config, IDENTITY_MIGRATIONS, options);
    const store = new CassandraIdentityStore(client, statementsFor(config.keyspace), config.keyspace, {
      concurrency: options.concurrency ?? 64,
      read: CONSISTENCY[options.readConsistency ?? 'LOCAL_QUORUM'],
      write: CONSISTENCY[options.writeConsistency ?? 'LOCAL_QUORUM'],
      batch: writeBatchLimits(options, STATEMENTS_PER_BATCH),
    });
    try {
      await store.finishUnfinished();
    } catch (error) {
      await client.shutdown();
      throw error;
    }
    return store;
  }

  /**
   * Finishes the change a writer left half written (see WriteJournal), if any: a process that
   * connects after a crash finds the store whole, even before anyone writes again. A store whose
   * lease another writer holds is left to that writer, which finishes it first.
   */
  private async finishUnfinished(): Promise<void> {
    if ((await this.journal.unfinished()) === undefined) return;
    try {
      await this.lease.hold((lease) => this.finishJournaled(lease));
    } catch (error) {
      if (!(error instanceof IdentityStoreBusyError)) throw error;
    }
  }

  private async finishJournaled(lease: HeldLease, unfinished?: IdentityChanges): Promise<void> {
    const left = unfinished ?? (await this.journal.unfinished());
    if (left === undefined) return;
    await this.write(left, this.fenced(lease));
    await this.journal.close(this.fenced(lease));
  }

  /**
   * A write time for the next writes under `lease`, later than every earlier one of this process.
   * Every row of a planned change is written at one time taken after the lease was: a holder whose
   * lease lapsed while a request of its was in flight (assertHeld is checked before each request,
   * not during one) cannot overwrite what the next holder wrote, which is timed later (Cassandra
   * keeps the latest write of a cell). Hosts' clocks are assumed to agree within the lease's life.
   */
  private fenced(lease: HeldLease): WriteTime {
    this.lastTimestamp = Math.max(Date.now() * 1000, this.lastTimestamp + 1);
    return { timestamp: this.lastTimestamp, beforeEach: () => lease.assertHeld() };
  }

  private read(query: string, params: unknown[]): Promise<types.ResultSet> {
    return this.client.execute(query, params, { prepare: true, isIdempotent: true, consistency: this.settings.read });
  }

  lookup(identifiers: readonly Identifier[]): Promise<Map<string, string>> {
    return this.inFlight.run(() => this.readAssignments(identifiers));
  }

  /** Assignments by identifierKey, read a few dozen partitions per request (one type per request). */
  private async readAssignments(identifiers: readonly Identifier[]): Promise<Map<string, string>> {
    const valuesByType = new Map<string, Set<string>>();
    for (const { type, value } of identifiers) valuesByType.set(type, (valuesByType.get(type) ?? new Set()).add(value));
    const requests = [...valuesByType].flatMap(([type, values]) => chunks([...values], KEYS_PER_READ).map((chunk) => ({ type, chunk })));
    const results = await mapBounded(requests, this.settings.concurrency, ({ type, chunk }) => this.read(this.statements.lookup, [type, chunk]));
    const found = new Map<string, string>();
    requests.forEach(({ type }, index) => {
      for (const row of results[index].rows) {
        const customerId: unknown = row.get('customer_id');
        if (typeof customerId === 'string') found.set(identifierKey({ type, value: String(row.get('id_value')) }), customerId);
      }
    });
    return found;
  }

  customers(customerIds: readonly string[]): Promise<Map<string, StoredCustomer>> {
    return this.inFlight.run(() => this.readCustomers(customerIds));
  }

  private async readCustomers(customerIds: readonly string[]): Promise<Map<string, StoredCustomer>> {
    const requests = chunks([...new Set(customerIds)], KEYS_PER_READ);
    const results = await mapBounded(requests, this.settings.concurrency, (chunk) => this.read(this.statements.customers, [chunk]));
    const found = new Map<string, StoredCustomer>();
    for (const result of results) {
      for (const row of result.rows) {
        const record = decodeCustomer(parse(row.get('record')));
        if (record && record.customerId === row.get('customer_id')) found.set(record.customerId, record);
      }
    }
    return found;
  }

  mergesOf(customerId: string): Promise<MergeRecord[]> {
    return this.inFlight.run(async () => {
      const index = await this.read(this.statements.mergesOf, [customerId]);
      // A merge rewritten with another time (re-recorded by a later run) has two index rows.
      const ids = [...new Set(index.rows.map((row) => String(row.get('merge_id'))))];
      const records = await mapBounded(ids, this.settings.concurrency, (mergeId) => this.readMerge(mergeId));
      return records.filter((record): record is MergeRecord => record !== undefined).sort(mergeOrder);
    });
  }

  merge(mergeId: string): Promise<MergeRecord | undefined> {
    return this.inFlight.run(() => this.readMerge(mergeId));
  }

  private async readMerge(mergeId: string): Promise<MergeRecord | undefined> {
    return decodeMerge(parse((await this.read(this.statements.merge, [mergeId])).first()?.get('record')));
  }

  separations(): Promise<Separation[]> {
    return this.inFlight.run(async () => {
      const records: Separation[] = [];
      for await (const row of await this.client.execute(this.statements.separations, [], { prepare: true, isIdempotent: true, consistency: this.settings.read, fetchSize: DEFAULT_PAGE })) {
        const record = decodeSeparation(parse(row.get('record')));
        if (record) records.push(record);
      }
      return records;
    });
  }

  /**
   * Phase by phase (see identityRowWrites: assignments before customer records, removals before
   * writes), each phase's rows in replica-grouped unlogged batches within Cassandra's warning
   * thresholds, so a change creating a few hundred customers costs a few hundred requests, not a
   * few thousand.
   */
  apply(changes: IdentityChanges): Promise<void> {
    return this.inFlight.run(async () => {
      const planned = (changes.expected?.length ?? 0) + (changes.expectedCustomers?.length ?? 0) > 0;
      if (!planned) return this.write(changes);
      await this.lease.hold(
        async (lease) => {
          // The journal is read beside the expectations, which are checked again only when an unfinished change was written since.
          const [unfinished, checked] = await Promise.all([this.journal.unfinished(), this.checkExpected(changes).then(() => undefined, (error: unknown) => ({ error }))]);
          if (unfinished !== undefined) {
            await this.finishJournaled(lease, unfinished);
            await this.checkExpected(changes);
          } else if (checked !== undefined) throw checked.error;
          const at = this.fenced(lease);
          await this.journal.open(changes, at);
          try {
            await this.write(changes, at);
            await this.journal.close(this.fenced(lease));
          } catch (error) {
            throw new IdentityChangeInterruptedError(
              `identity store: a change was interrupted midway (${error instanceof Error ? error.message : String(error)}); it is in the write journal, and the store's next writer writes the rest first`,
              { cause: error },
            );
          }
        },
        { bulk: changes.bulk === true },
      );
    });
  }

  /** Phase by phase; fenced (a planned change's), at one write time and only while the lease is surely held. */
  private async write(changes: IdentityChanges, fenced?: WriteTime): Promise<void> {
    const settings = { keyspace: this.keyspace, limits: this.settings.batch, concurrency: this.settings.concurrency, consistency: this.settings.write, ...fenced };
    for (const phase of identityRowWrites(changes, this.statements)) {
      fenced?.beforeEach?.();
      await writeInReplicaBatches(this.client, phase, settings);
    }
  }

  private async checkExpected(changes: IdentityChanges): Promise<void> {
    const expected = changes.expected ?? [];
    const expectedCustomers = changes.expectedCustomers ?? [];
    if (expected.length + expectedCustomers.length === 0) return;
    const [assignments, customers] = await Promise.all([
      this.readAssignments(expected.map(({ identifier }) => identifier)),
      this.readCustomers(expectedCustomers.map(({ customerId }) => customerId)),
    ]);
    for (const { identifier, customerId } of expected) {
      if ((assignments.get(identifierKey(identifier)) ?? null) !== customerId) throw new IdentityConflictError({ identifier });
    }
    for (const { customerId, updatedAt } of expectedCustomers) {
      if ((customers.get(customerId)?.updatedAt ?? null) !== updatedAt) throw new IdentityConflictError({ customerId });
    }
  }

  private async *pages(query: string, pageSize: number): AsyncIterable<types.Row[]> {
    let pageState: string | undefined;
    do {
      const result = await this.client.execute(query, [], { prepare: true, isIdempotent: true, consistency: this.settings.read, fetchSize: pageSize, pageState });
      if (result.rows.length > 0) yield result.rows;
      pageState = result.pageState ?? undefined;
    } while (pageState);
  }

  async *scanAssignments(pageSize = DEFAULT_PAGE): AsyncIterable<Assignment[]> {
    for await (const rows of this.pages(this.statements.scanAssignments, pageSize)) {
      yield rows.map((row) => ({ identifier: { type: String(row.get('id_type')), value: String(row.get('id_value')) }, customerId: String(row.get('customer_id')) }));
    }
  }

  async *scanCustomers(pageSize = DEFAULT_PAGE): AsyncIterable<StoredCustomer[]> {
    for await (const rows of this.pages(this.statements.scanCustomers, pageSize)) {
      yield rows.map((row) => decodeCustomer(parse(row.get('record')))).filter((record): record is StoredCustomer => record !== undefined);
    }
  }

  async *scanMerges(pageSize = DEFAULT_PAGE): AsyncIterable<MergeRecord[]> {
    for await (const rows of this.pages(this.statements.scanMerges, pageSize)) {
      yield rows.map((row) => decodeMerge(parse(row.get('record')))).filter((record): record is MergeRecord => record !== undefined);
    }
  }

  close(): Promise<void> {
    this.closed ??= this.inFlight.drain().then(() => this.client.shutdown());
    return this.closed;
  }
}

import { closeSync, openSync, writeSync } from 'node:fs';
import { open, type Database, type RootDatabase } from 'lmdb';
import { InFlight } from '../../store/in-flight';
import { identifierKey, type Identifier } from '../identifier';
import {
  IdentityConflictError,
  mergeOrder,
  type Assignment,
  type IdentityChanges,
  type IdentityStore,
  type MergeRecord,
  type Separation,
  type StoredCustomer,
} from '../identity-store.port';
import { decodeCustomer, decodeMerge, decodeSeparation } from '../stored-records';

type IdentifierKey = [string, string];
type MergeIndexKey = [string, number, string];

// Same trick as the embedded online store: in LMDB's key encoding this sorts after every
// [customer, time, mergeId] of one customer and before the next customer.
const AFTER_LAST = new Uint8Array([0xff]);
const DEFAULT_PAGE = 5_000;
const WRITE_BUFFER_BYTES = 1 << 22;
const NEWLINE = Buffer.from('\n');

/** The records `decode` makes of `entries` (undefined: skipped), in pages of at most `pageSize`. */
async function* pagesOf<E, T>(entries: Iterable<E>, decode: (entry: E) => T | undefined, pageSize: number): AsyncIterable<T[]> {
  let page: T[] = [];
  for (const entry of entries) {
    const record = decode(entry);
    if (record) page.push(record);
    if (page.length >= pageSize) {
      yield page;
      page = [];
    }
  }
  if (page.length > 0) yield page;
}

/**
 * The identity store of the embedded profile: LMDB named databases in their own environment
 * (`<storeDir>/identity`), so it never competes with the feature store's map size. JSON values keep
 * records readable by any process without msgpack's shared structures. Like the embedded online
 * store, many processes may read while one writes.
 */
export class EmbeddedIdentityStore implements IdentityStore {
  private readonly inFlight = new InFlight('embedded identity store');
  private closed?: Promise<void>;

  private constructor(
    /** The folder of its LMDB files, which another process can open too. */
    readonly directory: string,
    private readonly root: RootDatabase,
    private readonly assignments: Database<string, IdentifierKey>,
    private readonly customerRecords: Database<unknown, string>,
    /** The same records as their stored JSON bytes. */
    private readonly customerBytes: Database<Buffer, string>,
    private readonly mergeRecords: Database<unknown, string>,
    private readonly mergeIndex: Database<string, MergeIndexKey>,
    private readonly separationRecords: Database<unknown, string>,
  ) {}

  /** Opens (creating if needed) the store whose LMDB files live in `dir`. */
  static async open(dir: string): Promise<EmbeddedIdentityStore> {
    const root = open(dir, { maxDbs: 16 });
    try {
      return new EmbeddedIdentityStore(
        dir,
        root,
        root.openDB<string, IdentifierKey>({ name: 'identity_assignments', encoding: 'string' }),
        root.openDB<unknown, string>({ name: 'identity_customers', encoding: 'json' }),
        root.openDB<Buffer, string>({ name: 'identity_customers', encoding: 'binary' }),
        root.openDB<unknown, string>({ name: 'identity_merges', encoding: 'json' }),
        root.openDB<string, MergeIndexKey>({ name: 'identity_customer_merges', encoding: 'string' }),
        root.openDB<unknown, string>({ name: 'identity_separations', encoding: 'json' }),
      );
    } catch (error) {
      await root.close();
      throw error;
    }
  }

  lookup(identifiers: readonly Identifier[]): Promise<Map<string, string>> {
    return this.inFlight.run(async () => {
      const found = new Map<string, string>();
      for (const identifier of identifiers) {
        const customerId = this.assignments.get([identifier.type, identifier.value]);
        if (customerId !== undefined) found.set(identifierKey(identifier), customerId);
      }
      return found;
    });
  }

  customers(customerIds: readonly string[]): Promise<Map<string, StoredCustomer>> {
    return this.inFlight.run(async () => {
      const found = new Map<string, StoredCustomer>();
      for (const customerId of customerIds) {
        const record = decodeCustomer(this.customerRecords.get(customerId));
        if (record) found.set(customerId, record);
      }
      return found;
    });
  }

  mergesOf(customerId: string): Promise<MergeRecord[]> {
    return this.inFlight.run(async () => {
      const records = new Map<string, MergeRecord>();
      for (const { key } of this.mergeIndex.getRange({ start: [customerId], end: [customerId, AFTER_LAST] as unknown as MergeIndexKey })) {
        // A merge rewritten with another time (re-recorded by a later run) has two index entries.
        if (records.has(key[2])) continue;
        const record = decodeMerge(this.mergeRecords.get(key[2]));
        if (record) records.set(key[2], record);
      }
      return [...records.values()].sort(mergeOrder);
    });
  }

  merge(mergeId: string): Promise<MergeRecord | undefined> {
    return this.inFlight.run(async () => decodeMerge(this.mergeRecords.get(mergeId)));
  }

  separations(): Promise<Separation[]> {
    return this.inFlight.run(async () => {
      const records: Separation[] = [];
      for (const { value } of this.separationRecords.getRange({})) {
        const record = decodeSeparation(value);
        if (record) records.push(record);
      }
      return records;
    });
  }

  /**
   * One write transaction, however large the change: its expectations are checked inside it, so no
   * other writer's transaction can come between the check and any of its writes. (The batch sync
   * once split a change into transactions of 20,000 writes; a stream write between two of them was
   * overwritten. LMDB takes a million writes in one transaction; the sync's pages hold about ten thousand.)
   */
  apply(changes: IdentityChanges): Promise<void> {
    return this.inFlight.run(async () => {
      await this.root.transaction(() => {
        this.checkExpected(changes);
        for (const write of this.writesOf(changes)) write();
      });
    });
  }

  private *writesOf(changes: IdentityChanges): Generator<() => void> {
    for (const identifier of changes.unassign) yield () => void this.assignments.remove([identifier.type, identifier.value]);
    for (const { identifier, customerId } of changes.assign) yield () => void this.assignments.put([identifier.type, identifier.value], customerId);
    for (const customerId of changes.removeCustomers) yield () => void this.customerRecords.remove(customerId);
    for (const customer of changes.customers) yield () => void this.customerRecords.put(customer.customerId, customer);
    for (const merge of changes.merges) {
      yield () => void this.mergeRecords.put(merge.mergeId, merge);
      yield () => void this.mergeIndex.put([merge.into, merge.at, merge.mergeId], merge.from);
      yield () => void this.mergeIndex.put([merge.from, merge.at, merge.mergeId], merge.into);
    }
    for (const separation of changes.separations) yield () => void this.separationRecords.put(separation.separationId, separation);
  }

  private checkExpected(changes: IdentityChanges): void {
    for (const { identifier, customerId } of changes.expected ?? []) {
      if ((this.assignments.get([identifier.type, identifier.value]) ?? null) !== customerId) throw new IdentityConflictError({ identifier });
    }
    for (const { customerId, updatedAt } of changes.expectedCustomers ?? []) {
      if ((decodeCustomer(this.customerRecords.get(customerId))?.updatedAt ?? null) !== updatedAt) throw new IdentityConflictError({ customerId });
    }
  }

  scanAssignments(pageSize = DEFAULT_PAGE): AsyncIterable<Assignment[]> {
    return pagesOf(this.assignments.getRange({}), ({ key, value }) => ({ identifier: { type: key[0], value: key[1] }, customerId: value }), pageSize);
  }

  scanCustomers(pageSize = DEFAULT_PAGE): AsyncIterable<StoredCustomer[]> {
    return pagesOf(this.customerRecords.getRange({}), ({ value }) => decodeCustomer(value), pageSize);
  }

  scanMerges(pageSize = DEFAULT_PAGE): AsyncIterable<MergeRecord[]> {
    return pagesOf(this.mergeRecords.getRange({}), ({ value }) => decodeMerge(value), pageSize);
  }

  /**
   * Writes every customer record to `file` as JSON lines, byte for byte as stored (the fields of
   * StoredCustomer, identities included), and returns how many. For a batch stitch, which reads the
   * few fields it needs with the lake engine: decoding 2.7 million records here, identities and all,
   * and encoding them again took 16.7 s; copying their bytes takes 7.
   *
   * The records are read from one snapshot of the store; `onSnapshot` runs once it is taken, before
   * any record is read: what is read after it (the assignments, see exportPreviousState) is at least
   * as new as every record.
   */
  writeCustomerRecords(file: string, onSnapshot: () => void = () => undefined): Promise<number> {
    return this.inFlight.run(async () => {
      const snapshot = this.root.useReadTransaction();
      let fd: number | undefined;
      try {
        fd = openSync(file, 'w');
        onSnapshot();
        const buffer = Buffer.allocUnsafe(WRITE_BUFFER_BYTES);
        let used = 0;
        let count = 0;
        for (const { value } of this.customerBytes.getRange({ transaction: snapshot })) {
          if (used + value.length + 1 > buffer.length) {
            writeSync(fd, buffer, 0, used);
            used = 0;
          }
          if (value.length + 1 > buffer.length) writeSync(fd, Buffer.concat([value, NEWLINE]));
          else {
            used += value.copy(buffer, used);
            buffer[used++] = NEWLINE[0];
          }
          count++;
        }
        writeSync(fd, buffer, 0, used);
        return count;
      } finally {
        if (fd !== undefined) closeSync(fd);
        snapshot.done();
      }
    });
  }

  close(): Promise<void> {
    this.closed ??= this.inFlight.drain().then(() => this.root.close());
    return this.closed;
  }
}

import { open, type Database, type RootDatabase } from 'lmdb';
import { InFlight } from '../in-flight';
import { decodeFeatureValue, encodeFeatureValue, newerThan, type FeatureReadResult, type FeatureRow, type OnlineStore, type StoredFeature, type VersionedValue } from '../online-store.port';
import { assertStorableRows, storableNames } from '../online-store.validation';
import { wholeEntityReadLimit } from '../whole-entity-read';

/** `[entityKey, feature]`: LMDB keeps keys ordered, so one entity's features are one range. */
type FeatureKey = [string, string];
/**
 * `[eventTime, encoded value, version]`, the version left out when 0 (and in stores written before
 * versions existed): an array, so msgpack needs no shared record structures across processes.
 */
type StoredTuple = [number, string] | [number, string, number];

// In LMDB's ordered key encoding array elements are joined by a 0 byte and no name byte is 0xff,
// so [entity, 0xff] sorts after every [entity, feature] and before any other entity.
const AFTER_LAST_FEATURE = new Uint8Array([0xff]);
// Rows per write transaction: one transaction holds the event loop, so huge batches are split.
// Splitting is safe because last-write-wins per key does not depend on the order of commits.
const ROWS_PER_TRANSACTION = 1000;

export interface EmbeddedOnlineStoreOptions {
  /** Wall clock in epoch ms, for erasure times; injectable for tests. */
  now?: () => number;
}

function storedTuple(raw: unknown): VersionedValue | undefined {
  if (!Array.isArray(raw) || typeof raw[0] !== 'number' || typeof raw[1] !== 'string') return undefined;
  return { eventTime: raw[0], encoded: raw[1], version: typeof raw[2] === 'number' ? raw[2] : 0 };
}

function tupleOf(value: VersionedValue): StoredTuple {
  return value.version === 0 ? [value.eventTime, value.encoded] : [value.eventTime, value.encoded, value.version];
}

function storedFeature(raw: unknown): StoredFeature | undefined {
  const tuple = storedTuple(raw);
  return tuple && { eventTime: tuple.eventTime, value: decodeFeatureValue(tuple.encoded) };
}

/**
 * The online store of the embedded profile: one LMDB environment in a folder. LMDB allows many
 * reader processes beside one writer at a time (a file lock), so a job process can write while the
 * API process reads; every write compares against the stored value inside its write transaction,
 * so concurrent writers can never roll a newer value back.
 *
 * Erasure matches Cassandra's partition tombstone: deleteEntities records the time (or the newest
 * stored event time, if later), and later writes whose event time is not after it are ignored, so
 * in-flight or late data cannot resurrect an erased customer. (Cassandra forgets its tombstone after
 * gc_grace_seconds; this store keeps it.)
 */
export class EmbeddedOnlineStore implements OnlineStore {
  private readonly inFlight = new InFlight('embedded online store');
  private closed?: Promise<void>;

  private constructor(
    private readonly root: RootDatabase,
    private readonly features: Database<StoredTuple, FeatureKey>,
    private readonly erasures: Database<number, string>,
    private readonly now: () => number,
  ) {}

  /** Opens (creating if needed) the store whose LMDB files live directly in `dir`. */
  static async open(dir: string, options: EmbeddedOnlineStoreOptions = {}): Promise<EmbeddedOnlineStore> {
    // maxDbs leaves room for other embedded stores to keep named databases in the same environment.
    const root = open(dir, { maxDbs: 32 });
    try {
      const features = root.openDB<StoredTuple, FeatureKey>({ name: 'features', encoding: 'msgpack' });
      const erasures = root.openDB<number, string>({ name: 'erasures', encoding: 'msgpack' });
      return new EmbeddedOnlineStore(root, features, erasures, options.now ?? Date.now);
    } catch (error) {
      await root.close();
      throw error;
    }
  }

  writeBatch(rows: readonly FeatureRow[]): Promise<void> {
    return this.inFlight.run(async () => {
      assertStorableRows(rows);
      for (let start = 0; start < rows.length; start += ROWS_PER_TRANSACTION) {
        const chunk = rows.slice(start, start + ROWS_PER_TRANSACTION);
        await this.features.transaction(() => this.applyInTransaction(chunk));
      }
    });
  }

  /** Runs inside a write transaction: reads see this transaction's own earlier puts. */
  private applyInTransaction(rows: readonly FeatureRow[]): void {
    for (const row of rows) {
      const erasedAt = this.erasures.get(row.entityKey);
      if (erasedAt !== undefined && row.eventTime <= erasedAt) continue;
      for (const [feature, value] of Object.entries(row.features)) {
        const key: FeatureKey = [row.entityKey, feature];
        const candidate: VersionedValue = { eventTime: row.eventTime, version: row.version ?? 0, encoded: encodeFeatureValue(value) };
        if (newerThan(candidate, storedTuple(this.features.get(key)))) this.features.put(key, tupleOf(candidate));
      }
    }
  }

  read(entityKeys: readonly string[], featureNames?: readonly string[]): Promise<FeatureReadResult> {
    return this.inFlight.run(async () => {
      const names = featureNames === undefined ? undefined : storableNames(featureNames);
      const result: FeatureReadResult = new Map();
      // All reads run in this one synchronous turn, hence in one LMDB read snapshot.
      for (const entityKey of storableNames(entityKeys)) {
        const features = names === undefined ? this.readAll(entityKey) : this.readSome(entityKey, names);
        if (features.size > 0) result.set(entityKey, features);
      }
      return result;
    });
  }

  private readAll(entityKey: string): Map<string, StoredFeature> {
    const features = new Map<string, StoredFeature>();
    for (const { key, value } of this.features.getRange({ start: [entityKey], end: [entityKey, AFTER_LAST_FEATURE] })) {
      const stored = storedFeature(value);
      if (stored) features.set(key[1], stored);
    }
    return features;
  }

  private readSome(entityKey: string, names: readonly string[]): Map<string, StoredFeature> {
    const limit = wholeEntityReadLimit(names);
    if (limit !== undefined) {
      const features = this.readSomeByRange(entityKey, names, limit);
      if (features) return features;
    }
    const features = new Map<string, StoredFeature>();
    for (const name of names) {
      const stored = storedFeature(this.features.get([entityKey, name]));
      if (stored) features.set(name, stored);
    }
    return features;
  }

  /**
   * Many names of one entity in one cursor walk over its range (a point read per name encodes a key
   * and descends the tree each time); undefined when the entity is wider than `limit`, and the
   * caller reads point by point.
   */
  private readSomeByRange(entityKey: string, names: readonly string[], limit: number): Map<string, StoredFeature> | undefined {
    const wanted = new Set(names);
    const features = new Map<string, StoredFeature>();
    let visited = 0;
    for (const { key, value } of this.features.getRange({ start: [entityKey], end: [entityKey, AFTER_LAST_FEATURE], limit })) {
      visited += 1;
      if (!wanted.has(key[1])) continue;
      const stored = storedFeature(value);
      if (stored) features.set(key[1], stored);
    }
    return visited < limit ? features : undefined;
  }

  deleteEntities(entityKeys: readonly string[]): Promise<void> {
    return this.inFlight.run(async () => {
      const keys = storableNames(entityKeys);
      if (keys.length === 0) return;
      const now = this.now();
      await this.features.transaction(() => {
        for (const entityKey of keys) {
          // Collected first: removing entries while a cursor walks them is not safe in LMDB.
          const stored = [...this.features.getRange({ start: [entityKey], end: [entityKey, AFTER_LAST_FEATURE] })];
          for (const { key } of stored) this.features.remove(key);
          // Later than now if a value was stamped in the future (skewed clocks), like Cassandra's tombstone.
          const newest = stored.reduce((latest, { value }) => Math.max(latest, storedTuple(value)?.eventTime ?? latest), now);
          this.erasures.put(entityKey, Math.max(this.erasures.get(entityKey) ?? newest, newest));
        }
      });
    });
  }

  close(): Promise<void> {
    this.closed ??= this.inFlight.drain().then(() => this.root.close());
    return this.closed;
  }
}

import { types, type Client } from 'cassandra-driver';
import { InFlight } from '../in-flight';
import { decodeFeatureValue, encodeFeatureValue, type FeatureReadResult, type FeatureRow, type OnlineStore, type StoredFeature } from '../online-store.port';
import { assertStorableRows, storableNames } from '../online-store.validation';
import { wholeEntityReadLimit } from '../whole-entity-read';
import { CONSISTENCY, type CassandraConfig, type CassandraStoreOptions } from './cassandra-client';
import { CASSANDRA_MIGRATIONS } from './cassandra-migrations';
import { mapBounded } from './map-bounded';
import { connectMigrated } from './connect-migrated';
import { sendPacked } from './send-packed';
import { CELL_OVERHEAD_BYTES, packByReplicas, PARTITION_OVERHEAD_BYTES, replicaSetOf, writeBatchLimits, type BatchLimits } from './replica-batches';

// Statements per unlogged batch of one partition, which Cassandra applies as one mutation and
// exempts from its batch size warnings; the cap keeps each mutation moderate.
const STATEMENTS_PER_BATCH = 100;
// Whole partitions read per request (IN on the partition key): the driver's per-request work, not
// Cassandra, bounds a client reading many small partitions one request each.
const PARTITIONS_PER_READ = 32;
// Rows per page when an entity has very many features; paging is transparent to read().
const FETCH_SIZE = 1000;

interface Statements {
  write: string;
  readAll: string;
  readAllOfMany: string;
  readSome: string;
  readLimited: string;
  erase: string;
  writeTimes: string;
}

function statementsFor(keyspace: string): Statements {
  const table = `${keyspace}.features`;
  return {
    // UPDATE writes just the value cell (no row marker), so a row exists exactly while it has a
    // value. The explicit timestamp makes Cassandra's reconciliation the last-write-wins rule and
    // makes the write idempotent, hence safe to retry.
    write: `UPDATE ${table} USING TIMESTAMP ? SET value = ? WHERE entity_key = ? AND feature = ?`,
    readAll: `SELECT feature, value, WRITETIME(value) AS written_at FROM ${table} WHERE entity_key = ?`,
    readAllOfMany: `SELECT entity_key, feature, value, WRITETIME(value) AS written_at FROM ${table} WHERE entity_key IN ?`,
    readSome: `SELECT feature, value, WRITETIME(value) AS written_at FROM ${table} WHERE entity_key = ? AND feature IN ?`,
    readLimited: `SELECT feature, value, WRITETIME(value) AS written_at FROM ${table} WHERE entity_key = ? LIMIT ?`,
    erase: `DELETE FROM ${table} USING TIMESTAMP ? WHERE entity_key = ?`,
    writeTimes: `SELECT WRITETIME(value) AS written_at FROM ${table} WHERE entity_key = ?`,
  };
}

/**
 * Event time in epoch ms → Cassandra write timestamp in µs, the write version (< 1000) as its
 * sub-millisecond part: cell reconciliation then orders by event time, then version, then value,
 * the port's rule, and reads recover the event time by dropping the microseconds.
 */
function micros(eventTimeMs: number, version = 0): types.Long {
  return types.Long.fromNumber(eventTimeMs).multiply(1000).add(version);
}

function storedFeature(row: types.Row): [string, StoredFeature] | undefined {
  const feature: unknown = row.get('feature');
  const value: unknown = row.get('value');
  const writtenAt: unknown = row.get('written_at');
  if (typeof feature !== 'string' || typeof value !== 'string' || !(writtenAt instanceof types.Long)) return undefined;
  // Write timestamps (µs, under 2^53) are exact as numbers; dropping the sub-millisecond version
  // this way stays exact, and is much cheaper than Long arithmetic on every cell read.
  const micros = writtenAt.toNumber();
  return [feature, { value: decodeFeatureValue(value), eventTime: (micros - (micros % 1000)) / 1000 }];
}

/** One entity's cells to write: [timestamp, value, entity key, feature] per cell, and the estimated data size. */
interface PartitionWrite {
  entityKey: string;
  params: unknown[][];
  bytes: number;
  statements: number;
}

function featuresOf(rows: readonly types.Row[], wanted?: ReadonlySet<string>): Map<string, StoredFeature> {
  const features = new Map<string, StoredFeature>();
  for (const row of rows) {
    const stored = storedFeature(row);
    if (stored && (wanted === undefined || wanted.has(stored[0]))) features.set(stored[0], stored[1]);
  }
  return features;
}

/**
 * The production online store (Feast's Cassandra store, without its read-before-write): one
 * partition per entity, one cell per feature written with the event time as its timestamp, so a late
 * batch never overwrites a newer streamed value, whichever lands last, with no coordination.
 *
 * deleteEntities writes a partition tombstone stamped with the erasure time (or the newest stored
 * event time, if later), so data with older event times written afterwards stays invisible (until
 * gc_grace_seconds, 10 days by default, purges the tombstone).
 */
export class CassandraOnlineStore implements OnlineStore {
  private readonly inFlight = new InFlight('cassandra online store');
  private closed?: Promise<void>;

  private constructor(
    private readonly client: Client,
    private readonly statements: Statements,
    private readonly keyspace: string,
    private readonly settings: { concurrency: number; read: types.consistencies; write: types.consistencies; now: () => number; batch: BatchLimits },
  ) {}

  /** Connects, creates the keyspace if needed and applies pending schema migrations. */
  static async connect(config: CassandraConfig, options: CassandraStoreOptions = {}): Promise<CassandraOnlineStore> {
    const client = await connectMigrated(config, CASSANDRA_MIGRATIONS, options);
    return new CassandraOnlineStore(client, statementsFor(config.keyspace), config.keyspace, {
      concurrency: options.concurrency ?? 64,
      read: CONSISTENCY[options.readConsistency ?? 'LOCAL_QUORUM'],
      write: CONSISTENCY[options.writeConsistency ?? 'LOCAL_QUORUM'],
      now: options.now ?? Date.now,
      batch: writeBatchLimits(options, STATEMENTS_PER_BATCH),
    });
  }

  /**
   * Small partitions share requests: unlogged batches of partitions with the same replicas, each
   * partition's cells together (Cassandra applies one partition's part of a batch atomically), so
   * a few thousand customers cost a few hundred requests. A partition too large to share goes in
   * its own batches, its first cells first, as before.
   */
  writeBatch(rows: readonly FeatureRow[]): Promise<void> {
    return this.inFlight.run(async () => {
      assertStorableRows(rows);
      const byEntity = new Map<string, PartitionWrite>();
      for (const row of rows) {
        let partition = byEntity.get(row.entityKey);
        for (const [feature, value] of Object.entries(row.features)) {
          const encoded = encodeFeatureValue(value);
          if (!partition) byEntity.set(row.entityKey, (partition = { entityKey: row.entityKey, params: [], bytes: PARTITION_OVERHEAD_BYTES + Buffer.byteLength(row.entityKey), statements: 0 }));
          partition.params.push([micros(row.eventTime, row.version), encoded, row.entityKey, feature]);
          partition.bytes += Buffer.byteLength(feature) + Buffer.byteLength(encoded) + CELL_OVERHEAD_BYTES;
          partition.statements += 1;
        }
      }
      const requests = packByReplicas([...byEntity.values()], (partition) => this.replicasOf(partition.entityKey), this.settings.batch);
      const send = { consistency: this.settings.write, statementsPerBatch: this.settings.batch.statements };
      await mapBounded(requests, this.settings.concurrency, (partitions) =>
        sendPacked(this.client, partitions.flatMap((partition) => partition.params.map((params) => ({ query: this.statements.write, params }))), send),
      );
    });
  }

  /** The replica set holding an entity's partition (its key is one text column: the routing key is its bytes). */
  private replicasOf(entityKey: string): string {
    return replicaSetOf(this.client, this.keyspace, Buffer.from(entityKey, 'utf8'));
  }

  read(entityKeys: readonly string[], featureNames?: readonly string[]): Promise<FeatureReadResult> {
    return this.inFlight.run(async () => {
      const names = featureNames === undefined ? undefined : storableNames(featureNames);
      const result: FeatureReadResult = new Map();
      if (names?.length === 0) return result;
      const keys = storableNames(entityKeys);
      if (names === undefined && keys.length > 1) return this.readWholePartitions(keys);
      const partitions = await mapBounded(keys, this.settings.concurrency, (entityKey) => this.readPartition(entityKey, names));
      keys.forEach((entityKey, index) => {
        if (partitions[index].size > 0) result.set(entityKey, partitions[index]);
      });
      return result;
    });
  }

  /** Whole partitions of many entities, a few dozen per request, each request to one replica set. */
  private async readWholePartitions(keys: readonly string[]): Promise<FeatureReadResult> {
    const unique = [...new Set(keys)].map((entityKey) => ({ entityKey, bytes: 0, statements: 0 }));
    const requests = packByReplicas(unique, (partition) => this.replicasOf(partition.entityKey), { partitions: PARTITIONS_PER_READ, bytes: Number.POSITIVE_INFINITY, statements: Number.POSITIVE_INFINITY });
    const pages = await mapBounded(requests, this.settings.concurrency, (partitions) => this.rowsOf(this.statements.readAllOfMany, [partitions.map((partition) => partition.entityKey)]));
    const result: FeatureReadResult = new Map();
    for (const rows of pages) {
      for (const row of rows) {
        const entityKey: unknown = row.get('entity_key');
        const stored = storedFeature(row);
        if (typeof entityKey !== 'string' || !stored) continue;
        let features = result.get(entityKey);
        if (!features) result.set(entityKey, (features = new Map()));
        features.set(stored[0], stored[1]);
      }
    }
    return result;
  }

  private async readPartition(entityKey: string, names: readonly string[] | undefined): Promise<Map<string, StoredFeature>> {
    if (names === undefined) return featuresOf(await this.rowsOf(this.statements.readAll, [entityKey]));
    // Many names: the partition's first rows in one slice, unless it is much wider than asked.
    const limit = wholeEntityReadLimit(names);
    if (limit !== undefined) {
      const rows = await this.rowsOf(this.statements.readLimited, [entityKey, limit]);
      if (rows.length < limit) return featuresOf(rows, new Set(names));
    }
    return featuresOf(await this.rowsOf(this.statements.readSome, [entityKey, names]));
  }

  private async rowsOf(query: string, params: unknown[]): Promise<types.Row[]> {
    const result = await this.client.execute(query, params, { prepare: true, isIdempotent: true, consistency: this.settings.read, fetchSize: FETCH_SIZE });
    // One page (nearly always): no async iteration per row. Otherwise it fetches the further pages.
    if (!result.pageState) return result.rows;
    const rows: types.Row[] = [];
    for await (const row of result) rows.push(row);
    return rows;
  }

  deleteEntities(entityKeys: readonly string[]): Promise<void> {
    return this.inFlight.run(async () => {
      const erasedAt = micros(this.settings.now());
      await mapBounded(storableNames(entityKeys), this.settings.concurrency, (entityKey) => this.erase(entityKey, erasedAt));
    });
  }

  private async erase(entityKey: string, erasedAt: types.Long): Promise<void> {
    // The tombstone must cover every stored cell, including ones stamped in the future by a skewed
    // client clock, so it is stamped at the later of now and the newest write. Stamped at the end of
    // that millisecond (version 999; a tombstone wins a timestamp tie), it hides every write with an
    // event time up to and including it, whatever its version, exactly as the embedded store does.
    let timestamp = erasedAt;
    const written = await this.client.execute(this.statements.writeTimes, [entityKey], { prepare: true, isIdempotent: true, consistency: this.settings.read, fetchSize: FETCH_SIZE });
    for await (const row of written) {
      const writtenAt: unknown = row.get('written_at');
      if (writtenAt instanceof types.Long && writtenAt.greaterThan(timestamp)) timestamp = writtenAt;
    }
    timestamp = timestamp.divide(1000).multiply(1000).add(999);
    await this.client.execute(this.statements.erase, [timestamp, entityKey], { prepare: true, isIdempotent: true, consistency: this.settings.write });
  }

  close(): Promise<void> {
    this.closed ??= this.inFlight.drain().then(() => this.client.shutdown());
    return this.closed;
  }
}

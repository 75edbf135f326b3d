import type { Client, types } from 'cassandra-driver';
import { mapBounded } from '../../store/cassandra/map-bounded';
import { packByReplicas, replicaSetOf, textRoutingKey, type BatchLimits } from '../../store/cassandra/replica-batches';
import { sendPacked } from '../../store/cassandra/send-packed';
import type { RowWrite } from './identity-row-writes';

/** One partition's rows of a phase. */
interface PartitionWrites {
  routingKey: Buffer;
  rows: RowWrite[];
  bytes: number;
  statements: number;
}

export interface BatchedWriteSettings {
  keyspace: string;
  limits: BatchLimits;
  concurrency: number;
  consistency: types.consistencies;
  /** The write time of every cell, in microseconds (see CassandraIdentityStore.apply); the client's clock without it. */
  timestamp?: number;
  /** Runs before each request; throwing stops the requests not sent yet (HeldLease.assertHeld). */
  beforeEach?: () => void;
}

/**
 * Writes distinct rows (one phase of a change, see identityRowWrites) in as few requests as
 * Cassandra takes without a warning: unlogged batches of partitions with the same replicas, within
 * the limits (a partition's rows together, applied atomically); a row alone goes as a plain
 * statement. Every statement is a whole-row overwrite or delete, so a batch is idempotent and is
 * retried like one statement.
 */
export async function writeInReplicaBatches(client: Client, rows: readonly RowWrite[], settings: BatchedWriteSettings): Promise<void> {
  const partitions = new Map<string, PartitionWrites>();
  for (const row of rows) {
    const key = `${row.table}\u0000${JSON.stringify(row.partitionKey)}`;
    let partition = partitions.get(key);
    if (!partition) partitions.set(key, (partition = { routingKey: textRoutingKey(row.partitionKey), rows: [], bytes: 0, statements: 0 }));
    partition.rows.push(row);
    partition.bytes += row.bytes;
    partition.statements += 1;
  }
  const requests = packByReplicas([...partitions.values()], (partition) => replicaSetOf(client, settings.keyspace, partition.routingKey), settings.limits);
  const send = { consistency: settings.consistency, statementsPerBatch: settings.limits.statements, timestamp: settings.timestamp, beforeEach: settings.beforeEach };
  await mapBounded(requests, settings.concurrency, (request) =>
    sendPacked(client, request.flatMap((partition) => partition.rows.map(({ query, params }) => ({ query, params: [...params] }))), send),
  );
}

/** How much one multi-partition request may carry. */
export interface BatchLimits {
  /** Partitions per request; 1 sends every partition on its own. */
  partitions: number;
  /** Estimated data bytes per request, summed over its partitions. */
  bytes: number;
  /** Statements per request. */
  statements: number;
}

/** One partition's share of a request: its estimated size, for packing. */
export interface PartitionLoad {
  bytes: number;
  statements: number;
}

/**
 * Packs partitions into requests of several partitions each, never mixing partitions whose
 * replicas differ (`replicasOf` names a partition's replica set), so the coordinator a
 * token-aware client picks for a request is a replica of every partition in it and forwards
 * nothing it could not apply itself. Partitions keep their input order within a replica set; a
 * partition that alone exceeds a limit travels alone (a single-partition request, which Cassandra
 * exempts from its multi-partition batch limits).
 */
export function packByReplicas<T extends PartitionLoad>(partitions: readonly T[], replicasOf: (partition: T) => string, limits: BatchLimits): T[][] {
  if (limits.partitions <= 1) return partitions.map((partition) => [partition]);
  const requests: T[][] = [];
  const open = new Map<string, { members: T[]; bytes: number; statements: number }>();
  for (const partition of partitions) {
    if (partition.bytes > limits.bytes || partition.statements > limits.statements) {
      requests.push([partition]);
      continue;
    }
    const replicas = replicasOf(partition);
    let current = open.get(replicas);
    if (current && (current.members.length >= limits.partitions || current.bytes + partition.bytes > limits.bytes || current.statements + partition.statements > limits.statements)) {
      requests.push(current.members);
      current = undefined;
    }
    if (!current) open.set(replicas, (current = { members: [], bytes: 0, statements: 0 }));
    current.members.push(partition);
    current.bytes += partition.bytes;
    current.statements += partition.statements;
  }
  for (const { members } of open.values()) requests.push(members);
  return requests;
}

// Cassandra's defaults for multi-partition batches: a warning past 10 partitions
// (unlogged_batch_across_partitions_warn_threshold) and past 5 KiB of data (batch_size_warn_threshold),
// a refusal past 50 KiB. The byte budget stays under the warning with room for the estimate's error.
export const WARNING_FREE_PARTITIONS_PER_BATCH = 10;
export const WARNING_FREE_BATCH_BYTES = 4096;
// What Cassandra counts beyond names and values, measured on 5.0 (about 41 bytes a cell, 29 a
// partition), rounded up; callers count the key on top, for margin.
export const CELL_OVERHEAD_BYTES = 48;
export const PARTITION_OVERHEAD_BYTES = 32;

/** Multi-partition write limits from a store's options, Cassandra's warning thresholds by default. */
export function writeBatchLimits(options: { partitionsPerBatch?: number; batchBytes?: number }, statements: number): BatchLimits {
  return {
    partitions: Math.max(1, options.partitionsPerBatch ?? WARNING_FREE_PARTITIONS_PER_BATCH),
    bytes: options.batchBytes ?? WARNING_FREE_BATCH_BYTES,
    statements,
  };
}

/**
 * A partition key as the driver serializes it for token-aware routing: a single text column is its
 * UTF-8 bytes; a composite key is each column as a 2-byte length, the bytes and a 0 byte.
 */
export function textRoutingKey(columns: readonly string[]): Buffer {
  if (columns.length === 1) return Buffer.from(columns[0], 'utf8');
  return Buffer.concat(
    columns.flatMap((column) => {
      const bytes = Buffer.from(column, 'utf8');
      const length = Buffer.alloc(2);
      length.writeUInt16BE(bytes.length);
      return [length, bytes, Buffer.alloc(1)];
    }),
  );
}

/** What finds a partition's replicas: the driver's Client. */
export interface ReplicaLocator {
  getReplicas(keyspace: string, token: Buffer): ReadonlyArray<{ address: string }> | null | undefined;
}

/** The replica set holding a partition, as packByReplicas groups by it ('' when the driver has no token map yet: one group). */
export function replicaSetOf(locator: ReplicaLocator, keyspace: string, routingKey: Buffer): string {
  const replicas = locator.getReplicas(keyspace, routingKey);
  if (!replicas || replicas.length === 0) return '';
  return replicas.length === 1 ? replicas[0].address : replicas.map((host) => host.address).sort().join(',');
}

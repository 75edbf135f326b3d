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

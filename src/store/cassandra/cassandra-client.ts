import { Client, policies, types } from 'cassandra-driver';
import type { AppConfig } from '../../config/app-config';
import { silentLogger, type Logger } from '../../shared/logger.port';
import { IdempotentRetryPolicy } from './idempotent-retry-policy';

export type CassandraConfig = AppConfig['cassandra'];

/** How a keyspace is replicated when the adapter has to create it (an existing one is left alone). */
export type KeyspaceReplication =
  | { class: 'SimpleStrategy'; replicationFactor: number }
  | { class: 'NetworkTopologyStrategy'; dataCenters: Readonly<Record<string, number>> };

export type ConsistencyName = 'ONE' | 'LOCAL_ONE' | 'QUORUM' | 'LOCAL_QUORUM' | 'EACH_QUORUM' | 'ALL';

export interface CassandraStoreOptions {
  /** Used only when creating the keyspace; default SimpleStrategy with replication factor 1. */
  replication?: KeyspaceReplication;
  /** Default LOCAL_QUORUM for both: with RF 3 a read then sees every acknowledged write. */
  readConsistency?: ConsistencyName;
  writeConsistency?: ConsistencyName;
  /** Requests in flight at once per call; default 64. */
  concurrency?: number;
  /**
   * Partitions one write request may carry (an unlogged batch of partitions with the same
   * replicas); default 10, Cassandra's unlogged_batch_across_partitions_warn_threshold. 1 sends
   * each partition on its own.
   */
  partitionsPerBatch?: number;
  /** Estimated data bytes of one multi-partition write; default 4,096, under Cassandra's 5 KiB batch_size_warn_threshold. */
  batchBytes?: number;
  /** Per-request timeout for reads and writes in ms; default 5,000. */
  requestTimeoutMs?: number;
  /** TCP connect timeout in ms; default 5,000. */
  connectTimeoutMs?: number;
  /** How long schema changes and a migration held by another process may take, in ms; default 120,000. */
  schemaTimeoutMs?: number;
  /** Receives the driver's warnings and errors. */
  logger?: Logger;
  /** Wall clock in epoch ms, for erasure timestamps; injectable for tests. */
  now?: () => number;
}

export const CONSISTENCY: Record<ConsistencyName, types.consistencies> = {
  ONE: types.consistencies.one,
  LOCAL_ONE: types.consistencies.localOne,
  QUORUM: types.consistencies.quorum,
  LOCAL_QUORUM: types.consistencies.localQuorum,
  EACH_QUORUM: types.consistencies.eachQuorum,
  ALL: types.consistencies.all,
};

/**
 * A driver client for the store: token-aware routing to a replica of each entity's partition in the
 * local data center, retries only where safe, bounded timeouts. No keyspace is bound: statements
 * name their keyspace, so the same client can create it, and prepared statements still carry the
 * keyspace the token-aware policy needs to find replicas.
 */
export function createCassandraClient(config: CassandraConfig, options: CassandraStoreOptions = {}): Client {
  const client = new Client({
    contactPoints: [...config.contactPoints],
    localDataCenter: config.localDataCenter,
    policies: {
      loadBalancing: new policies.loadBalancing.TokenAwarePolicy(new policies.loadBalancing.DCAwareRoundRobinPolicy(config.localDataCenter)),
      retry: new IdempotentRetryPolicy(),
    },
    socketOptions: {
      connectTimeout: options.connectTimeoutMs ?? 5_000,
      readTimeout: options.requestTimeoutMs ?? 5_000,
      keepAlive: true,
      tcpNoDelay: true,
    },
    // Statements are non-idempotent unless a call says otherwise, so nothing is retried by accident.
    queryOptions: { prepare: true, isIdempotent: false, consistency: CONSISTENCY[options.readConsistency ?? 'LOCAL_QUORUM'] },
    protocolOptions: { maxSchemaAgreementWaitSeconds: 30 },
  });
  const logger = options.logger ?? silentLogger;
  client.on('log', (level: string, className: string, message: string) => {
    if (level === 'warning') logger.warn(`cassandra driver: ${message}`, { component: className });
    if (level === 'error') logger.error(`cassandra driver: ${message}`, { component: className });
  });
  return client;
}

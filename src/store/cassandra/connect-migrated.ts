import type { Client } from 'cassandra-driver';
import { createCassandraClient, type CassandraConfig, type CassandraStoreOptions } from './cassandra-client';
import type { CassandraMigration } from './cassandra-migrations';
import { assertKeyspaceName, migrate } from './migrate';

/**
 * A connected client whose keyspace exists and carries every given migration: how each Cassandra
 * adapter (online store, identity store, segment repository) starts. The client is shut down if
 * any step fails, so a failed start leaves no connections behind.
 */
export async function connectMigrated(config: CassandraConfig, migrations: readonly CassandraMigration[], options: CassandraStoreOptions = {}): Promise<Client> {
  assertKeyspaceName(config.keyspace);
  const client = createCassandraClient(config, options);
  try {
    await client.connect();
    await migrate(client, config.keyspace, migrations, {
      replication: options.replication ?? { class: 'SimpleStrategy', replicationFactor: 1 },
      localDataCenter: config.localDataCenter,
      schemaTimeoutMs: options.schemaTimeoutMs ?? 120_000,
    });
  } catch (error) {
    await client.shutdown();
    throw error;
  }
  return client;
}

import { randomBytes } from 'node:crypto';
import { createCassandraClient, type CassandraConfig } from '../../../src/store/cassandra/cassandra-client';
import { SERVICE_ADDRESSES } from '../../support/services';

/** The services script's Cassandra, with a keyspace no other run uses. */
export function testCassandraConfig(label = 'test'): CassandraConfig {
  const { host, port } = SERVICE_ADDRESSES.cassandra;
  return { contactPoints: [`${host}:${port}`], localDataCenter: process.env.C360_CASSANDRA_LOCAL_DC ?? 'datacenter1', keyspace: `c360_${label}_${randomBytes(5).toString('hex')}` };
}

/** Drops the test keyspaces (schema changes are slow on a busy node, hence the long timeout). */
export async function dropKeyspaces(config: CassandraConfig, keyspaces: readonly string[]): Promise<void> {
  const client = createCassandraClient(config);
  try {
    for (const keyspace of keyspaces) await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`, [], { prepare: false, readTimeout: 120_000 });
  } finally {
    await client.shutdown();
  }
}

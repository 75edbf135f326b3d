import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load-config';
import { CassandraIdentityStore } from '../../src/identity/cassandra/cassandra-identity-store';
import { EmbeddedIdentityStore } from '../../src/identity/embedded/embedded-identity-store';
import { openIdentityStore } from '../../src/identity/open-identity-store';
import { createCassandraClient } from '../../src/store/cassandra/cassandra-client';
import { requireService } from '../support/services';
import { dropKeyspaces, testCassandraConfig } from '../store/support/cassandra-test-keyspace';

describe('openIdentityStore', async () => {
  it('opens the embedded identity store beside the embedded online store by default', async () => {
    const home = await mkdtemp(join(tmpdir(), 'c360-home-'));
    const config = loadConfig({ C360_HOME: home });
    const store = await openIdentityStore(config);
    try {
      assert.ok(store instanceof EmbeddedIdentityStore);
      assert.ok(existsSync(join(config.storeDir, 'identity')));
    } finally {
      await store.close();
      await rm(home, { recursive: true, force: true });
    }
  });

  it('connects to the configured Cassandra keyspace and migrates it', await requireService('cassandra'), async () => {
    const { contactPoints, localDataCenter, keyspace } = testCassandraConfig('open_identity');
    const config = loadConfig({ C360_ONLINE_STORE: 'cassandra', C360_CASSANDRA_CONTACT_POINTS: contactPoints.join(','), C360_CASSANDRA_LOCAL_DC: localDataCenter, C360_CASSANDRA_KEYSPACE: keyspace });
    const store = await openIdentityStore(config);
    const client = createCassandraClient(config.cassandra);
    try {
      assert.ok(store instanceof CassandraIdentityStore);
      const tables = await client.execute('SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?', [keyspace], { prepare: true });
      assert.ok(tables.rows.some((row) => row.get('table_name') === 'identity_assignments'));
    } finally {
      await client.shutdown();
      await store.close();
      await dropKeyspaces(config.cassandra, [keyspace]);
    }
  });
});

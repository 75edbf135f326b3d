import { strict as assert } from 'node:assert';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load-config';
import { CassandraOnlineStore } from '../../src/store/cassandra/cassandra-online-store';
import { EmbeddedOnlineStore } from '../../src/store/embedded/embedded-online-store';
import { openOnlineStore } from '../../src/store/open-online-store';
import { requireService } from '../support/services';
import { dropKeyspaces, testCassandraConfig } from './support/cassandra-test-keyspace';

describe('openOnlineStore', async () => {
  it('opens the embedded store under the configured home by default', async () => {
    const home = await mkdtemp(join(tmpdir(), 'c360-home-'));
    const store = await openOnlineStore(loadConfig({ C360_HOME: home }));
    try {
      assert.ok(store instanceof EmbeddedOnlineStore);
      await store.writeBatch([{ entityKey: 'c1', eventTime: 1, features: { a: 1 } }]);
      assert.equal((await store.read(['c1'])).get('c1')?.get('a')?.value, 1);
    } finally {
      await store.close();
      await rm(home, { recursive: true, force: true });
    }
  });

  it('connects to Cassandra when the configuration selects it', await requireService('cassandra'), async () => {
    const { contactPoints, localDataCenter, keyspace } = testCassandraConfig('open');
    const config = loadConfig({ C360_ONLINE_STORE: 'cassandra', C360_CASSANDRA_CONTACT_POINTS: contactPoints.join(','), C360_CASSANDRA_LOCAL_DC: localDataCenter, C360_CASSANDRA_KEYSPACE: keyspace });
    const store = await openOnlineStore(config);
    try {
      assert.ok(store instanceof CassandraOnlineStore);
    } finally {
      await store.close();
      await dropKeyspaces(config.cassandra, [keyspace]);
    }
  });
});

import { after, describe } from 'node:test';
import { CassandraIdentityStore } from '../../../src/identity/cassandra/cassandra-identity-store';
import type { IdentityStore } from '../../../src/identity/identity-store.port';
import { requireService } from '../../support/services';
import { dropKeyspaces, testCassandraConfig } from '../../store/support/cassandra-test-keyspace';
import { describeIdentityStoreContract } from './identity-store.contract';

describe('cassandra identity store', async () => {
  describe('against the real server', await requireService('cassandra'), () => {
    // One keyspace for the run; the contract keeps tests apart with unique ids.
    const config = testCassandraConfig('identity');
    after(() => dropKeyspaces(config, [config.keyspace]));

    describeIdentityStoreContract('cassandra', async () => {
      const opened: IdentityStore[] = [];
      const reopen = async () => {
        const store = await CassandraIdentityStore.connect(config);
        opened.push(store);
        return store;
      };
      const store = await reopen();
      return { store, reopen, cleanup: async () => void (await Promise.all(opened.map((each) => each.close()))) };
    });
  });
});

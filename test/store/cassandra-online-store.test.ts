import { after, describe } from 'node:test';
import { CassandraOnlineStore } from '../../src/store/cassandra/cassandra-online-store';
import type { OnlineStore } from '../../src/store/online-store.port';
import { requireService } from '../support/services';
import { describeOnlineStoreContract } from './online-store.contract';
import { dropKeyspaces, testCassandraConfig } from './support/cassandra-test-keyspace';

describe('cassandra online store', async () => {
  describe('against the real server', await requireService('cassandra'), () => {
    // One keyspace for the run; the contract keeps tests apart with unique entity keys.
    const config = testCassandraConfig();
    after(() => dropKeyspaces(config, [config.keyspace]));

    describeOnlineStoreContract('cassandra', async () => {
      const opened: OnlineStore[] = [];
      const reopen = async () => {
        const store = await CassandraOnlineStore.connect(config);
        opened.push(store);
        return store;
      };
      const store = await reopen();
      return { store, reopen, cleanup: async () => void (await Promise.all(opened.map((each) => each.close()))) };
    });
  });
});

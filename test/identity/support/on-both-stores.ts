import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe } from 'node:test';
import type { CassandraConfig } from '../../../src/store/cassandra/cassandra-client';
import { CassandraIdentityStore } from '../../../src/identity/cassandra/cassandra-identity-store';
import { EmbeddedIdentityStore } from '../../../src/identity/embedded/embedded-identity-store';
import type { IdentityStore } from '../../../src/identity/identity-store.port';
import { requireService } from '../../support/services';
import { dropKeyspaces, testCassandraConfig } from '../../store/support/cassandra-test-keyspace';

/** A store of its own for one case, and how to put it away. */
export type OpenStore = () => Promise<{ store: IdentityStore; close(): Promise<void> }>;

/** Runs `work` on a store `open` gives, and puts the store and the lake away afterwards. */
export async function withOpenStore(open: OpenStore, lake: { close(): Promise<void> }, work: (store: IdentityStore) => Promise<void>): Promise<void> {
  const { store, close } = await open();
  try {
    await work(store);
  } finally {
    await close();
    await lake.close();
  }
}

/**
 * Declares the same cases on the embedded store and, against the real server, on the Cassandra
 * store, each case on a store of its own (a directory, a keyspace named after `name`): the checks
 * read the whole store. `cassandraOnly` declares cases of the Cassandra store alone, with a
 * keyspace of their own from `keyspace`.
 */
export function onBothStores(name: string, declare: (storeName: string, open: OpenStore) => void, cassandraOnly?: (keyspace: (suffix: string) => CassandraConfig) => void): void {
  declare('embedded store', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), `c360-${name}-`));
    const store = await EmbeddedIdentityStore.open(dir);
    return {
      store,
      close: async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  });

  describe('cassandra store', async () => {
    describe('against the real server', await requireService('cassandra'), () => {
      const keyspaces: string[] = [];
      after(() => dropKeyspaces(testCassandraConfig(), keyspaces));
      const keyspace = (suffix: string) => {
        const config = testCassandraConfig(suffix);
        keyspaces.push(config.keyspace);
        return config;
      };
      declare('cassandra store', async () => {
        const store = await CassandraIdentityStore.connect(keyspace(name));
        return { store, close: () => store.close() };
      });
      cassandraOnly?.(keyspace);
    });
  });
}

import * as path from 'node:path';
import type { AppConfig } from '../config/app-config';
import type { Logger } from '../shared/logger.port';
import { CassandraIdentityStore } from './cassandra/cassandra-identity-store';
import { EmbeddedIdentityStore } from './embedded/embedded-identity-store';
import type { IdentityStore } from './identity-store.port';

export interface IdentityStoreOptions {
  logger?: Logger;
  /** Cassandra requests in flight per call (the stream's consumers raise it); the embedded store ignores it. */
  concurrency?: number;
}

/**
 * The identity store the configuration selects, beside the online store: `<storeDir>/identity`
 * (LMDB) or the Cassandra keyspace. The one place that choice is made, for the CLI, the daily job,
 * the API and the stream consumers alike.
 */
export async function openIdentityStore(config: AppConfig, options: IdentityStoreOptions = {}): Promise<IdentityStore> {
  switch (config.adapters.store) {
    case 'embedded':
      return EmbeddedIdentityStore.open(path.join(config.storeDir, 'identity'));
    case 'cassandra':
      return CassandraIdentityStore.connect(config.cassandra, { logger: options.logger, concurrency: options.concurrency });
  }
}

import path from 'node:path';
import type { AppConfig } from '../../config/app-config';
import { CassandraIdentityStore } from '../../identity/cassandra/cassandra-identity-store';
import { EmbeddedIdentityStore } from '../../identity/embedded/embedded-identity-store';
import type { IdentityStore } from '../../identity/identity-store.port';
import { IncrementalStitcher } from '../../identity/incremental/incremental-stitcher';
import { CompiledRules } from '../../identity/rules/identity-rules';
import type { Logger } from '../../shared/logger.port';
import { StitchedStreamIdentity } from './stitched-stream-identity';
import type { StreamIdentity } from './stream-identity.port';

export interface OpenedStreamIdentity {
  identity: StreamIdentity;
  /** The identity store it reads and writes. */
  store: IdentityStore;
  /** Releases the identity store. */
  close(): Promise<void>;
}

/** The identity store the configuration selects, beside the online store (same folder or keyspace). */
async function openStore(config: AppConfig, logger: Logger, concurrency: number): Promise<IdentityStore> {
  if (config.adapters.store === 'cassandra') return CassandraIdentityStore.connect(config.cassandra, { logger, concurrency });
  return EmbeddedIdentityStore.open(path.join(config.storeDir, 'identity'));
}

/** The stream's identity on the configured identity store and the configured stitching rules. */
export async function openStreamIdentity(config: AppConfig, logger: Logger, options: { cassandraConcurrency?: number } = {}): Promise<OpenedStreamIdentity> {
  const store = await openStore(config, logger, options.cassandraConcurrency ?? 64);
  const stitcher = new IncrementalStitcher(store, new CompiledRules(config.identity), { via: 'stream' });
  return { identity: new StitchedStreamIdentity(stitcher), store, close: () => store.close() };
}

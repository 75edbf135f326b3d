import type { AppConfig } from '../../config/app-config';
import type { IdentityStore } from '../../identity/identity-store.port';
import { IncrementalStitcher } from '../../identity/incremental/incremental-stitcher';
import { openIdentityStore } from '../../identity/open-identity-store';
import { CompiledRules } from '../../identity/rules/identity-rules';
import type { Logger } from '../../shared/logger.port';
import { AssignmentCache } from './assignment-cache';
import { StitchedStreamIdentity } from './stitched-stream-identity';
import type { StreamIdentity } from './stream-identity.port';

export interface OpenedStreamIdentity {
  identity: StreamIdentity;
  /** The identity store it reads and writes. */
  store: IdentityStore;
  /** Releases the identity store. */
  close(): Promise<void>;
}

export interface StreamIdentityOptions {
  cassandraConcurrency?: number;
  /**
   * Resolve an event whose identifiers all belong to one customer by what this stitching read or
   * wrote this recently without reading them again (see StitchedStreamIdentity); 0 (the default)
   * reads every batch's. Only for a stitching that resolves batches one at a time, as the
   * consumers' projector does.
   */
  assignmentCacheMs?: number;
}

// Identifiers remembered by the assignment cache: two per active customer, a few hundred bytes each.
const ASSIGNMENT_CACHE_CAPACITY = 400_000;

/** The stream's identity on the configured identity store and the configured stitching rules. */
export async function openStreamIdentity(config: AppConfig, logger: Logger, options: StreamIdentityOptions = {}): Promise<OpenedStreamIdentity> {
  const store = await openIdentityStore(config, { logger, concurrency: options.cassandraConcurrency ?? 64 });
  const stitcher = new IncrementalStitcher(store, new CompiledRules(config.identity), { via: 'stream' });
  const ttlMs = options.assignmentCacheMs ?? 0;
  const cache = ttlMs > 0 ? new AssignmentCache(ttlMs, ASSIGNMENT_CACHE_CAPACITY) : undefined;
  return { identity: new StitchedStreamIdentity(stitcher, { cache }), store, close: () => store.close() };
}

import { CacheError } from '../../cache/cache.error';
import type { Cache } from '../../cache/cache.port';
import { type Logger, silentLogger } from '../../shared/logger.port';
import type { FeatureReadResult, FeatureRow, OnlineStore } from '../../store/online-store.port';
import { cacheKeyOf } from './stored-entity.codec';
import { messageOf, ThrottledWarning } from './throttled-warning';

export interface CacheInvalidationOptions {
  /**
   * A second delete this long after each write. A read that missed the cache, read the store just
   * before the write and fills the cache just after the first delete would otherwise serve the old
   * value until the entry expires; the second delete closes that window for any read faster than
   * this. 0 turns it off.
   */
  redeleteAfterMs?: number;
  logger?: Logger;
}

/**
 * The online store as writers must use it while values are served from a cache: every write or
 * erasure deletes the cached entries of the entities it touched once the store has applied it, so
 * the next read sees the new values. Batch materialization and the stream consumers write through
 * this; reads pass straight to the store.
 *
 * A cache that cannot be reached does not fail the write: the store is the source of truth, and
 * failing would stall the pipeline on a cache outage. Entries then expire on their short TTL.
 * close() closes the wrapped store, not the cache, which readers share.
 */
export class CacheInvalidatingOnlineStore implements OnlineStore {
  private readonly redeleteAfterMs: number;
  private readonly pending = new Set<NodeJS.Timeout>();
  private readonly logger: Logger;
  private readonly cacheTrouble: ThrottledWarning;

  constructor(
    private readonly store: OnlineStore,
    private readonly cache: Cache,
    options: CacheInvalidationOptions = {},
  ) {
    this.redeleteAfterMs = options.redeleteAfterMs ?? 1000;
    this.logger = options.logger ?? silentLogger;
    this.cacheTrouble = new ThrottledWarning(this.logger, 'feature cache invalidation failed: cached values may be served until they expire');
  }

  async writeBatch(rows: readonly FeatureRow[]): Promise<void> {
    await this.store.writeBatch(rows);
    await this.invalidate(rows.map((row) => row.entityKey));
  }

  read(entityKeys: readonly string[], featureNames?: readonly string[]): Promise<FeatureReadResult> {
    return this.store.read(entityKeys, featureNames);
  }

  async deleteEntities(entityKeys: readonly string[]): Promise<void> {
    await this.store.deleteEntities(entityKeys);
    // Erasure must not leave the customer readable from the cache either.
    await this.invalidate(entityKeys);
  }

  async close(): Promise<void> {
    for (const timer of this.pending) clearTimeout(timer);
    this.pending.clear();
    await this.store.close();
  }

  private async invalidate(entityKeys: readonly string[]): Promise<void> {
    const keys = [...new Set(entityKeys)].map(cacheKeyOf);
    if (keys.length === 0) return;
    await this.deleteKeys(keys);
    if (this.redeleteAfterMs <= 0) return;
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      void this.deleteKeys(keys);
    }, this.redeleteAfterMs);
    // A pending second delete must not keep a finished job process alive.
    timer.unref();
    this.pending.add(timer);
  }

  private async deleteKeys(keys: readonly string[]): Promise<void> {
    try {
      await this.cache.delete(keys);
    } catch (error) {
      if (error instanceof CacheError) this.cacheTrouble.warn({ keys: keys.length, error: messageOf(error) });
      else this.logger.error('feature cache invalidation failed unexpectedly', { keys: keys.length, error: messageOf(error) });
    }
  }
}

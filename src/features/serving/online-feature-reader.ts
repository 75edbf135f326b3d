import { CacheError } from '../../cache/cache.error';
import type { Cache, CacheEntry } from '../../cache/cache.port';
import { type Logger, silentLogger } from '../../shared/logger.port';
import type { OnlineStore } from '../../store/online-store.port';
import { customerEntityKey, type FeatureDefinition } from '../feature-definition';
import type { FeatureRegistry } from '../feature-registry';
import { type EntityFeatures, serveFeature, type StoredEntity } from './served-feature';
import { DecodedEntities } from './decoded-entities';
import { cacheKeyOf, encodeStoredEntity } from './stored-entity.codec';
import { messageOf, ThrottledWarning } from './throttled-warning';

export interface OnlineFeatureReaderOptions {
  /**
   * How long a cached entity may be served. Writes through CacheInvalidatingOnlineStore delete
   * entries at once; the TTL bounds staleness from writers that cannot reach this cache (another
   * process's in-memory LRU) and from a read racing a write.
   */
  cacheTtlSeconds?: number;
  /** Decoded cache entries kept in memory (DecodedEntities); default 4,096, 0 turns it off. */
  decodedEntries?: number;
  /** Wall clock in epoch ms, for max-age checks; injectable for tests. */
  now?: () => number;
  logger?: Logger;
}

export const DEFAULT_FEATURE_CACHE_TTL_SECONDS = 60;
// A decoded entity of ~50 features is a few KB, so the default bounds the memo to ~20 MB.
const DEFAULT_DECODED_ENTRIES = 4096;
const NO_FEATURES: StoredEntity = new Map();

/**
 * The online read path: entity ids and features in, values with explicit statuses out.
 *
 * The cache holds every registered feature of an entity under one key, so requests for different
 * feature lists share entries and a write invalidates one key per entity. Misses are read from
 * the store in one call (the adapters fan out per partition), limited to registered names: the
 * stream keeps its own state cells in the same partitions, and those are neither served nor cached.
 * Entities without any value are cached too, so unknown ids do not reach the store on every request.
 */
export class OnlineFeatureReader {
  private readonly storedNames: readonly string[];
  private readonly cacheTtlSeconds: number;
  private readonly now: () => number;
  private readonly logger: Logger;
  private readonly cacheTrouble: ThrottledWarning;
  private readonly decoded: DecodedEntities;

  constructor(
    private readonly store: OnlineStore,
    private readonly cache: Cache,
    registry: FeatureRegistry,
    options: OnlineFeatureReaderOptions = {},
  ) {
    this.storedNames = registry.all().map((feature) => feature.name);
    this.cacheTtlSeconds = options.cacheTtlSeconds ?? DEFAULT_FEATURE_CACHE_TTL_SECONDS;
    this.now = options.now ?? Date.now;
    this.logger = options.logger ?? silentLogger;
    this.cacheTrouble = new ThrottledWarning(this.logger, 'feature cache unavailable: serving from the online store');
    this.decoded = new DecodedEntities(options.decodedEntries ?? DEFAULT_DECODED_ENTRIES);
  }

  /** Every registered feature of each entity; `read` without statuses, for loaders that batch across fields. */
  async loadEntities(entityIds: readonly string[]): Promise<Map<string, StoredEntity>> {
    const ids = [...new Set(entityIds)];
    const loaded = new Map<string, StoredEntity>();
    const keys = ids.map((id) => cacheKeyOf(customerEntityKey(id)));
    const cached = await this.cachedEntries(keys);
    const misses: string[] = [];
    ids.forEach((id, index) => {
      const hit = cached?.[index];
      const entity = hit === undefined ? undefined : this.decoded.decode(keys[index] as string, hit);
      if (entity) loaded.set(id, entity);
      else misses.push(id);
    });
    if (misses.length === 0) return loaded;

    const stored = await this.store.read(misses.map(customerEntityKey), this.storedNames);
    const entries: CacheEntry[] = [];
    for (const id of misses) {
      const entityKey = customerEntityKey(id);
      const entity = stored.get(entityKey) ?? NO_FEATURES;
      const entry: CacheEntry = { key: cacheKeyOf(entityKey), value: encodeStoredEntity(entity), ttlSeconds: this.cacheTtlSeconds };
      loaded.set(id, entity);
      entries.push(entry);
      if (cached !== undefined) this.decoded.remember(entry.key, entry.value, entity);
    }
    // Not awaited: the answer does not depend on the fill, and waiting would add a cache round
    // trip to every miss. Commands on one connection run in order, so a following read sees it.
    if (cached !== undefined) void this.cache.setMany(entries).catch((error: unknown) => this.fillFailed(error));
    return loaded;
  }

  /**
   * The features of each entity, in the order of `entityIds` (duplicates answered each time).
   * Callers validate ids and names first (feature-request.ts).
   */
  async read(entityIds: readonly string[], features: readonly FeatureDefinition[], revealSensitive: boolean): Promise<EntityFeatures[]> {
    const loaded = await this.loadEntities(entityIds);
    return this.serve(entityIds, loaded, features, revealSensitive);
  }

  /** Statuses and masking over loaded entities; one clock reading per request, so one answer is consistent. */
  serve(entityIds: readonly string[], loaded: ReadonlyMap<string, StoredEntity>, features: readonly FeatureDefinition[], revealSensitive: boolean): EntityFeatures[] {
    const now = this.now();
    return entityIds.map((entityId) => {
      const entity = loaded.get(entityId) ?? NO_FEATURES;
      return { entityId, features: features.map((feature) => serveFeature(feature, entity.get(feature.name), now, revealSensitive)) };
    });
  }

  /** Cached values in the order of `keys`, or undefined when the cache cannot answer (then nothing is filled either). */
  private async cachedEntries(keys: readonly string[]): Promise<Array<string | undefined> | undefined> {
    try {
      return await this.cache.getMany(keys);
    } catch (error) {
      // Only cache outages fall back to the store; anything else is a bug and must surface.
      if (!(error instanceof CacheError)) throw error;
      this.cacheTrouble.warn({ operation: 'GET', error: messageOf(error) });
      return undefined;
    }
  }

  private fillFailed(error: unknown): void {
    // Nobody awaits the fill, so even a bug is only logged here: rethrowing would be an
    // unhandled rejection, which ends the process.
    if (error instanceof CacheError) this.cacheTrouble.warn({ operation: 'SET', error: messageOf(error) });
    else this.logger.error('feature cache fill failed', { error: messageOf(error) });
  }
}

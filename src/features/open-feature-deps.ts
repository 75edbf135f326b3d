import type { Cache } from '../cache/cache.port';
import { openCache } from '../cache/open-cache';
import type { AppConfig } from '../config/app-config';
import type { LakeEngine } from '../lake/lake-engine.port';
import { LakeLayout } from '../lake/lake-layout';
import { openLakeEngine } from '../lake/open-lake-engine';
import type { Logger } from '../shared/logger.port';
import type { OnlineStore } from '../store/online-store.port';
import { openOnlineStore } from '../store/open-online-store';
import { CacheInvalidatingOnlineStore } from './serving/cache-invalidating-online-store';

export interface OpenedLake {
  engine: LakeEngine;
  layout: LakeLayout;
  close(): Promise<void>;
}

export interface OpenedLakeAndStore extends OpenedLake {
  store: OnlineStore;
}

/** The configured lake engine, for the commands that only read the features zone. */
export async function openFeatureLake(config: AppConfig): Promise<OpenedLake> {
  const engine = await openLakeEngine(config);
  return { engine, layout: new LakeLayout(config.lakeRoot), close: () => engine.close() };
}

/**
 * The online store materialization writes to. With a shared cache (Redis) the writes go through
 * CacheInvalidatingOnlineStore, so the API serves a run's values at once instead of after the cache
 * entries expire; an in-process cache lives in the API process, out of a job's reach, and its
 * short TTL bounds how long it serves the previous values.
 */
async function openWriteStore(config: AppConfig, logger: Logger): Promise<{ store: OnlineStore; closeCache(): Promise<void> }> {
  const store = await openOnlineStore(config, logger);
  if (config.adapters.cache !== 'redis') return { store, closeCache: async () => undefined };
  let cache: Cache;
  try {
    cache = await openCache(config, logger);
  } catch (error) {
    await store.close();
    throw error;
  }
  return { store: new CacheInvalidatingOnlineStore(store, cache, { logger }), closeCache: () => cache.close() };
}

/** The configured lake engine and online store, for materialization (CLI and the daily job). */
export async function openFeatureLakeAndStore(config: AppConfig, logger: Logger): Promise<OpenedLakeAndStore> {
  const engine = await openLakeEngine(config);
  let opened: Awaited<ReturnType<typeof openWriteStore>>;
  try {
    opened = await openWriteStore(config, logger);
  } catch (error) {
    await engine.close();
    throw error;
  }
  return {
    engine,
    store: opened.store,
    layout: new LakeLayout(config.lakeRoot),
    async close() {
      // The invalidating store closes the store it wraps; the cache is closed after its last delete.
      await Promise.allSettled([opened.store.close().finally(() => opened.closeCache()), engine.close()]);
    },
  };
}

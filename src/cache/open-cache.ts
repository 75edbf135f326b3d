import type { AppConfig } from '../config/app-config';
import type { Logger } from '../shared/logger.port';
import type { Cache } from './cache.port';
import { MemoryCache } from './memory/memory-cache';
import { RedisCache } from './redis/redis-cache';

// Enough for a busy single machine's hot customers (feature values are a few KB of JSON each)
// while bounding the process to tens of MB. A configuration variable can replace it when needed.
const MEMORY_CACHE_MAX_ENTRIES = 10_000;

/** The cache the configuration selects; Redis must answer before this resolves. */
export async function openCache(config: AppConfig, logger?: Logger): Promise<Cache> {
  switch (config.adapters.cache) {
    case 'memory':
      return new MemoryCache({ maxEntries: MEMORY_CACHE_MAX_ENTRIES });
    case 'redis':
      return RedisCache.connect(config.redis, { logger });
  }
}

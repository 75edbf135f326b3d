import type { CacheEntry } from './cache.port';

/**
 * An entry's time to live in whole milliseconds, shared by every adapter so they agree on edge
 * cases. A TTL that is not a positive finite number is a caller's bug, so it throws: Redis would
 * reject 0 while lru-cache would read it as "forever". Rounding up keeps a tiny TTL from becoming 0.
 */
export function ttlMilliseconds(entry: CacheEntry): number {
  const { ttlSeconds } = entry;
  if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) {
    throw new RangeError(`cache ttlSeconds must be a positive, finite number of seconds (got ${ttlSeconds})`);
  }
  return Math.ceil(ttlSeconds * 1000);
}

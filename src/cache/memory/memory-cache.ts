import { LRUCache } from 'lru-cache';
import { CacheError } from '../cache.error';
import type { Cache, CacheEntry } from '../cache.port';
import { ttlMilliseconds } from '../cache-ttl';

export interface MemoryCacheOptions {
  /** Entries kept before the least recently used one is evicted; bounds the process's memory. */
  maxEntries: number;
}

/** The embedded cache: an in-process LRU of strings, each entry with its own time to live. */
export class MemoryCache implements Cache {
  // No ttlAutopurge: it would arm a timer per entry. Expired entries are dropped when read or
  // pushed out by newer ones, and maxEntries bounds memory either way. TTLs run from the write;
  // reads do not extend them (updateAgeOnGet stays off), as with Redis SET … PX.
  private readonly lru: LRUCache<string, string>;
  private closed = false;

  constructor(options: MemoryCacheOptions) {
    if (!Number.isSafeInteger(options.maxEntries) || options.maxEntries < 1) {
      throw new RangeError(`maxEntries must be a positive integer (got ${options.maxEntries})`);
    }
    this.lru = new LRUCache<string, string>({ max: options.maxEntries });
  }

  async getMany(keys: readonly string[]): Promise<Array<string | undefined>> {
    this.assertOpen();
    return keys.map((key) => this.lru.get(key));
  }

  async setMany(entries: readonly CacheEntry[]): Promise<void> {
    this.assertOpen();
    // Validate the whole batch first so a bad entry writes nothing, as in the Redis adapter.
    const ttls = entries.map(ttlMilliseconds);
    entries.forEach((entry, i) => this.lru.set(entry.key, entry.value, { ttl: ttls[i] }));
  }

  async delete(keys: readonly string[]): Promise<void> {
    this.assertOpen();
    for (const key of keys) this.lru.delete(key);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.lru.clear();
  }

  private assertOpen(): void {
    if (this.closed) throw new CacheError('the memory cache is closed');
  }
}

/** A cache entry to write; values are strings (JSON), so every adapter stores the same bytes. */
export interface CacheEntry {
  key: string;
  value: string;
  ttlSeconds: number;
}

/** A look-aside cache (in-process LRU embedded, Redis in production); keys are prefixed by the adapter. */
export interface Cache {
  /** Values in the order of `keys`; undefined for a miss or an expired entry. */
  getMany(keys: readonly string[]): Promise<Array<string | undefined>>;
  /** Writes entries, each with its own time to live. */
  setMany(entries: readonly CacheEntry[]): Promise<void>;
  /** Invalidates keys (on write of the values they cache). */
  delete(keys: readonly string[]): Promise<void>;
  /** Releases connections. */
  close(): Promise<void>;
}

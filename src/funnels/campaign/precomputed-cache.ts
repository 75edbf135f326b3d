import type { ComputedDay } from './campaign-metrics-store';

/**
 * The last answers computed from the precomputed metrics, each with the version of the days it was
 * computed from (every day's `computedAt`, from the marker the job writes after the metrics). A
 * repeated request then costs one small read of the marker instead of reading, parsing and merging
 * every day's groups and histograms, which is most of the garbage a request makes and so most of
 * the garbage-collection pauses in the latency tail. Bounded: the least recently used answer goes.
 */
export class PrecomputedCache<T> {
  private readonly entries = new Map<string, { version: string; value: T }>();

  constructor(private readonly capacity = 1000) {}

  /** What the cache compares: the days' computation times, or a mark for a day not computed. */
  static versionOf(days: readonly string[], computed: ReadonlyMap<string, ComputedDay>): string {
    return days.map((day) => computed.get(day)?.computedAt ?? '-').join(',');
  }

  get(key: string, version: string): T | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.version !== version) {
      this.entries.delete(key);
      return undefined;
    }
    // Re-inserted, so the Map's insertion order is least recently used first.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, version: string, value: T): void {
    this.entries.delete(key);
    this.entries.set(key, { version, value });
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }
}

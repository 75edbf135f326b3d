/**
 * A bounded map whose entries are trusted for `ttlMs` from the time they were set; past
 * `capacity` the least recently set go first. A `ttlMs` of 0 or less keeps nothing.
 */
export class ExpiringLru<V> {
  private readonly entries = new Map<string, { value: V; at: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly capacity: number,
  ) {}

  get(key: string, now: number): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (now - entry.at < this.ttlMs) return entry.value;
    this.entries.delete(key);
    return undefined;
  }

  /** Keeps `value` under `key`, trusted from `at` on. */
  set(key: string, value: V, at: number): void {
    if (this.ttlMs <= 0) return;
    this.entries.delete(key);
    this.entries.set(key, { value, at });
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }

  forget(keys: Iterable<string>): void {
    for (const key of keys) this.entries.delete(key);
  }
}

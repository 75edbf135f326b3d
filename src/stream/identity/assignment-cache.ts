/**
 * identifierKey → customer id, as the stream's stitching last read or wrote it, trusted for
 * `ttlMs`; the oldest entries go first past `capacity`. Only identifiers someone holds are kept.
 */
export class AssignmentCache {
  private readonly entries = new Map<string, { customerId: string; at: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly capacity: number,
  ) {}

  get(key: string, now: number): string | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (now - entry.at < this.ttlMs) return entry.customerId;
    this.entries.delete(key);
    return undefined;
  }

  set(key: string, customerId: string, now: number): void {
    this.entries.delete(key);
    this.entries.set(key, { customerId, at: now });
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }

  forget(keys: Iterable<string>): void {
    for (const key of keys) this.entries.delete(key);
  }
}

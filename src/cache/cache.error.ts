/**
 * The cache cannot serve: unreachable, failing, or already closed. It is one class so callers on
 * the hot path can catch it alone and fall back to the online store, the source of truth.
 */
export class CacheError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CacheError';
  }
}

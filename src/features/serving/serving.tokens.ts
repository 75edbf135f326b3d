/** The online store as read by serving (the configured adapter, opened by FeaturesModule). */
export const SERVING_ONLINE_STORE = Symbol('SERVING_ONLINE_STORE');
/** The cache of served entities (Redis, or the in-process LRU of the embedded profile). */
export const FEATURE_CACHE = Symbol('FEATURE_CACHE');
/**
 * The online store every in-process writer must use (the stream consumers, jobs run by the API):
 * writes through it invalidate the cached entities they touch.
 */
export const FEATURE_WRITE_STORE = Symbol('FEATURE_WRITE_STORE');

import { LRUCache } from 'lru-cache';
import type { StoredEntity } from './served-feature';
import { decodeStoredEntity } from './stored-entity.codec';

interface Decoded {
  text: string;
  entity: StoredEntity;
}

/**
 * Cache entries already decoded, so a hot customer's entry is parsed once rather than on every
 * request (parsing was a fifth of the API's CPU serving 100 × 50 features from the cache). A
 * decoded entity is reused only while the cache returns the very text it was decoded from, so it
 * never outlives the entry: an invalidation or a newer fill changes or removes the text. With the
 * in-process cache the text is the same string object, so the check is one pointer comparison;
 * Redis returns a new string each time, compared byte by byte, still far cheaper than parsing.
 * Entities are shared between requests and must not be mutated (StoredEntity is read-only).
 */
export class DecodedEntities {
  private readonly memo: LRUCache<string, Decoded> | undefined;

  /** `maxEntries` 0 turns the memo off: every hit is parsed. */
  constructor(maxEntries: number) {
    this.memo = maxEntries > 0 ? new LRUCache<string, Decoded>({ max: maxEntries }) : undefined;
  }

  /** The entity `text` (the cache's entry under `key`) holds, or undefined for an entry we did not write. */
  decode(key: string, text: string): StoredEntity | undefined {
    const known = this.memo?.get(key);
    if (known !== undefined && known.text === text) return known.entity;
    const entity = decodeStoredEntity(text);
    if (entity === undefined) this.memo?.delete(key);
    else this.memo?.set(key, { text, entity });
    return entity;
  }

  /** Records an entity read from the store together with the text written to the cache for it. */
  remember(key: string, text: string, entity: StoredEntity): void {
    this.memo?.set(key, { text, entity });
  }
}

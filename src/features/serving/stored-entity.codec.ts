import type { FeatureScalar, StoredFeature } from '../../store/online-store.port';
import type { StoredEntity } from './served-feature';

/**
 * Cache keys of served entities. The version is part of the key, so a deploy that changes the
 * encoding reads its own entries and lets the old ones expire instead of misreading them.
 */
const KEY_PREFIX = 'features:v1:';

export function cacheKeyOf(entityKey: string): string {
  return KEY_PREFIX + entityKey;
}

/** `[[name, eventTime, value], …]`: compact, and cheap to parse back into a map. */
type EncodedEntity = Array<[string, number, FeatureScalar]>;

export function encodeStoredEntity(entity: StoredEntity): string {
  const encoded: EncodedEntity = [];
  for (const [name, stored] of entity) encoded.push([name, stored.eventTime, stored.value]);
  return JSON.stringify(encoded);
}

/**
 * The entity an entry holds, or undefined when the entry is not one we wrote (a foreign or
 * corrupted value): the caller then treats it as a miss and reads the store, never serves junk.
 */
export function decodeStoredEntity(text: string): StoredEntity | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed)) return undefined;
  const entity = new Map<string, StoredFeature>();
  for (const item of parsed as unknown[]) {
    if (!Array.isArray(item) || typeof item[0] !== 'string' || typeof item[1] !== 'number') return undefined;
    entity.set(item[0], { eventTime: item[1], value: item[2] as FeatureScalar });
  }
  return entity;
}

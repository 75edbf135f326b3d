/** The identifier types every record source carries. Configuration may add others read from identify traits (TraitIdentifier). */
export const BUILT_IN_TYPES = ['user_id', 'email', 'phone', 'device_id', 'anonymous_id'] as const;

/** Pseudonymous keys, shown as they are; every other type (emails, phones, configured ones) is masked without `pii:read`. */
export const PSEUDONYMOUS_TYPES: ReadonlySet<string> = new Set(['user_id', 'device_id', 'anonymous_id']);

/** Account ids: the strongest key. A customer never holds two of them, whatever the configuration. */
export const USER_ID = 'user_id';

/**
 * Contact details: personal data that may only join an account through a record naming it (the
 * stitching rules), masked without `pii:read` and never logged.
 */
export const PII_TYPES: ReadonlySet<string> = new Set(['email', 'phone']);

/** What an identifier type is named like: lower-case letters, digits and underscores. */
export const TYPE_NAME = /^[a-z][a-z0-9_]{0,31}$/;

/** A typed identifier, e.g. `{ type: 'email', value: 'jane@example.com' }` (values normalized once stored). */
export interface Identifier {
  type: string;
  value: string;
}

/** Whether a stored type name is well formed (a store may hold types an older release knew). */
export function isIdentifierType(type: string): boolean {
  return TYPE_NAME.test(type);
}

/**
 * Whether records carry this type, a built-in one or one configured (`configured`): what
 * configuration and lookups may name (a typo such as `emial` is refused).
 */
export function isKnownIdentifierType(type: string, configured: readonly string[] = []): boolean {
  return (BUILT_IN_TYPES as readonly string[]).includes(type) || configured.includes(type);
}

/** One string per identifier, for maps and sets; the type never holds a colon, so this is unambiguous. */
export function identifierKey(identifier: Identifier): string {
  return `${identifier.type}:${identifier.value}`;
}

export function parseIdentifierKey(key: string): Identifier {
  const colon = key.indexOf(':');
  return { type: key.slice(0, colon), value: key.slice(colon + 1) };
}

export function sameIdentifier(a: Identifier, b: Identifier): boolean {
  return a.type === b.type && a.value === b.value;
}

/** How many identifiers of each type the list holds. */
export function countByType(identifiers: readonly Identifier[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { type } of identifiers) counts.set(type, (counts.get(type) ?? 0) + 1);
  return counts;
}

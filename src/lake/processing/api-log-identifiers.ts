/** The identifiers the identity graph links from API logs. */
export const API_LOG_IDENTIFIERS = ['user_id', 'device_id', 'phone', 'email'] as const;
export type ApiLogIdentifier = (typeof API_LOG_IDENTIFIERS)[number];

/**
 * Maps a flattened leaf to an identifier by its key name, wherever it sits. Keys compare
 * normalized (lowercase, letters and digits only), so `x-user-id`, `userId` and `user_id` are
 * one rule each. `parent` narrows generic keys: `id` is a user id only under `user`.
 */
export interface IdentifierRule {
  identifier: ApiLogIdentifier;
  key: string;
  parent?: string;
}

/**
 * Earlier rules win when a record holds the same identifier at several paths: the caller's own
 * headers first, then request fields, then what the response says. `customer_id` and friends are
 * left out on purpose: until someone confirms they are account ids, they show up in the
 * unknown-key report instead of silently joining two id spaces.
 */
export const DEFAULT_IDENTIFIER_RULES: readonly IdentifierRule[] = [
  { identifier: 'user_id', key: 'xuserid' },
  { identifier: 'user_id', key: 'userid' },
  { identifier: 'user_id', key: 'id', parent: 'user' },
  { identifier: 'device_id', key: 'xdeviceid' },
  { identifier: 'device_id', key: 'deviceid' },
  { identifier: 'device_id', key: 'id', parent: 'device' },
  { identifier: 'phone', key: 'xphone' },
  { identifier: 'phone', key: 'phone' },
  { identifier: 'phone', key: 'phonenumber' },
  { identifier: 'phone', key: 'mobile' },
  { identifier: 'phone', key: 'mobilenumber' },
  { identifier: 'email', key: 'xemail' },
  { identifier: 'email', key: 'email' },
  { identifier: 'email', key: 'emailaddress' },
  { identifier: 'email', key: 'emailid' },
];

/** Top-level fields the processed table has columns for; never "unknown". */
export const API_LOG_ENVELOPE = ['ts', 'service', 'method', 'path', 'status', 'latency_ms'] as const;

type PathStep = { key: string } | { item: true };

/** A leaf of a JSON document's shape. */
export interface LeafPath {
  /** Dotted form for people: `request.body.items[].sku`. */
  display: string;
  /** JSON path for json_extract: `$."request"."body"."items"[0]."sku"` (arrays: their first element). */
  jsonPath: string | undefined;
  key: string;
  parent: string | undefined;
}

export function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9]/g, '');
}

function leafOf(steps: readonly PathStep[]): LeafPath {
  const keys = steps.flatMap((step) => ('key' in step ? [step.key] : []));
  const display = steps.map((step, index) => ('key' in step ? `${index === 0 ? '' : '.'}${step.key}` : '[]')).join('');
  // A key with a quote or backslash cannot be written in a DuckDB JSON path; it is reported, not extracted.
  const extractable = keys.every((key) => !/["\\]/.test(key));
  const jsonPath = extractable ? `$${steps.map((step) => ('key' in step ? `."${step.key}"` : '[0]')).join('')}` : undefined;
  return { display, jsonPath, key: keys.at(-1) ?? '', parent: keys.at(-2) };
}

/**
 * Leaves of a shape as DuckDB's json_structure prints it: objects of keys, arrays of one merged
 * element, and type names (strings) at the leaves. Empty objects and arrays hold no leaf.
 */
export function leafPaths(structure: unknown, steps: PathStep[] = []): LeafPath[] {
  if (Array.isArray(structure)) {
    return structure.flatMap((element: unknown) => leafPaths(element, [...steps, { item: true }]));
  }
  if (structure !== null && typeof structure === 'object') {
    return Object.entries(structure).flatMap(([key, value]) => leafPaths(value, [...steps, { key }]));
  }
  // "NULL" marks a null or an empty array, "JSON" an empty object or mixed-type array: no single value to take.
  if (steps.length === 0 || structure === 'NULL' || structure === 'JSON') return [];
  return [leafOf(steps)];
}

export function matchRule(leaf: LeafPath, rules: readonly IdentifierRule[]): number {
  const key = normalizeKey(leaf.key);
  const parent = leaf.parent === undefined ? undefined : normalizeKey(leaf.parent);
  return rules.findIndex((rule) => rule.key === key && (rule.parent === undefined || rule.parent === parent));
}

/** Where each identifier can be found, best first, and what nobody maps yet. */
export interface IdentifierPlan {
  candidates: Array<{ identifier: ApiLogIdentifier; display: string; jsonPath: string }>;
  unknownKeys: Array<{ key: string; count: number }>;
}

/**
 * Turns the shapes seen in the logs (json_structure text with the number of records having it)
 * into an extraction plan. Shapes are few even when records are many, so this runs in Node.
 */
export function planIdentifiers(shapes: ReadonlyArray<{ structure: string; count: number }>, rules: readonly IdentifierRule[]): IdentifierPlan {
  const matched = new Map<string, { identifier: ApiLogIdentifier; rule: number; display: string; jsonPath: string }>();
  const unknown = new Map<string, number>();
  const envelope = new Set<string>(API_LOG_ENVELOPE);
  for (const shape of shapes) {
    const seen = new Set<string>();
    for (const leaf of leafPaths(JSON.parse(shape.structure))) {
      if (seen.has(leaf.display)) continue;
      seen.add(leaf.display);
      if (envelope.has(leaf.display)) continue;
      const rule = matchRule(leaf, rules);
      const identifier = rules[rule]?.identifier;
      if (identifier !== undefined && leaf.jsonPath !== undefined) {
        matched.set(leaf.display, { identifier, rule, display: leaf.display, jsonPath: leaf.jsonPath });
      } else {
        unknown.set(leaf.display, (unknown.get(leaf.display) ?? 0) + shape.count);
      }
    }
  }
  const candidates = [...matched.values()]
    .sort((a, b) => a.rule - b.rule || (a.display < b.display ? -1 : a.display > b.display ? 1 : 0))
    .map(({ identifier, display, jsonPath }) => ({ identifier, display, jsonPath }));
  const unknownKeys = [...unknown.entries()]
    .map(([key, count]) => ({ key, count }))
    .sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { candidates, unknownKeys };
}

import { BUILT_IN_TYPES, USER_ID } from '../identifier';
import { BlocklistMatcher, DEFAULT_BLOCKLIST, type Blocklist } from './blocklist';

/**
 * The stitching rules, as Segment Unify and RudderStack Profiles let users set them: which values
 * are junk, how many identifiers of a type one customer may hold, and which types win when a limit
 * would be exceeded. Batch and incremental stitching read the same rules, so they agree.
 */
export interface IdentityRules {
  /** Types strongest first; a record's identifiers are linked in this order, so a limit drops the weakest. */
  priority: readonly string[];
  /** Most identifiers of a type one customer may hold; `user_id` is always 1. */
  maxPerType: Readonly<Record<string, number>>;
  /** The limit of types not named in maxPerType. */
  defaultMax: number;
  blocklist: Blocklist;
  /** Secret mixed into new customer ids, so an id never reveals the identifier it was derived from. */
  idSalt: string;
  /** Identifier types beyond the built-in ones, each read from an identify event's trait. */
  traitIdentifiers: readonly TraitIdentifier[];
}

/** What a trait identifier may read: a top-level trait name, safe to splice into a JSON path. */
export const TRAIT_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/**
 * A configured identifier type read from a top-level trait of identify events, as Segment Unify
 * and RudderStack Profiles let users declare custom identifiers: `loyalty_id` from
 * `traits.loyaltyCard`. Only a trait holding a string is read (a number's text differs between
 * JavaScript and the lake engine, and an object is no identifier). Top-level only: the lake merges
 * nested trait objects of an event's context and its call deeply, the stream shallowly.
 */
export interface TraitIdentifier {
  type: string;
  trait: string;
}

/**
 * Defaults that are safe out of the box: exactly one account per customer; a handful of emails and
 * phones (people do change them); devices and anonymous ids generous enough for a heavy user of web
 * and apps, low enough that a kiosk or a shared call-centre phone cannot swallow thousands of profiles.
 */
export const DEFAULT_RULES: IdentityRules = {
  priority: BUILT_IN_TYPES,
  maxPerType: { [USER_ID]: 1, email: 5, phone: 5, device_id: 10, anonymous_id: 100 },
  defaultMax: 10,
  blocklist: DEFAULT_BLOCKLIST,
  idSalt: 'c360',
  traitIdentifiers: [],
};

/** The rules with their lookups precomputed; what the stitchers use. */
export class CompiledRules {
  readonly blocklist: BlocklistMatcher;
  private readonly ranks: ReadonlyMap<string, number>;
  /** The identifier types records carry: the built-in ones, then the configured ones (traitIdentifiers). */
  readonly types: readonly string[];

  constructor(readonly rules: IdentityRules) {
    this.blocklist = new BlocklistMatcher(rules.blocklist);
    const ordered = [USER_ID, ...rules.priority.filter((type) => type !== USER_ID)];
    this.ranks = new Map(ordered.map((type, index) => [type, index]));
    this.types = [...new Set([...BUILT_IN_TYPES, ...rules.traitIdentifiers.map((identifier) => identifier.type)])];
  }

  /** Whether records carry this type (see identifier.ts isKnownIdentifierType). */
  knowsType(type: string): boolean {
    return this.types.includes(type);
  }

  /** 0 is strongest; types outside the priority list come after it (then by name, where callers tie-break). */
  rank(type: string): number {
    return this.ranks.get(type) ?? this.ranks.size;
  }

  cap(type: string): number {
    if (type === USER_ID) return 1;
    return this.rules.maxPerType[type] ?? this.rules.defaultMax;
  }

  /** Orders identifiers strongest first: by rank, then type name, then value (a total, stable order). */
  compare(a: { type: string; value: string }, b: { type: string; value: string }): number {
    return this.rank(a.type) - this.rank(b.type) || compareText(a.type, b.type) || compareText(a.value, b.value);
  }
}

const BEYOND_SURROGATES = /[\uD800-\uFFFF]/;

/**
 * UTF-8 byte order, the order DuckDB sorts VARCHAR in. JavaScript's `<` compares UTF-16 units,
 * which agrees except around surrogate pairs; those rare strings are compared as bytes.
 */
export function compareText(a: string, b: string): number {
  if (BEYOND_SURROGATES.test(a) || BEYOND_SURROGATES.test(b)) return Buffer.compare(Buffer.from(a), Buffer.from(b));
  return a < b ? -1 : a > b ? 1 : 0;
}

import type { ConfigProblem } from '../config/config.error';
import { BUILT_IN_TYPES, isKnownIdentifierType, TYPE_NAME, USER_ID } from './identifier';
import { blocklistEntries, extendBlocklist, patternProblem } from './rules/blocklist';
import { DEFAULT_RULES, TRAIT_NAME, type IdentityRules, type TraitIdentifier } from './rules/identity-rules';

/** The identity variables of EnvironmentVariables, as validated strings. */
export interface IdentityVariables {
  C360_IDENTITY_BLOCKLIST?: string;
  C360_IDENTITY_MAX_PER_TYPE?: string;
  C360_IDENTITY_PRIORITY?: string;
  C360_IDENTITY_ID_SALT?: string;
  C360_IDENTITY_TRAIT_IDS?: string;
}

const MAX_CAP = 65_535;

/**
 * DuckDB's memory limit for a stitch unless configured. The stitcher's arrays live outside DuckDB's
 * accounting and DuckDB runs past its limit in the large joins: at ten million identifiers the
 * whole stitch peaks at 3.0-3.3 GiB with this limit, and went over 4 GiB with 2500MB
 * (docs/BENCHMARKS.md, identity rounds 4-6).
 */
export const IDENTITY_STITCH_MEMORY_LIMIT = '2000MB';

function splitList(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

const knownTypes = (configured: readonly string[]) => `one of ${[...BUILT_IN_TYPES, ...configured].join(', ')} (the types records carry)`;

/** `loyalty_id=loyaltyCard,member_id=memberId`: identifier types read from identify traits (TraitIdentifier). */
function parseTraitIdentifiers(raw: string | undefined, problems: ConfigProblem[]): TraitIdentifier[] {
  const identifiers: TraitIdentifier[] = [];
  for (const entry of splitList(raw)) {
    const [type = '', trait = '', ...rest] = entry.split('=');
    const problem = (expected: string) => problems.push({ variable: 'C360_IDENTITY_TRAIT_IDS', expected, got: JSON.stringify(entry) });
    if (rest.length > 0 || !TYPE_NAME.test(type) || !TRAIT_NAME.test(trait)) problem('must be type=trait pairs, comma-separated: a type of lower-case letters, digits and _, a top-level trait name of letters, digits and _');
    else if (isKnownIdentifierType(type)) problem(`must name a type other than the built-in ${BUILT_IN_TYPES.join(', ')}`);
    else if (identifiers.some((identifier) => identifier.trait === trait)) problem('must read each trait once');
    else identifiers.push({ type, trait });
  }
  return identifiers;
}

/** `a,b,/^x{1,3}$/`: values, and patterns between slashes; added to the default blocklist, never replacing it. */
function parseBlocklist(raw: string | undefined, problems: ConfigProblem[]): IdentityRules['blocklist'] {
  const values: string[] = [];
  const patterns: string[] = [];
  for (const entry of blocklistEntries(raw ?? '')) {
    if (entry.length >= 2 && entry.startsWith('/') && entry.endsWith('/')) {
      const pattern = entry.slice(1, -1);
      const problem = patternProblem(pattern);
      if (problem) problems.push({ variable: 'C360_IDENTITY_BLOCKLIST', expected: `patterns between slashes must be valid regular expressions (${problem})`, got: JSON.stringify(entry) });
      else patterns.push(pattern);
    } else values.push(entry);
  }
  return extendBlocklist(DEFAULT_RULES.blocklist, values, patterns);
}

/** `email=3,device_id=20,*=10`: limits per customer, over the defaults; `*` is every other type. */
function parseCaps(raw: string | undefined, configured: readonly string[], problems: ConfigProblem[]): { maxPerType: Record<string, number>; defaultMax: number } {
  const maxPerType: Record<string, number> = { ...DEFAULT_RULES.maxPerType };
  let defaultMax = DEFAULT_RULES.defaultMax;
  for (const entry of splitList(raw)) {
    const match = /^([a-z][a-z0-9_]*|\*)=(\d+)$/.exec(entry);
    const limit = Number(match?.[2]);
    if (!match || !Number.isInteger(limit) || limit < 1 || limit > MAX_CAP) {
      problems.push({ variable: 'C360_IDENTITY_MAX_PER_TYPE', expected: `must be type=limit pairs, comma-separated, limits between 1 and ${MAX_CAP} (* for other types)`, got: JSON.stringify(entry) });
    } else if (match[1] !== '*' && !isKnownIdentifierType(match[1], configured)) {
      problems.push({ variable: 'C360_IDENTITY_MAX_PER_TYPE', expected: `must name ${knownTypes(configured)} or *`, got: JSON.stringify(entry) });
    } else if (match[1] === USER_ID && limit !== 1) {
      problems.push({ variable: 'C360_IDENTITY_MAX_PER_TYPE', expected: 'user_id is always limited to 1: a customer never holds two accounts', got: JSON.stringify(entry) });
    } else if (match[1] === '*') defaultMax = limit;
    else maxPerType[match[1]] = limit;
  }
  return { maxPerType, defaultMax };
}

function parsePriority(raw: string | undefined, configured: readonly string[], problems: ConfigProblem[]): readonly string[] {
  const types = splitList(raw);
  if (types.length === 0) return DEFAULT_RULES.priority;
  const bad = types.find((type) => !isKnownIdentifierType(type, configured));
  if (bad !== undefined || new Set(types).size !== types.length || (types.includes(USER_ID) && types[0] !== USER_ID)) {
    problems.push({ variable: 'C360_IDENTITY_PRIORITY', expected: `must be distinct types, each ${knownTypes(configured)}, strongest first (user_id, if named, first)`, got: JSON.stringify(raw) });
    return DEFAULT_RULES.priority;
  }
  // Built-in types left out keep their relative order after the named ones (configured ones left out come last, by name).
  return [...types, ...DEFAULT_RULES.priority.filter((type) => !types.includes(type))];
}

const MIN_SALT_LENGTH = 16;

/**
 * The id salt. A customer id is a hash of its seed, often a phone or an email, under this salt: with
 * the public default, a caller shown a masked phone (+**********85) and the customer's id could try
 * the 10^8 phones left and find it in seconds. Production must set a secret one.
 */
function parseSalt(raw: string | undefined, production: boolean, problems: ConfigProblem[]): string {
  if (raw !== undefined && raw.length > 0) {
    if (production && raw.length < MIN_SALT_LENGTH) {
      problems.push({ variable: 'C360_IDENTITY_ID_SALT', expected: `must be a random secret of at least ${MIN_SALT_LENGTH} characters in the production profile`, got: '(hidden)' });
    }
    return raw;
  }
  if (production) {
    problems.push({ variable: 'C360_IDENTITY_ID_SALT', expected: `is required in the production profile: a random secret of at least ${MIN_SALT_LENGTH} characters, kept for good (ids are made with it)`, got: 'nothing' });
  }
  return DEFAULT_RULES.idSalt;
}

/** The stitching rules from the environment; problems are collected for the one ConfigError at start. */
export function parseIdentityConfig(env: IdentityVariables, production: boolean, problems: ConfigProblem[]): IdentityRules {
  const traitIdentifiers = parseTraitIdentifiers(env.C360_IDENTITY_TRAIT_IDS, problems);
  const configured = [...new Set(traitIdentifiers.map((identifier) => identifier.type))];
  return {
    priority: parsePriority(env.C360_IDENTITY_PRIORITY, configured, problems),
    ...parseCaps(env.C360_IDENTITY_MAX_PER_TYPE, configured, problems),
    blocklist: parseBlocklist(env.C360_IDENTITY_BLOCKLIST, problems),
    idSalt: parseSalt(env.C360_IDENTITY_ID_SALT, production, problems),
    traitIdentifiers,
  };
}

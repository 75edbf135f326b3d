import type { ConfigProblem } from '../config/config.error';
import { isIdentifierType, USER_ID } from './identifier';
import { extendBlocklist, patternProblem } from './rules/blocklist';
import { DEFAULT_RULES, type IdentityRules } from './rules/identity-rules';

/** The identity variables of EnvironmentVariables, as validated strings. */
export interface IdentityVariables {
  C360_IDENTITY_BLOCKLIST?: string;
  C360_IDENTITY_MAX_PER_TYPE?: string;
  C360_IDENTITY_PRIORITY?: string;
  C360_IDENTITY_ID_SALT?: string;
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

/** `a,b,/^x+$/`: values, and patterns between slashes; added to the default blocklist, never replacing it. */
function parseBlocklist(raw: string | undefined, problems: ConfigProblem[]): IdentityRules['blocklist'] {
  const values: string[] = [];
  const patterns: string[] = [];
  for (const entry of splitList(raw)) {
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
function parseCaps(raw: string | undefined, problems: ConfigProblem[]): { maxPerType: Record<string, number>; defaultMax: number } {
  const maxPerType: Record<string, number> = { ...DEFAULT_RULES.maxPerType };
  let defaultMax = DEFAULT_RULES.defaultMax;
  for (const entry of splitList(raw)) {
    const match = /^([a-z][a-z0-9_]*|\*)=(\d+)$/.exec(entry);
    const limit = Number(match?.[2]);
    if (!match || !Number.isInteger(limit) || limit < 1 || limit > MAX_CAP) {
      problems.push({ variable: 'C360_IDENTITY_MAX_PER_TYPE', expected: `must be type=limit pairs, comma-separated, limits between 1 and ${MAX_CAP} (* for other types)`, got: JSON.stringify(entry) });
    } else if (match[1] === USER_ID && limit !== 1) {
      problems.push({ variable: 'C360_IDENTITY_MAX_PER_TYPE', expected: 'user_id is always limited to 1: a customer never holds two accounts', got: JSON.stringify(entry) });
    } else if (match[1] === '*') defaultMax = limit;
    else maxPerType[match[1]] = limit;
  }
  return { maxPerType, defaultMax };
}

function parsePriority(raw: string | undefined, problems: ConfigProblem[]): readonly string[] {
  const types = splitList(raw);
  if (types.length === 0) return DEFAULT_RULES.priority;
  const bad = types.find((type) => !isIdentifierType(type));
  if (bad !== undefined || new Set(types).size !== types.length || (types.includes(USER_ID) && types[0] !== USER_ID)) {
    problems.push({ variable: 'C360_IDENTITY_PRIORITY', expected: 'must be distinct lower-case type names, strongest first (user_id, if named, first)', got: JSON.stringify(raw) });
    return DEFAULT_RULES.priority;
  }
  // Built-in types left out keep their relative order after the named ones.
  return [...types, ...DEFAULT_RULES.priority.filter((type) => !types.includes(type))];
}

/** The stitching rules from the environment; problems are collected for the one ConfigError at start. */
export function parseIdentityConfig(env: IdentityVariables, problems: ConfigProblem[]): IdentityRules {
  return {
    priority: parsePriority(env.C360_IDENTITY_PRIORITY, problems),
    ...parseCaps(env.C360_IDENTITY_MAX_PER_TYPE, problems),
    blocklist: parseBlocklist(env.C360_IDENTITY_BLOCKLIST, problems),
    idSalt: env.C360_IDENTITY_ID_SALT && env.C360_IDENTITY_ID_SALT.length > 0 ? env.C360_IDENTITY_ID_SALT : DEFAULT_RULES.idSalt,
  };
}

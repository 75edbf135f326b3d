import { lowerCaseIdentifier } from '../lower-case-identifier';

/**
 * Junk identifier values: placeholders that buggy clients, test accounts and forms send instead of a
 * real id. A blocked value is no identifier at all, so it can never link two profiles. Values compare
 * after trimming and lower-casing; patterns are regular expressions in the subset JavaScript and
 * DuckDB's RE2 read alike (no look-around, no back-references), matched against the same text.
 */
export interface Blocklist {
  values: readonly string[];
  patterns: readonly string[];
}

/** The safe default, extended (never replaced) by C360_IDENTITY_BLOCKLIST. */
export const DEFAULT_BLOCKLIST: Blocklist = {
  values: ['null', 'undefined', 'none', 'nan', 'nil', 'n/a', '0', '-1', 'anonymous', 'unknown', 'test@test.com'],
  // Empty, zeros and dashes only: '', '0000', all-zero UUIDs ('00000000-0000-…'), '-'.
  patterns: ['^[0-]*$'],
};

const RE2_INCOMPATIBLE = /\(\?[=!]|\(\?<[=!]|\\[1-9]/;
// \s is any Unicode space in JavaScript but ASCII only in RE2: the stream and batch would disagree on a no-break space.
const UNICODE_SPACE_CLASS = /(^|[^\\])(\\\\)*\\[sS]/;
// RE2 refuses a repetition count above 1000.
const LARGE_REPETITION = /\{(\d+)(,(\d*))?\}/g;
// Escapes both engines read alike: classes, whitespace characters by name, word boundaries and escaped punctuation.
// Others (\u0041, \x41, \cA, \p{L}, \k<n>, \0) are refused by RE2 or read otherwise by it.
const SHARED_ESCAPES = new Set([...'dDwWbBtnrfv', ...'\\.-/^$*+?()[]{}|']);
// Identifiers of every built-in type: a pattern matching all of them would block every identifier.
const TYPICAL_IDENTIFIERS = ['user-48213', 'jane.doe@example.com', '+919812345678', '3f2b8c1e-7d4a-4b6e-9f1a-2c3d4e5f6a7b'];

/** What, in the pattern's syntax, one of the two engines would refuse or read differently; undefined if nothing. */
function syntaxProblem(pattern: string): string | undefined {
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index];
    if (char === '\\') {
      const escaped = pattern[index + 1] ?? '';
      if (!SHARED_ESCAPES.has(escaped)) return `\\${escaped} is not read alike by JavaScript and the lake engine (RE2); use \\d, \\w, \\b, \\t, \\n, \\r, \\f, \\v, escaped punctuation or the character itself`;
      index++;
    } else if (char === '(' && pattern[index + 1] === '?' && pattern[index + 2] !== ':') {
      return 'only plain groups (…) and (?:…) are supported: no named groups, flags or look-around';
    } else if (char !== char.toLowerCase()) {
      return `values are matched lower-cased, so the capital ${char} would never match; write it in lower case`;
    }
  }
  return undefined;
}

/** Why a pattern cannot be used on both engines, or would block every identifier; undefined when it can be used. */
export function patternProblem(pattern: string): string | undefined {
  if (pattern === '') return 'an empty pattern matches every value';
  if (RE2_INCOMPATIBLE.test(pattern)) return 'look-around and back-references are not supported by the lake engine (RE2)';
  if (UNICODE_SPACE_CLASS.test(pattern)) return '\\s and \\S mean different spaces in JavaScript and the lake engine (RE2); name the characters, e.g. [ \\t]';
  for (const [, low, , high] of pattern.matchAll(LARGE_REPETITION)) {
    if (Number(low) > 1000 || Number(high || 0) > 1000) return 'repetition counts above 1000 are not supported by the lake engine (RE2)';
  }
  const syntax = syntaxProblem(pattern);
  if (syntax) return syntax;
  let compiled: RegExp;
  try {
    compiled = new RegExp(pattern, 'u');
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  if (TYPICAL_IDENTIFIERS.every((value) => compiled.test(value))) return `it matches every identifier (${TYPICAL_IDENTIFIERS.join(', ')}), so nothing would ever link`;
  return undefined;
}

// An entry: a /pattern/ up to its first unescaped slash followed by a comma or the end (a pattern may
// hold commas, as in {1,3}), or anything up to the next comma.
const ENTRY = /\s*(\/(?:\\.|[^\\])*?\/(?=\s*(?:,|$))|[^,]*?)\s*(?:,|$)/y;

/** The entries of a blocklist setting (`a,b,/^x{1,3}$/`), trimmed, empty ones left out. */
export function blocklistEntries(raw: string): string[] {
  const entries: string[] = [];
  ENTRY.lastIndex = 0;
  while (ENTRY.lastIndex < raw.length) {
    const start = ENTRY.lastIndex;
    const match = ENTRY.exec(raw);
    if (!match || ENTRY.lastIndex === start) break;
    if (match[1] !== '') entries.push(match[1]);
  }
  return entries;
}

export function extendBlocklist(base: Blocklist, values: readonly string[], patterns: readonly string[]): Blocklist {
  const lowered = values.map((value) => lowerCaseIdentifier(value.trim()));
  return { values: [...new Set([...base.values, ...lowered])], patterns: [...new Set([...base.patterns, ...patterns])] };
}

/** The blocklist compiled for JavaScript; `matches` expects the trimmed, lower-cased value. */
export class BlocklistMatcher {
  private readonly values: ReadonlySet<string>;
  private readonly patterns: readonly RegExp[];

  constructor(readonly blocklist: Blocklist) {
    this.values = new Set(blocklist.values);
    this.patterns = blocklist.patterns.map((pattern) => new RegExp(pattern, 'u'));
  }

  matches(cleaned: string): boolean {
    return this.values.has(cleaned) || this.patterns.some((pattern) => pattern.test(cleaned));
  }
}

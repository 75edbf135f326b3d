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

/** Why a pattern cannot be used on both engines, or undefined when it can. */
export function patternProblem(pattern: string): string | undefined {
  if (RE2_INCOMPATIBLE.test(pattern)) return 'look-around and back-references are not supported by the lake engine (RE2)';
  if (UNICODE_SPACE_CLASS.test(pattern)) return '\\s and \\S mean different spaces in JavaScript and the lake engine (RE2); name the characters, e.g. [ \\t]';
  for (const [, low, , high] of pattern.matchAll(LARGE_REPETITION)) {
    if (Number(low) > 1000 || Number(high || 0) > 1000) return 'repetition counts above 1000 are not supported by the lake engine (RE2)';
  }
  try {
    new RegExp(pattern, 'u');
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
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

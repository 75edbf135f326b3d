import { sqlString } from '../lake/lake-relation';
import { lowerCaseIdentifier } from './lower-case-identifier';
import { BlocklistMatcher, DEFAULT_BLOCKLIST, type Blocklist } from './rules/blocklist';

/**
 * How identifiers are normalized before they are compared, in TypeScript (incremental stitching,
 * lookups) and as DuckDB SQL (batch stitching, and anyone joining to the identity map). Both must
 * give the same answer for every input; test/identity/identifier-normalization.test.ts holds them
 * to it.
 *
 * - user_id, anonymous_id, device_id and other types: trimmed;
 * - email: trimmed and lower-cased, and it must look like local@domain;
 * - phone: digits only (7 to 15 of them, E.164's range); Indian numbers (10 digits; 11 with a
 *   leading 0; 12 starting 91) become +91 and the last 10 digits, others + and the digits;
 * - a blocked value (see blocklist.ts), a phone whose national number is blocked (all zeros), an
 *   empty value or one longer than 254 characters normalizes to null: it is no identifier.
 *
 * Trimming removes ASCII whitespace only (space, \t, \n, \v, \f, \r), the set both engines agree on.
 */

const WHITESPACE = ' \t\n\v\f\r';
const WHITESPACE_CHARS_SQL = [`' '`, 'chr(9)', 'chr(10)', 'chr(11)', 'chr(12)', 'chr(13)'];
const WHITESPACE_SQL = `(${WHITESPACE_CHARS_SQL.join(' || ')})`;
const EMAIL = '^[^@ \\t\\n\\v\\f\\r]+@[^@ \\t\\n\\v\\f\\r]+$';
const EMAIL_PATTERN = new RegExp(EMAIL, 'u');
export const MAX_IDENTIFIER_LENGTH = 254;

const DEFAULT_MATCHER = new BlocklistMatcher(DEFAULT_BLOCKLIST);

export function trimIdentifier(raw: string): string {
  let start = 0;
  let end = raw.length;
  while (start < end && WHITESPACE.includes(raw[start])) start++;
  while (end > start && WHITESPACE.includes(raw[end - 1])) end--;
  return raw.slice(start, end);
}

function codePoints(text: string): number {
  let count = 0;
  for (let index = 0; index < text.length; index++) {
    const unit = text.charCodeAt(index);
    // A high surrogate followed by a low one is one character, as SQL length() counts it.
    if (unit >= 0xd800 && unit <= 0xdbff && index + 1 < text.length) {
      const next = text.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) index++;
    }
    count++;
  }
  return count;
}

function normalizePhone(trimmed: string, blocklist: BlocklistMatcher): string | null {
  const digits = trimmed.replace(/[^0-9]/g, '');
  if (digits.length < 7 || digits.length > 15) return null;
  const indian = digits.length === 10 || (digits.length === 11 && digits[0] === '0') || (digits.length === 12 && digits.startsWith('91'));
  const national = indian ? digits.slice(-10) : digits;
  const normalized = indian ? `+91${national}` : `+${digits}`;
  // Blocked by its national number (all zeros, a call centre's 10 digits) or as it is stored (+91…).
  return blocklist.matches(national) || blocklist.matches(normalized) ? null : normalized;
}

/** The normalized value of a raw identifier, or null when it is junk or malformed. */
export function normalizeIdentifier(type: string, raw: string | null | undefined, blocklist: BlocklistMatcher = DEFAULT_MATCHER): string | null {
  if (raw === null || raw === undefined) return null;
  const trimmed = trimIdentifier(raw);
  const cleaned = lowerCaseIdentifier(trimmed);
  if (blocklist.matches(cleaned)) return null;
  let value: string | null;
  if (type === 'email') value = EMAIL_PATTERN.test(cleaned) ? cleaned : null;
  else if (type === 'phone') value = normalizePhone(trimmed, blocklist);
  else value = trimmed === '' ? null : trimmed;
  return value === null || codePoints(value) > MAX_IDENTIFIER_LENGTH ? null : value;
}

/** SQL: whether the (trimmed, lower-cased) text is on the blocklist. */
export function blockedSql(cleaned: string, blocklist: Blocklist = DEFAULT_BLOCKLIST): string {
  const checks: string[] = [];
  if (blocklist.values.length > 0) checks.push(`${cleaned} IN (${blocklist.values.map(sqlString).join(', ')})`);
  if (blocklist.patterns.length > 0) checks.push(`regexp_matches(${cleaned}, ${sqlString(blocklist.patterns.map((p) => `(?:${p})`).join('|'))})`);
  return checks.length === 0 ? 'false' : `(${checks.join(' OR ')})`;
}

/** SQL: `expr` trimmed of ASCII whitespace; the cheap join key for types whose normalization is a trim. */
export function trimmedIdentifierSql(expr: string): string {
  return `trim(${expr}, ${WHITESPACE_SQL})`;
}

/**
 * trimmedIdentifierSql for DuckDB only (Athena has no ascii), for batch stitching's millions of
 * values: trim() with a character list costs four times a plain scan of the value, and ids rarely
 * carry whitespace, so only values starting at or below the space or ending in whitespace are
 * trimmed. The end is tested with ends_with, which compares the last bytes: right(value, 1) counts
 * every character first (0.5-1 CPU-s of a stitch of eleven million records).
 */
export function duckDbTrimmedIdentifierSql(expr: string): string {
  const endsInWhitespace = WHITESPACE_CHARS_SQL.map((char) => `ends_with(${expr}, ${char})`).join(' OR ');
  return `(CASE WHEN ascii(${expr}) <= 32 OR ${endsInWhitespace} THEN ${trimmedIdentifierSql(expr)} ELSE ${expr} END)`;
}

/** SQL: the digits of a (trimmed) phone, the one costly step of its normalization. */
export function phoneDigitsSql(trimmed: string): string {
  return `regexp_replace(${trimmed}, '[^0-9]', '', 'g')`;
}

const indianSql = (digits: string) => `(length(${digits}) = 10 OR (length(${digits}) = 11 AND left(${digits}, 1) = '0') OR (length(${digits}) = 12 AND left(${digits}, 2) = '91'))`;

/** SQL: whether a number of 7 to 15 digits is on the blocklist, by its national number or as it is stored (+91…). */
function blockedNumberSql(digits: string, blocklist: Blocklist): string {
  return `CASE WHEN ${indianSql(digits)}
      THEN ${blockedSql(`right(${digits}, 10)`, blocklist)} OR ${blockedSql(`'+91' || right(${digits}, 10)`, blocklist)}
      ELSE ${blockedSql(digits, blocklist)} OR ${blockedSql(`'+' || ${digits}`, blocklist)} END`;
}

function phoneSql(digits: string, blocklist: Blocklist): string {
  return `CASE
      WHEN length(${digits}) < 7 OR length(${digits}) > 15 THEN NULL
      WHEN ${blockedNumberSql(digits, blocklist)} THEN NULL
      WHEN ${indianSql(digits)} THEN '+91' || right(${digits}, 10)
      ELSE '+' || ${digits}
    END`;
}

/**
 * SQL: whether a phone's digits (phoneDigitsSql) make a number the blocklist names, by its national
 * number or as it is stored: a value the audit should count as blocked, not as malformed.
 */
export function phoneBlockedSql(digits: string, blocklist: Blocklist = DEFAULT_BLOCKLIST): string {
  return `(length(${digits}) BETWEEN 7 AND 15 AND ${blockedNumberSql(digits, blocklist)})`;
}

/**
 * The intermediate values of one identifier's normalization, as SQL expressions or column names:
 * `trimmed` (trimmedIdentifierSql of the VARCHAR value), `cleaned` (lower(trimmed)) and, for phones,
 * `digits` (phoneDigitsSql(trimmed)). Each is referenced several times; a caller normalizing millions
 * of values computes them once, as columns of an inner query, and passes the column names.
 */
export interface NormalizationParts {
  trimmed: string;
  cleaned: string;
  digits: string;
}

/** The parts as expressions of the raw VARCHAR expression `expr`: what normalizedIdentifierSql inlines. */
export function normalizationPartsSql(expr: string): NormalizationParts {
  const trimmed = trimmedIdentifierSql(`CAST(${expr} AS VARCHAR)`);
  return { trimmed, cleaned: `lower(${trimmed})`, digits: phoneDigitsSql(trimmed) };
}

/** normalizedIdentifierSql from precomputed parts (see NormalizationParts); the one definition both use. */
export function normalizedFromPartsSql(type: string, parts: NormalizationParts, blocklist: Blocklist = DEFAULT_BLOCKLIST): string {
  const { trimmed, cleaned } = parts;
  // A normalized phone is at most 16 characters, so only the other types need the length check.
  const value =
    type === 'email'
      ? `CASE WHEN length(${cleaned}) <= ${MAX_IDENTIFIER_LENGTH} AND regexp_matches(${cleaned}, ${sqlString(EMAIL)}) THEN ${cleaned} END`
      : type === 'phone'
        ? phoneSql(parts.digits, blocklist)
        : `CASE WHEN length(${trimmed}) BETWEEN 1 AND ${MAX_IDENTIFIER_LENGTH} THEN ${trimmed} END`;
  return `(CASE WHEN ${trimmed} IS NULL OR ${blockedSql(cleaned, blocklist)} THEN NULL ELSE ${value} END)`;
}

/**
 * SQL for normalizeIdentifier: the normalized value of `expr` (a VARCHAR expression) as an
 * identifier of `type`, or NULL when it is junk or malformed. `type` is a known name, not input.
 */
export function normalizedIdentifierSql(type: string, expr: string, blocklist: Blocklist = DEFAULT_BLOCKLIST): string {
  return normalizedFromPartsSql(type, normalizationPartsSql(expr), blocklist);
}

/**
 * How a processed table's column is compared with the identity map's `id_value`. For ids whose
 * normalization is a trim (user_id, anonymous_id, device_id), the trim alone suffices: a junk value
 * is simply absent from the map, so it resolves to no customer without the blocklist's regex per
 * row. Emails and phones need their full normalization.
 */
export function identifierJoinKeySql(type: string, expr: string, blocklist: Blocklist = DEFAULT_BLOCKLIST): string {
  if (type === 'email' || type === 'phone') return normalizedIdentifierSql(type, expr, blocklist);
  return trimmedIdentifierSql(expr);
}

/**
 * Joins rows to their stitched customer, the way every downstream job must: an event's customer is
 * coalesce(map[user_id], map[anonymous_id]); an order's (no anonymous id) is map[user_id]. `map` is
 * the identity map relation (columns id_type, id_value, customer_id), `row` the alias of the rows.
 * Returns the LEFT JOIN clauses and the customer expression; rows of no known customer get NULL.
 *
 *   const { joins, customer } = customerJoinSql(mapRelation, 'e', { userId: 'user_id', anonymousId: 'anonymous_id' });
 *   `SELECT ${customer} AS customer_id, e.* FROM events AS e ${joins}`
 */
export function customerJoinSql(map: string, row: string, columns: { userId: string; anonymousId?: string }): { joins: string; customer: string } {
  const byUser = `LEFT JOIN ${map} AS ${row}_by_user ON ${row}_by_user.id_type = 'user_id' AND ${row}_by_user.id_value = ${identifierJoinKeySql('user_id', `${row}.${columns.userId}`)}`;
  if (columns.anonymousId === undefined) return { joins: byUser, customer: `${row}_by_user.customer_id` };
  const byAnonymous = `LEFT JOIN ${map} AS ${row}_by_anonymous ON ${row}_by_anonymous.id_type = 'anonymous_id' AND ${row}_by_anonymous.id_value = ${identifierJoinKeySql('anonymous_id', `${row}.${columns.anonymousId}`)}`;
  return { joins: `${byUser}\n${byAnonymous}`, customer: `coalesce(${row}_by_user.customer_id, ${row}_by_anonymous.customer_id)` };
}

/** Small SQL expressions the source parsers share. */
import { duckDbTrimmedIdentifierSql } from '../../identity/identifier-normalization';

/** A line holding only whitespace. A regex scan stops at the first non-blank; trim() would copy every line. */
export function blankCheck(text: string): string {
  return `NOT regexp_matches(${text}, '\\S')`;
}

/** A JSON line that is an object: valid JSON whose first non-blank character is `{` (cheaper than json_type). */
export function jsonObjectChecks(text: string): string {
  return `${blankCheck(text)} AS blank,
        json_valid(${text}) AS valid_json,
        regexp_matches(${text}, '^\\s*\\{') AS is_object`;
}

/**
 * An ISO-8601 time (any offset) as a UTC TIMESTAMP, or NULL. Going through TIMESTAMPTZ honours
 * offsets like +05:30; timezone('UTC', …) makes the result independent of the session zone.
 */
export function utcTimestamp(text: string): string {
  return `timezone('UTC', try_cast(${text} AS TIMESTAMPTZ))`;
}

/** Text of a JSON value extracted as a string, with empty strings treated as absent. */
export function present(text: string): string {
  return `nullif(trim(${text}), '')`;
}

/**
 * An identifier's text, trimmed of every ASCII whitespace character (tabs and line breaks too, not
 * only spaces) as identity stitching trims it, with empty strings treated as absent: the identity
 * map's values, so the lake's readers (funnels, the stitched clickstream) can join by equality.
 */
export function presentIdentifier(text: string): string {
  return `nullif(${duckDbTrimmedIdentifierSql(text)}, '')`;
}

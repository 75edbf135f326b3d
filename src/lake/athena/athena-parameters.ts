import type { LakeValue } from '../lake-engine.port';

/** StartQueryExecution rejects an ExecutionParameters entry longer than this (API reference, length constraint). */
export const MAX_EXECUTION_PARAMETER_LENGTH = 1024;

/** A parameter Athena cannot take; thrown before any request is sent. */
export class AthenaParameterError extends TypeError {
  constructor(position: number, problem: string) {
    super(`lake parameter ${position} (1-based): ${problem}`);
    this.name = 'AthenaParameterError';
  }
}

/**
 * Athena binds each ExecutionParameters entry as a SQL expression in the `?` position, so a value
 * must arrive as a literal of its type: strings quoted with inner quotes doubled (Trino string
 * literals have no backslash escapes), numbers as numerals, dates as TIMESTAMP literals. Getting
 * this wrong is an injection hole, hence no fallbacks: anything without an exact literal is rejected.
 */
export function toAthenaLiteral(value: LakeValue, position = 1): string {
  if (value === null) return 'NULL';
  if (typeof value === 'string') return `'${value.replaceAll("'", "''")}'`;
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return numberLiteral(value);
  if (value instanceof Date) return timestampLiteral(value, position);
  if (Array.isArray(value)) return `ARRAY[${value.map((item) => toAthenaLiteral(item, position)).join(', ')}]`;
  // A JS object could mean ROW, MAP or JSON in Athena, each with different field types; guessing
  // would bind something the caller did not mean.
  throw new AthenaParameterError(position, 'objects have no Athena literal; pass JSON text and use json_parse(?), or bind the fields one by one');
}

function numberLiteral(value: number): string {
  // NaN and ±Infinity have no numeral; this cast spelling works in Trino (and DuckDB, for the local server).
  if (Number.isNaN(value)) return "CAST('NaN' AS DOUBLE)";
  if (!Number.isFinite(value)) return value > 0 ? "CAST('Infinity' AS DOUBLE)" : "CAST('-Infinity' AS DOUBLE)";
  // Exact integers stay integers (they may feed LIMIT or compare with bigint columns).
  if (Number.isSafeInteger(value)) return String(value);
  // Anything else is a JS double: an exponent makes Trino read a DOUBLE, not a DECIMAL, and
  // toExponential() without digits round-trips the exact value.
  return value.toExponential().toUpperCase();
}

function timestampLiteral(value: Date, position: number): string {
  if (Number.isNaN(value.getTime())) throw new AthenaParameterError(position, 'invalid Date');
  const iso = value.toISOString();
  // Years outside 0000-9999 print as ±YYYYYY, which no TIMESTAMP literal accepts.
  if (!/^\d{4}-/.test(iso)) throw new AthenaParameterError(position, `Date ${iso} is outside years 0000-9999`);
  // Lake times are UTC and Athena's TIMESTAMP has no zone: the UTC wall-clock time is the value.
  return `TIMESTAMP '${iso.slice(0, 10)} ${iso.slice(11, 23)}'`;
}

/** The ExecutionParameters list for `params`, or undefined when there are none (Athena rejects an empty list). */
export function toExecutionParameters(params: readonly LakeValue[]): string[] | undefined {
  if (params.length === 0) return undefined;
  return params.map((value, index) => {
    const literal = toAthenaLiteral(value, index + 1);
    if (literal.length > MAX_EXECUTION_PARAMETER_LENGTH) {
      throw new AthenaParameterError(index + 1, `encodes to ${literal.length} characters; Athena accepts at most ${MAX_EXECUTION_PARAMETER_LENGTH} per execution parameter`);
    }
    return literal;
  });
}

import type { LakeValue } from '../lake-engine.port';
import { parseNested } from './athena-nested';

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const INTEGER_TEXT = /^[+-]?\d+$/;
// Athena prints timestamps as `2024-01-02 03:04:05.678`; WITH TIME ZONE adds ` UTC` or an offset.
const TIMESTAMP_TEXT = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2})?)(?:\.(\d+))?(?:\s*(UTC|Z|[+-]\d{2}:?\d{2}))?$/;
const HEX_BYTES = /^[0-9a-f]{2}(?: [0-9a-f]{2})*$/i;

/**
 * ColumnInfo.Type without its parameters: `decimal(10,2)` → `decimal`, `timestamp(3) with time zone`
 * → `timestamp with time zone`, `array(integer)` → `array` (Athena usually sends the bare name already).
 */
export function athenaTypeName(type: string | undefined): string {
  return (type ?? 'varchar')
    .toLowerCase()
    .replace(/\([^()]*\)/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Maps one GetQueryResults cell to JavaScript, as the DuckDB engine maps the same SQL type (the
 * shared contract suite holds both to it). Athena sends every value as text and a NULL as a
 * missing VarCharValue. Nested values arrive in Trino's display form and are parsed best effort
 * (see parseNested); `json` columns are parsed exactly.
 */
export function decodeAthenaValue(text: string | undefined, type: string | undefined): LakeValue {
  if (text === undefined) return null;
  const name = athenaTypeName(type);
  switch (name) {
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : text;
    case 'tinyint':
    case 'smallint':
    case 'integer':
    case 'int':
      return Number(text);
    case 'bigint':
      return INTEGER_TEXT.test(text) ? exactInteger(BigInt(text)) : text;
    // DECIMAL becomes a double like the DuckDB engine does: exact to ~15 digits, which money amounts are.
    case 'double':
    case 'float':
    case 'real':
    case 'decimal':
      return Number(text);
    case 'date':
      // A calendar day is no instant: 'YYYY-MM-DD' text, as the DuckDB engine returns it.
      return text;
    case 'timestamp':
    case 'timestamp with time zone':
      return utcTimestamp(text);
    case 'json':
      return parseJson(text);
    case 'array':
    case 'map':
    case 'row':
      return parseNested(text, name);
    case 'varbinary':
      // Athena shows bytes as spaced hex; base64 is what the DuckDB engine returns for BLOBs.
      return HEX_BYTES.test(text) ? Buffer.from(text.replaceAll(' ', ''), 'hex').toString('base64') : text;
    default:
      // varchar, char, string, time, interval, uuid, ipaddress, unknown: the text itself.
      return text;
  }
}

/** Integers come back as numbers while exact, as bigints beyond 2^53, so no value silently changes. */
function exactInteger(value: bigint): number | bigint {
  return value >= MIN_SAFE && value <= MAX_SAFE ? Number(value) : value;
}

function utcTimestamp(text: string): Date | string {
  const match = TIMESTAMP_TEXT.exec(text);
  // A named zone (`America/New_York`) would need a tz database to resolve; keep the text.
  if (!match) return text;
  const [, day, clock, fraction = '', zone = 'Z'] = match;
  // Date keeps milliseconds; Athena may print microseconds, which are truncated.
  const millis = fraction.padEnd(3, '0').slice(0, 3);
  const offset = zone === 'UTC' || zone === 'Z' ? 'Z' : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone;
  const seconds = clock?.length === 5 ? `${clock}:00` : clock;
  const date = new Date(`${day}T${seconds}.${millis}${offset}`);
  return Number.isNaN(date.getTime()) ? text : date;
}

function parseJson(text: string): LakeValue {
  try {
    return JSON.parse(text) as LakeValue;
  } catch {
    return text;
  }
}

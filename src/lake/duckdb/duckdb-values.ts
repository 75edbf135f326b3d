import {
  BIGINT,
  BOOLEAN,
  DOUBLE,
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBIntervalValue,
  DuckDBListValue,
  DuckDBMapValue,
  DuckDBStructValue,
  DuckDBTimestampMillisecondsValue,
  DuckDBTimestampNanosecondsValue,
  DuckDBTimestampSecondsValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  DuckDBTypeId,
  DuckDBUnionValue,
  DuckDBArrayValue,
  DuckDBBlobValue,
  HUGEINT,
  INTEGER,
  LIST,
  SQLNULL,
  STRUCT,
  TIMESTAMP,
  VARCHAR,
  listValue,
  structValue,
  timestampValue,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';
import type { LakeRow, LakeValue } from '../lake-engine.port';

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MS_PER_DAY = 86_400_000;

/** A bound parameter: the value and the type DuckDB should see, so `?` never relies on guessing. */
export interface BoundParameter {
  value: DuckDBValue;
  type: DuckDBType;
}

/** Maps a JavaScript parameter to DuckDB. Dates bind as UTC TIMESTAMPs, like the lake stores them. */
export function toDuckDbParameter(value: LakeValue): BoundParameter {
  if (value === null) return { value: null, type: SQLNULL };
  if (typeof value === 'string') return { value, type: VARCHAR };
  if (typeof value === 'boolean') return { value, type: BOOLEAN };
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return { value, type: DOUBLE };
    if (value >= INT32_MIN && value <= INT32_MAX) return { value, type: INTEGER };
    // Integers past 2^53 are already imprecise as numbers; callers who care pass a bigint.
    return Number.isSafeInteger(value) ? { value: BigInt(value), type: BIGINT } : { value, type: DOUBLE };
  }
  if (typeof value === 'bigint') {
    return value >= INT64_MIN && value <= INT64_MAX ? { value, type: BIGINT } : { value, type: HUGEINT };
  }
  if (value instanceof Date) {
    const millis = value.getTime();
    if (Number.isNaN(millis)) throw new TypeError('Cannot bind an invalid Date as a lake parameter');
    return { value: timestampValue(BigInt(millis) * 1000n), type: TIMESTAMP };
  }
  if (Array.isArray(value)) {
    const items = value.map(toDuckDbParameter);
    // An empty list has no element to infer from; VARCHAR is the most forgiving element type.
    const itemType = items.find((item) => item.type.typeId !== DuckDBTypeId.SQLNULL)?.type ?? VARCHAR;
    return { value: listValue(items.map((item) => item.value)), type: LIST(itemType) };
  }
  const entries: Record<string, DuckDBValue> = {};
  const types: Record<string, DuckDBType> = {};
  for (const [key, entry] of Object.entries(value)) {
    const bound = toDuckDbParameter(entry);
    entries[key] = bound.value;
    types[key] = bound.type.typeId === DuckDBTypeId.SQLNULL ? VARCHAR : bound.type;
  }
  return { value: structValue(entries), type: STRUCT(types) };
}

/** Integers come back as numbers while exact, as bigints beyond 2^53, so no value silently changes. */
function integer(value: bigint): number | bigint {
  return value >= MIN_SAFE && value <= MAX_SAFE ? Number(value) : value;
}

function dateFromMillis(millis: bigint, original: { toString(): string }): Date | string {
  // Infinite or out-of-range timestamps have no Date; their SQL text is the honest answer.
  const asNumber = Number(millis);
  return Math.abs(asNumber) <= 8.64e15 ? new Date(asNumber) : original.toString();
}

/** Maps one DuckDB value of a known column type to the lake's JavaScript value. */
export function fromDuckDbValue(value: DuckDBValue, type: DuckDBType): LakeValue {
  if (value === null) return null;
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return Boolean(value);
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
      return Number(value);
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
    case DuckDBTypeId.BIGNUM:
      return typeof value === 'bigint' ? integer(value) : Number(value);
    case DuckDBTypeId.DECIMAL:
      return value instanceof DuckDBDecimalValue ? value.toDouble() : Number(value);
    case DuckDBTypeId.TIMESTAMP:
      return value instanceof DuckDBTimestampValue ? dateFromMillis(value.micros / 1000n, value) : String(value);
    case DuckDBTypeId.TIMESTAMP_TZ:
      return value instanceof DuckDBTimestampTZValue ? dateFromMillis(value.micros / 1000n, value) : String(value);
    case DuckDBTypeId.TIMESTAMP_S:
      return value instanceof DuckDBTimestampSecondsValue ? dateFromMillis(value.seconds * 1000n, value) : String(value);
    case DuckDBTypeId.TIMESTAMP_MS:
      return value instanceof DuckDBTimestampMillisecondsValue ? dateFromMillis(value.millis, value) : String(value);
    case DuckDBTypeId.TIMESTAMP_NS:
      return value instanceof DuckDBTimestampNanosecondsValue ? dateFromMillis(value.nanos / 1_000_000n, value) : String(value);
    case DuckDBTypeId.DATE:
      // A calendar day has no time zone; 'YYYY-MM-DD' is what Athena returns too and sorts as text.
      return value instanceof DuckDBDateValue && value.isFinite
        ? new Date(value.days * MS_PER_DAY).toISOString().slice(0, 10)
        : String(value);
    case DuckDBTypeId.INTERVAL:
      return value instanceof DuckDBIntervalValue
        ? { months: value.months, days: value.days, micros: integer(value.micros) }
        : String(value);
    case DuckDBTypeId.BLOB:
      return value instanceof DuckDBBlobValue ? Buffer.from(value.bytes).toString('base64') : String(value);
    case DuckDBTypeId.LIST:
      return value instanceof DuckDBListValue ? value.items.map((item) => fromDuckDbValue(item, type.valueType)) : String(value);
    case DuckDBTypeId.ARRAY:
      return value instanceof DuckDBArrayValue ? value.items.map((item) => fromDuckDbValue(item, type.valueType)) : String(value);
    case DuckDBTypeId.STRUCT: {
      if (!(value instanceof DuckDBStructValue)) return String(value);
      const result: { [key: string]: LakeValue } = {};
      for (const [key, entry] of Object.entries(value.entries)) result[key] = fromDuckDbValue(entry, type.typeForEntry(key));
      return result;
    }
    case DuckDBTypeId.MAP: {
      if (!(value instanceof DuckDBMapValue)) return String(value);
      // Object keys are strings; map keys of other types keep their SQL text form.
      const result: { [key: string]: LakeValue } = {};
      for (const entry of value.entries) result[String(entry.key)] = fromDuckDbValue(entry.value, type.valueType);
      return result;
    }
    case DuckDBTypeId.UNION:
      return value instanceof DuckDBUnionValue ? fromDuckDbValue(value.value, type.memberTypeForTag(value.tag)) : String(value);
    case DuckDBTypeId.SQLNULL:
      return null;
    default:
      // VARCHAR, JSON, UUID, ENUM, TIME, BIT and the rest: their SQL text is exact and portable.
      return String(value);
  }
}

/** Converts a materialized result (column names, types, row values) into lake rows. */
export function toLakeRows(names: readonly string[], types: readonly DuckDBType[], rows: readonly DuckDBValue[][]): LakeRow[] {
  return rows.map((row) => {
    const result: LakeRow = {};
    for (let index = 0; index < names.length; index++) {
      const name = names[index];
      const type = types[index];
      if (name === undefined || type === undefined) continue;
      result[name] = fromDuckDbValue(row[index] ?? null, type);
    }
    return result;
  });
}

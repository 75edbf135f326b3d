import {
  DuckDBArrayValue,
  DuckDBBlobValue,
  DuckDBListValue,
  DuckDBMapValue,
  DuckDBStructValue,
  DuckDBTimestampMillisecondsValue,
  DuckDBTimestampNanosecondsValue,
  DuckDBTimestampSecondsValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  DuckDBTypeId,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';

/** The name Athena puts in ColumnInfo.Type for a DuckDB column type (Athena sends nested types bare). */
export function athenaTypeOf(type: DuckDBType): string {
  if (type.alias?.toUpperCase() === 'JSON') return 'json';
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return 'boolean';
    case DuckDBTypeId.TINYINT:
      return 'tinyint';
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.UTINYINT:
      return 'smallint';
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.USMALLINT:
      return 'integer';
    // DuckDB widens sum(bigint) to HUGEINT where Athena keeps bigint; the values are the same.
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
      return 'bigint';
    case DuckDBTypeId.FLOAT:
      return 'float';
    case DuckDBTypeId.DOUBLE:
      return 'double';
    case DuckDBTypeId.DECIMAL:
    case DuckDBTypeId.BIGNUM:
      return 'decimal';
    case DuckDBTypeId.BLOB:
      return 'varbinary';
    case DuckDBTypeId.DATE:
      return 'date';
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
      return 'timestamp';
    case DuckDBTypeId.TIMESTAMP_TZ:
      return 'timestamp with time zone';
    case DuckDBTypeId.TIME:
      return 'time';
    case DuckDBTypeId.TIME_TZ:
      return 'time with time zone';
    case DuckDBTypeId.INTERVAL:
      return 'interval day to second';
    case DuckDBTypeId.LIST:
    case DuckDBTypeId.ARRAY:
      return 'array';
    case DuckDBTypeId.STRUCT:
      return 'row';
    case DuckDBTypeId.MAP:
      return 'map';
    case DuckDBTypeId.UUID:
      return 'uuid';
    case DuckDBTypeId.SQLNULL:
      return 'unknown';
    default:
      return 'varchar';
  }
}

/** A value as Athena's GetQueryResults prints it; undefined for NULL (Athena omits VarCharValue). */
export function athenaTextOf(value: DuckDBValue, type: DuckDBType): string | undefined {
  if (value === null) return undefined;
  return render(value, type);
}

function render(value: DuckDBValue, type: DuckDBType): string {
  if (value === null) return 'null';
  if (typeof value === 'number') return type.typeId === DuckDBTypeId.FLOAT ? javaFloat(value) : type.typeId === DuckDBTypeId.DOUBLE ? javaDouble(value) : String(value);
  if (value instanceof DuckDBTimestampTZValue) return `${timestampText(value.micros / 1000n, value)} UTC`;
  if (value instanceof DuckDBTimestampValue) return timestampText(value.micros / 1000n, value);
  if (value instanceof DuckDBTimestampSecondsValue) return timestampText(value.seconds * 1000n, value);
  if (value instanceof DuckDBTimestampMillisecondsValue) return timestampText(value.millis, value);
  if (value instanceof DuckDBTimestampNanosecondsValue) return timestampText(value.nanos / 1_000_000n, value);
  if (value instanceof DuckDBBlobValue) return Buffer.from(value.bytes).toString('hex').replace(/(..)(?!$)/g, '$1 ');
  // Trino's display forms: `[a, b]`, `{k=v}`, `{field=v}`; strings inside are not quoted.
  if (value instanceof DuckDBListValue || value instanceof DuckDBArrayValue) {
    const itemType = type.typeId === DuckDBTypeId.LIST || type.typeId === DuckDBTypeId.ARRAY ? type.valueType : type;
    return `[${value.items.map((item) => render(item, itemType)).join(', ')}]`;
  }
  if (value instanceof DuckDBStructValue) {
    const fields = Object.entries(value.entries).map(([name, entry]) => `${name}=${render(entry, type.typeId === DuckDBTypeId.STRUCT ? type.typeForEntry(name) : type)}`);
    return `{${fields.join(', ')}}`;
  }
  if (value instanceof DuckDBMapValue) {
    const [keyType, valueType] = type.typeId === DuckDBTypeId.MAP ? [type.keyType, type.valueType] : [type, type];
    return `{${value.entries.map((entry) => `${render(entry.key, keyType)}=${render(entry.value, valueType)}`).join(', ')}}`;
  }
  return String(value);
}

/** `2024-01-02 03:04:05.678`: Athena always prints the milliseconds. */
function timestampText(millis: bigint, original: { toString(): string }): string {
  const asNumber = Number(millis);
  if (Math.abs(asNumber) > 8.64e15) return original.toString();
  return new Date(asNumber).toISOString().replace('T', ' ').replace('Z', '');
}

/** Java's Double.toString, which Athena uses: `2.0`, `1.0E20`, `NaN`, `Infinity`. */
function javaDouble(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    const text = String(value);
    return text.includes('.') ? text : `${text}.0`;
  }
  const [mantissa = '0', exponent = '0'] = value.toExponential().split('e');
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
}

/** Java's Float.toString: the shortest decimal that reads back as the same 32-bit float. */
function javaFloat(value: number): string {
  if (!Number.isFinite(value)) return javaDouble(value);
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === value) return javaDouble(candidate);
  }
  return javaDouble(value);
}

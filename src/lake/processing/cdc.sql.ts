import { boundsPredicate, type DayBounds } from './day-range';
import { blankCheck, presentIdentifier } from './sql-fragments';
import type { CdcColumn, CdcTableSpec } from './cdc-tables';

/**
 * DMS writes RFC 4180 CSV: a field is either quoted ("a, ""b""") or free of commas and quotes.
 * A row is well formed when the whole line is such fields joined by commas; each field is then
 * the text after the line start or a comma. RE2 does this in DuckDB without a per-row UDF.
 * (A quoted field holding a newline would span two lines; both halves are quarantined as malformed.)
 */
const FIELD = `"(?:[^"]|"")*"|[^,"]*`;
export const CSV_ROW_PATTERN = `(?:${FIELD})(?:,(?:${FIELD}))*`;
export const CSV_FIELD_PATTERN = `(?:^|,)(${FIELD})`;

/** An unquoted empty field is SQL NULL (DMS's NULL); a quoted one is the text inside, quotes unescaped. */
const UNQUOTE = `x -> CASE WHEN x = '' THEN NULL WHEN x[1] = '"' THEN replace(x[2:-2], '""', '"') ELSE x END`;

const TIMESTAMP_FORMATS = `['%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M:%S.%f']`;

function typed(column: CdcColumn): string {
  const raw = `raw_${column.name}`;
  switch (column.type) {
    case 'text':
      return raw;
    case 'timestamp':
      return `try_strptime(${raw}, ${TIMESTAMP_FORMATS})`;
    case 'amount':
      return `try_cast(${raw} AS DECIMAL(12,2))`;
  }
}

/** Why a typed value is missing although its text was there. */
function typeFailure(column: CdcColumn): string | undefined {
  switch (column.type) {
    case 'text':
      return undefined;
    case 'timestamp':
      return `unparseable_timestamp:${column.name}`;
    case 'amount':
      return `invalid_number:${column.name}`;
  }
}

/** Parquet/SQL type of a processed column. */
export function cdcSqlType(column: CdcColumn): string {
  return column.type === 'timestamp' ? 'TIMESTAMP' : column.type === 'amount' ? 'DECIMAL(12,2)' : 'VARCHAR';
}

/** Stores the header of every file whose first line is in `lines`; later segments of the file need it too. */
export function cdcHeadersSql(lines: string, headers: string): string {
  return `INSERT INTO ${headers}
    SELECT file_seq, list_transform(regexp_extract_all(text, '${CSV_FIELD_PATTERN}', 1), ${UNQUOTE}) AS fields
    FROM ${lines}
    WHERE line_no = 1 AND regexp_full_match(text, '${CSV_ROW_PATTERN}')`;
}

/**
 * Parses the lines of one batch: typed columns plus `reason`/`detail` for lines that cannot be
 * used. Columns are found by header name (DMS may add or reorder columns); a change file's header
 * starts with `Op`, a full-load file's does not.
 */
export function cdcParseSelect(spec: CdcTableSpec, lines: string, headers: string): string {
  const pk = spec.primaryKey;
  const rawColumns = spec.columns
    .map((c) => `${presentIdentifier(`fields[list_position(header, '${c.name}')]`)} AS raw_${c.name}`)
    .join(',\n        ');
  const typedColumns = spec.columns.map((c) => `${typed(c)} AS ${c.name}`).join(',\n        ');
  const typeChecks = spec.columns
    .filter((c) => c.name !== 'updated_at' && c.name !== 'created_at')
    .flatMap((c) => {
      const failure = typeFailure(c);
      return failure ? [`WHEN op <> 'D' AND raw_${c.name} IS NOT NULL AND ${c.name} IS NULL THEN '${failure}'`] : [];
    })
    .join('\n          ');
  return `WITH fielded AS (
      SELECT file_seq, line_no, text,
        ${blankCheck('text')} AS blank,
        regexp_full_match(text, '${CSV_ROW_PATTERN}') AS well_formed
      FROM ${lines}
    ), framed AS (
      SELECT f.file_seq, f.line_no, f.text, f.blank, f.well_formed,
        CASE WHEN f.well_formed AND NOT f.blank
             THEN list_transform(regexp_extract_all(f.text, '${CSV_FIELD_PATTERN}', 1), ${UNQUOTE}) END AS fields,
        list_transform(h.fields, x -> lower(trim(x))) AS header
      FROM fielded AS f LEFT JOIN ${headers} AS h USING (file_seq)
    ), valued AS (
      SELECT file_seq, line_no, text, blank, well_formed, fields,
        coalesce(list_position(header, '${pk}') IS NOT NULL, false) AS has_header,
        coalesce(header[1] = 'op', false) AS has_op,
        len(fields) AS field_count, len(header) AS header_count,
        CASE WHEN coalesce(header[1] = 'op', false) THEN fields[1] ELSE 'I' END AS op,
        ${rawColumns}
      FROM framed
    ), typed AS (
      SELECT *,
        ${typedColumns}
      FROM valued
      -- a file's own header line is not a record
      WHERE NOT (line_no = 1 AND has_header)
    )
    SELECT file_seq, line_no, op,
      ${spec.columns.map((c) => c.name).join(', ')},
      strftime(created_at, '%Y-%m-%d') AS dt,
      CASE
          WHEN blank THEN 'blank_line'
          WHEN NOT well_formed THEN 'malformed_csv'
          WHEN NOT has_header THEN 'missing_header'
          WHEN field_count <> header_count THEN 'wrong_column_count'
          WHEN op IS NULL OR op NOT IN ('I', 'U', 'D') THEN 'unknown_op'
          WHEN raw_${pk} IS NULL THEN 'missing_field:${pk}'
          WHEN raw_updated_at IS NULL THEN 'missing_field:updated_at'
          WHEN updated_at IS NULL THEN 'unparseable_timestamp:updated_at'
          WHEN op <> 'D' AND raw_created_at IS NULL THEN 'missing_field:created_at'
          WHEN op <> 'D' AND created_at IS NULL THEN 'unparseable_timestamp:created_at'
          ${typeChecks}
      END AS reason,
      CASE
          WHEN NOT blank AND well_formed AND has_header AND field_count <> header_count
            THEN 'expected ' || header_count || ' fields (header), got ' || field_count
          WHEN NOT blank AND well_formed AND has_header AND (op IS NULL OR op NOT IN ('I', 'U', 'D'))
            THEN 'Op=' || coalesce(op, '(empty)')
          WHEN NOT blank AND well_formed AND NOT has_header
            THEN 'the file''s first line is not a header naming ${pk}'
      END AS detail
    FROM typed`;
}

/**
 * A table's current state: per primary key, the change with the latest `updated_at`, ties broken
 * by file order then line order (DMS writes a key's changes in commit order); a winning `D`
 * removes the row. Runs over every landed file; only then are event days outside `bounds` dropped.
 */
export function cdcMergeSql(spec: CdcTableSpec, staged: string, bounds: DayBounds): string {
  return `SELECT * FROM (
      SELECT * FROM ${staged}
      QUALIFY row_number() OVER (PARTITION BY ${spec.primaryKey} ORDER BY updated_at DESC, file_seq DESC, line_no DESC) = 1
    )
    WHERE op <> 'D' AND ${boundsPredicate('dt', bounds)}`;
}

import { sqlString } from '../lake-relation';
import { API_LOG_IDENTIFIERS, type IdentifierPlan } from './api-log-identifiers';
import { boundsPredicate, type DayBounds } from './day-range';
import { jsonObjectChecks, present, presentIdentifier, utcTimestamp } from './sql-fragments';

/** Processed api_logs columns, in file order. */
export const API_LOG_COLUMNS = [
  'event_time',
  'service',
  'method',
  'path',
  'status',
  'latency_ms',
  ...API_LOG_IDENTIFIERS,
  'identifiers',
  // Last, added after the others: a table that maps Parquet columns by position still reads the rest.
  'log_id',
] as const;

/** `ts` as ISO-8601 text, or as epoch seconds/milliseconds (some services log numbers). */
function eventTime(raw: string): string {
  const number = `try_cast(${raw} AS DOUBLE)`;
  return `coalesce(
          ${utcTimestamp(raw)},
          CASE WHEN ${number} IS NOT NULL
               THEN timezone('UTC', to_timestamp(CASE WHEN abs(${number}) >= 1e11 THEN ${number} / 1000 ELSE ${number} END)) END)`;
}

/** Parses a batch of API-log lines: the envelope typed, the record kept as text for identifier extraction. */
export function apiLogsParseSelect(lines: string): string {
  return `WITH checked AS (
      SELECT file_seq, line_no, text, ${jsonObjectChecks('text')}
      FROM ${lines}
    ), extracted AS (
      SELECT *,
        CASE WHEN valid_json AND is_object
             THEN json_extract_string(text, ['$.ts', '$.service', '$.method', '$.path', '$.status', '$.latency_ms']) END AS s
      FROM checked
    ), typed AS (
      SELECT file_seq, line_no, text, blank, valid_json, is_object,
        ${present('s[1]')} AS raw_ts,
        ${eventTime('s[1]')} AS event_time,
        ${present('s[2]')} AS service,
        upper(${present('s[3]')}) AS method,
        ${present('s[4]')} AS path,
        try_cast(s[5] AS INTEGER) AS status,
        try_cast(s[6] AS DOUBLE) AS latency_ms
      FROM extracted
    )
    SELECT file_seq, line_no, text, event_time, service, method, path, status, latency_ms,
      strftime(event_time, '%Y-%m-%d') AS dt,
      CASE
        WHEN blank THEN 'blank_line'
        WHEN NOT valid_json THEN 'invalid_json'
        WHEN NOT is_object THEN 'not_an_object'
        WHEN raw_ts IS NULL THEN 'missing_field:ts'
        WHEN event_time IS NULL THEN 'unparseable_timestamp:ts'
      END AS reason,
      CASE WHEN raw_ts IS NOT NULL AND event_time IS NULL THEN 'ts=' || raw_ts END AS detail
    FROM typed`;
}

/** Serialization artifacts clients send instead of an id (identity's blocklist decides about the rest). */
const PLACEHOLDERS = ['null', 'undefined', 'none', 'nil', 'nan', '0', '00000000-0000-0000-0000-000000000000']
  .map((p) => `'${p}'`)
  .join(', ');

/** Shapes of the records in range with how many records have each, for planIdentifiers. */
export function apiLogShapesSql(staged: string, bounds: DayBounds): string {
  return `SELECT json_structure(text)::VARCHAR AS structure, count(*) AS count
    FROM ${staged}
    WHERE ${boundsPredicate('dt', bounds)}
    GROUP BY 1 ORDER BY 1`;
}

/**
 * The processed API logs: one json_extract_string per record pulls every candidate path at once;
 * each identifier is the first non-empty candidate in rule order, and `identifiers` keeps them
 * all with their paths so the identity graph can see every value a record carried.
 *
 * API logs carry no request id, so a record is named by where it was logged: `log_id` is its raw
 * file and line (`raw/api_logs/dt=2026-03-01/part-1.jsonl:42`), unique, stable across reprocessing
 * (raw files are never rewritten), and the provenance identity edges point to. `files` is the run's
 * table of the source's files (createFilesTable).
 */
export function apiLogsSelectSql(staged: string, files: string, plan: IdentifierPlan, bounds: DayBounds): string {
  const value = (index: number): string => presentIdentifier(`v[${index + 1}]`);
  const real = (index: number): string => `CASE WHEN lower(${value(index)}) NOT IN (${PLACEHOLDERS}) THEN ${value(index)} END`;
  const columns = API_LOG_IDENTIFIERS.map((identifier) => {
    const indexes = plan.candidates.flatMap((candidate, index) => (candidate.identifier === identifier ? [index] : []));
    if (indexes.length === 0) return `CAST(NULL AS VARCHAR) AS ${identifier}`;
    // A real value anywhere beats a placeholder in a better-ranked place; a placeholder alone is kept for identity's blocklist.
    return `coalesce(${[...indexes.map(real), ...indexes.map(value)].join(', ')}) AS ${identifier}`;
  });
  const identifiers =
    plan.candidates.length === 0
      ? `CAST([] AS STRUCT(type VARCHAR, path VARCHAR, value VARCHAR)[]) AS identifiers`
      : `list_filter([${plan.candidates
          .map((c, index) => `{'type': '${c.identifier}', 'path': ${sqlString(c.display)}, 'value': ${value(index)}}`)
          .join(', ')}], x -> x.value IS NOT NULL) AS identifiers`;
  const extract =
    plan.candidates.length === 0 ? '' : `, json_extract_string(text, [${plan.candidates.map((c) => sqlString(c.jsonPath)).join(', ')}]) AS v`;
  return `SELECT dt, file_seq, line_no, f.relative_path || ':' || line_no AS log_id, event_time, service, method, path, status, latency_ms,
      ${columns.join(',\n      ')},
      ${identifiers}
    FROM (SELECT *${extract} FROM ${staged} WHERE ${boundsPredicate('dt', bounds)})
    JOIN ${files} AS f USING (file_seq)`;
}

/** The first non-blank line of a statement: enough to find it in the code, short enough for a log line. */
export function firstLineOf(sql: string): string {
  const line = sql.split('\n').find((candidate) => candidate.trim() !== '') ?? '';
  const trimmed = line.trim();
  return trimmed.length > 160 ? `${trimmed.slice(0, 157)}...` : trimmed;
}

/** DuckDB's message for errors about extensions it would need to download. */
const EXTENSION_ERROR = /Extension Autoloading Error|extension "?(\w+)"? (?:is not loaded|not found)|Install it first using "INSTALL (\w+)"/i;

/**
 * A failed lake statement. The message names DuckDB's error and the statement's first line, so a
 * failing job points at the query without dumping (possibly personal) parameter values.
 */
export class DuckDbQueryError extends Error {
  readonly sqlFirstLine: string;

  constructor(sql: string, cause: unknown) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    const firstLine = firstLineOf(sql);
    const hint = EXTENSION_ERROR.test(detail)
      ? ' (extensions are never downloaded: the embedded lake is a local folder, so remote paths such as s3:// or https:// need the Athena engine)'
      : '';
    super(`DuckDB query failed: ${detail.split('\n')[0]}${hint}\n  in: ${firstLine}${detailTail(detail)}`, { cause });
    this.name = 'DuckDbQueryError';
    this.sqlFirstLine = firstLine;
  }
}

/** DuckDB adds useful context (LINE n: …, candidate bindings) after the first line; keep it, indented. */
function detailTail(detail: string): string {
  const rest = detail
    .split('\n')
    .slice(1)
    .filter((line) => line.trim() !== '');
  return rest.length === 0 ? '' : `\n  ${rest.slice(0, 6).join('\n  ')}`;
}

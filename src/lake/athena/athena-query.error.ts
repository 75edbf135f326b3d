/** The first non-blank line of a statement: enough to find it in the code, short enough for a log line. */
export function firstLineOf(sql: string): string {
  const line = (sql.split('\n').find((candidate) => candidate.trim() !== '') ?? '').trim();
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}

/**
 * Why an Athena statement did not return rows. Messages carry the query execution id (to find it
 * in the console or CloudTrail) and the statement's first line, never parameter values, which may
 * be personal data.
 */
export class AthenaQueryError extends Error {
  readonly sqlFirstLine: string;

  constructor(
    summary: string,
    sql: string,
    readonly queryExecutionId: string | undefined,
    options?: ErrorOptions,
  ) {
    const where = queryExecutionId ? `query ${queryExecutionId}, ` : '';
    super(`${summary} (${where}in: ${firstLineOf(sql)})`, options);
    this.name = 'AthenaQueryError';
    this.sqlFirstLine = firstLineOf(sql);
  }
}

/** Athena reported FAILED; `reason` is its StateChangeReason (e.g. `COLUMN_NOT_FOUND: line 1:8: ...`). */
export class AthenaQueryFailedError extends AthenaQueryError {
  constructor(
    sql: string,
    queryExecutionId: string,
    readonly reason: string,
    /** Athena's own hint that resubmitting may succeed (AthenaError.Retryable). */
    readonly retryable: boolean,
  ) {
    super(`Athena query FAILED: ${reason}`, sql, queryExecutionId);
    this.name = 'AthenaQueryFailedError';
  }
}

/** Athena reported CANCELLED without this process asking: someone stopped it (console, CLI, another client). */
export class AthenaQueryCancelledError extends AthenaQueryError {
  constructor(sql: string, queryExecutionId: string, reason: string | undefined) {
    super(`Athena query was CANCELLED outside this process${reason ? `: ${reason}` : ''}`, sql, queryExecutionId);
    this.name = 'AthenaQueryCancelledError';
  }
}

/** The query outlived its time budget; StopQueryExecution was sent so it stops costing money. */
export class AthenaQueryTimeoutError extends AthenaQueryError {
  constructor(
    sql: string,
    queryExecutionId: string | undefined,
    readonly timeoutMs: number,
    stopOutcome: string,
  ) {
    super(`Athena query timed out after ${timeoutMs} ms; ${stopOutcome}`, sql, queryExecutionId);
    this.name = 'AthenaQueryTimeoutError';
  }
}

/** The caller's AbortSignal fired, or the engine was closed, while the query ran. */
export class AthenaQueryAbortedError extends AthenaQueryError {
  constructor(sql: string, queryExecutionId: string | undefined, why: string, stopOutcome: string) {
    super(`Athena query aborted (${why}); ${stopOutcome}`, sql, queryExecutionId);
    this.name = 'AthenaQueryAbortedError';
  }
}

import type { ResultTable } from './duckdb-runner';
import type { QueryExecution } from './query-executions';

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** An Athena API error: the SDK reads `__type` as the exception name and `message` as its text. */
export class AthenaApiError extends Error {
  constructor(
    readonly type: 'InvalidRequestException' | 'UnknownOperationException' | 'SerializationException',
    message: string,
  ) {
    super(message);
  }
}

export function requiredString(input: JsonObject, field: string, maxLength = 1024): string {
  const value = input[field];
  if (typeof value !== 'string' || value.length === 0 || value.length > maxLength) {
    throw new AthenaApiError('InvalidRequestException', `${field} must be a string of 1 to ${maxLength} characters`);
  }
  return value;
}

export function optionalObject(input: JsonObject, field: string): JsonObject {
  const value = input[field];
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {};
}

export function optionalString(input: JsonObject, field: string): string | undefined {
  const value = input[field];
  return typeof value === 'string' ? value : undefined;
}

/** The API reference's constraints: at least one entry, each 1 to 1024 characters. */
export function executionParameters(input: JsonObject): string[] | undefined {
  const value = input.ExecutionParameters;
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0) throw new AthenaApiError('InvalidRequestException', 'ExecutionParameters must hold at least one value');
  return value.map((entry) => {
    if (typeof entry !== 'string' || entry.length === 0 || entry.length > 1024) {
      throw new AthenaApiError('InvalidRequestException', 'Each ExecutionParameters value must be a string of 1 to 1024 characters');
    }
    return entry;
  });
}

const seconds = (date: Date) => date.getTime() / 1000;

/** GetQueryExecution's QueryExecution; timestamps are epoch seconds on the JSON wire. */
export function queryExecutionJson(execution: QueryExecution): JsonObject {
  const status: JsonObject = { State: execution.state, SubmissionDateTime: seconds(execution.submittedAt) };
  if (execution.reason) status.StateChangeReason = execution.reason;
  if (execution.completedAt) status.CompletionDateTime = seconds(execution.completedAt);
  if (execution.state === 'FAILED') {
    status.AthenaError = { ErrorCategory: 2, ErrorType: 1000, Retryable: false, ErrorMessage: execution.reason ?? '' };
  }
  const elapsedMs = (execution.completedAt ?? new Date()).getTime() - execution.submittedAt.getTime();
  return {
    QueryExecutionId: execution.id,
    Query: execution.query,
    StatementType: execution.statementType,
    ResultConfiguration: execution.outputLocation ? { OutputLocation: `${execution.outputLocation.replace(/\/?$/, '/')}${execution.id}.csv` } : {},
    QueryExecutionContext: execution.database ? { Database: execution.database } : {},
    Status: status,
    Statistics: { EngineExecutionTimeInMillis: elapsedMs, DataScannedInBytes: 0, TotalExecutionTimeInMillis: elapsedMs },
    WorkGroup: execution.workGroup,
    ...(execution.parameters ? { ExecutionParameters: [...execution.parameters] } : {}),
  };
}

/**
 * One page of GetQueryResults. Like Athena, a SELECT's first page starts with a row of column
 * names, and that row counts against the page size.
 */
export function resultsPageJson(execution: QueryExecution, result: ResultTable, offset: number, pageSize: number): { page: JsonObject; nextOffset?: number } {
  const header = execution.statementType === 'DML' && result.columns.length > 0 ? [result.columns.map((column) => column.Name)] : [];
  const all: Array<Array<string | undefined>> = [...header, ...result.rows];
  const rows: Json[] = all.slice(offset, offset + pageSize).map((row) => ({ Data: row.map((text): JsonObject => (text === undefined ? {} : { VarCharValue: text })) }));
  const page: JsonObject = {
    UpdateCount: result.updateCount,
    ResultSet: { Rows: rows, ResultSetMetadata: { ColumnInfo: result.columns.map((column) => ({ ...column })) } },
  };
  return offset + pageSize < all.length ? { page, nextOffset: offset + pageSize } : { page };
}

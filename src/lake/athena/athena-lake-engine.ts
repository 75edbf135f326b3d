import {
  AthenaClient,
  GetQueryExecutionCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  type AthenaClientConfig,
} from '@aws-sdk/client-athena';
import type { AppConfig } from '../../config/app-config';
import type { LakeEngine, LakeRow, LakeValue } from '../lake-engine.port';
import { toExecutionParameters } from './athena-parameters';
import { backoffDelays, QueryScope, sleep } from './athena-polling';
import {
  AthenaQueryAbortedError,
  AthenaQueryCancelledError,
  AthenaQueryError,
  AthenaQueryFailedError,
  AthenaQueryTimeoutError,
} from './athena-query.error';
import { MAX_PAGE_SIZE, readAllRows } from './athena-results';

export interface AthenaLakeEngineOptions {
  /** Static keys or a provider. Omitted: the default AWS chain (env, profile, SSO, web identity, instance role). */
  credentials?: AthenaClientConfig['credentials'];
  /** Per-query time budget, start to last page; then StopQueryExecution. Default 30 min, Athena's own DML limit. */
  timeoutMs?: number;
  /** Aborting it stops every running query of this engine; for process-wide shutdown. */
  signal?: AbortSignal;
  /** First wait between status polls (default 50 ms); it doubles up to `pollMaxMs` (default 1 s). */
  pollInitialMs?: number;
  pollMaxMs?: number;
  /** Rows per GetQueryResults call, at most 1000 (the API's limit and the default). */
  pageSize?: number;
  /** Attempts per API call, including the SDK's retries of throttling (TooManyRequestsException). */
  maxAttempts?: number;
  /** Per HTTP request; no single call may hang the engine or its close(). Default 60 s. */
  requestTimeoutMs?: number;
}

/** Per call, beside the port's arguments: `engine.query(sql, params, { signal, timeoutMs })`. */
export interface AthenaQueryOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

type AthenaTarget = Pick<AppConfig['athena'], 'workGroup' | 'database' | 'outputLocation'>;

const DEFAULT_TIMEOUT_MS = 30 * 60_000;
const STOP_TIMEOUT_MS = 10_000;

/**
 * The production lake engine: Amazon Athena over the S3 lake, through StartQueryExecution, status
 * polling with exponential backoff, and paged GetQueryResults. Every query has a deadline and can be
 * aborted; either way the query is stopped in Athena too, since it would otherwise keep scanning
 * (and billing) after the caller gave up.
 */
export class AthenaLakeEngine implements LakeEngine {
  readonly dialect = 'athena' as const;
  private readonly closing = new AbortController();
  private readonly inFlight = new Set<Promise<unknown>>();
  private closed = false;

  constructor(
    private readonly client: AthenaClient,
    private readonly target: AthenaTarget,
    private readonly options: AthenaLakeEngineOptions = {},
  ) {
    const pageSize = options.pageSize ?? MAX_PAGE_SIZE;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
      throw new RangeError(`pageSize must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${pageSize}`);
    }
  }

  /** An engine on its own AthenaClient; `config.endpoint` points it at a non-AWS endpoint (the tests' local server). */
  static create(config: AppConfig['athena'], options: AthenaLakeEngineOptions = {}): AthenaLakeEngine {
    const client = new AthenaClient({
      region: config.region,
      ...(config.endpoint ? { endpoint: config.endpoint } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
      ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
      requestHandler: { connectionTimeout: 10_000, requestTimeout: options.requestTimeoutMs ?? 60_000, throwOnRequestTimeout: true },
    });
    return new AthenaLakeEngine(client, config, options);
  }

  async query(sql: string, params: readonly LakeValue[] = [], options: AthenaQueryOptions = {}): Promise<LakeRow[]> {
    return this.run(sql, params, options, true);
  }

  async execute(sql: string, params: readonly LakeValue[] = [], options: AthenaQueryOptions = {}): Promise<void> {
    await this.run(sql, params, options, false);
  }

  /** Stops running queries in Athena, waits for them to settle, then destroys the client. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.closing.abort();
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    this.client.destroy();
  }

  private async run(sql: string, params: readonly LakeValue[], options: AthenaQueryOptions, wantRows: boolean): Promise<LakeRow[]> {
    if (this.closed) throw new AthenaQueryError('the lake engine is closed', sql, undefined);
    // Before any request: a parameter Athena cannot take must not leave a half-started query behind.
    const executionParameters = toExecutionParameters(params);
    const scope = new QueryScope(options.timeoutMs ?? this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS, [
      { signal: this.closing.signal, why: 'the lake engine was closed' },
      this.options.signal && { signal: this.options.signal, why: "the engine's signal was aborted" },
      options.signal && { signal: options.signal, why: 'the caller aborted' },
    ]);
    const task = this.runInScope(sql, executionParameters, scope, wantRows);
    this.track(task);
    try {
      return await task;
    } finally {
      scope.dispose();
    }
  }

  private async runInScope(sql: string, parameters: string[] | undefined, scope: QueryScope, wantRows: boolean): Promise<LakeRow[]> {
    let id: string | undefined;
    let finished = false;
    try {
      id = await this.start(sql, parameters, scope);
      const statementType = await this.waitForSuccess(sql, id, scope);
      finished = true;
      if (!wantRows) return [];
      // DDL and UTILITY results (SHOW, DESCRIBE) carry no header row, so their first row is data.
      const mayHaveHeader = statementType !== 'DDL' && statementType !== 'UTILITY';
      return await readAllRows(this.client, id, { pageSize: this.options.pageSize ?? MAX_PAGE_SIZE, mayHaveHeader, signal: scope.signal });
    } catch (error) {
      // FAILED and CANCELLED are answers from Athena; they win over a deadline that fired meanwhile.
      if (error instanceof AthenaQueryError || !scope.end) throw toQueryError(error, sql, id);
      const stopOutcome = !id ? 'no query was started' : finished ? 'the query had already finished' : await this.stop(id);
      if (scope.end.kind === 'timeout') throw new AthenaQueryTimeoutError(sql, id, scope.end.timeoutMs, stopOutcome);
      throw new AthenaQueryAbortedError(sql, id, scope.end.why, stopOutcome);
    }
  }

  private async start(sql: string, parameters: string[] | undefined, scope: QueryScope): Promise<string> {
    // Aborted before it began (a pre-aborted signal, a closing engine): send nothing at all.
    if (scope.signal.aborted) throw scope.signal.reason;
    const request = this.client.send(
      new StartQueryExecutionCommand({
        QueryString: sql,
        WorkGroup: this.target.workGroup,
        QueryExecutionContext: { Database: this.target.database },
        // Empty: the workgroup's own result location applies (and wins anyway when the workgroup enforces it).
        ...(this.target.outputLocation ? { ResultConfiguration: { OutputLocation: this.target.outputLocation } } : {}),
        ...(parameters ? { ExecutionParameters: parameters } : {}),
      }),
    );
    // Start is not aborted mid-flight: Athena may have accepted it, and only its answer names the
    // query to stop. An abort stops waiting at once and stops the query when the answer arrives.
    try {
      const output = await Promise.race([request, rejectOnAbort(scope.signal)]);
      if (!output.QueryExecutionId) throw new AthenaQueryError('StartQueryExecution returned no QueryExecutionId', sql, undefined);
      return output.QueryExecutionId;
    } catch (error) {
      if (scope.end) this.track(request.then(async (late) => late.QueryExecutionId && this.stop(late.QueryExecutionId)).catch(() => undefined));
      throw error;
    }
  }

  /** Resolves with the statement's type once it SUCCEEDED; FAILED and CANCELLED become errors. */
  private async waitForSuccess(sql: string, id: string, scope: QueryScope): Promise<string | undefined> {
    const { pollInitialMs = 50, pollMaxMs = 1000 } = this.options;
    for (const delay of backoffDelays(pollInitialMs, pollMaxMs)) {
      // Wait first: no query finishes in the instant after StartQueryExecution returns.
      await sleep(delay, scope.signal);
      const { QueryExecution } = await this.client.send(new GetQueryExecutionCommand({ QueryExecutionId: id }), { abortSignal: scope.signal });
      const status = QueryExecution?.Status;
      switch (status?.State) {
        case 'SUCCEEDED':
          return QueryExecution?.StatementType;
        case 'FAILED': {
          const reason = status.StateChangeReason ?? status.AthenaError?.ErrorMessage ?? 'Athena gave no reason';
          throw new AthenaQueryFailedError(sql, id, reason, status.AthenaError?.Retryable ?? false);
        }
        case 'CANCELLED':
          throw new AthenaQueryCancelledError(sql, id, status.StateChangeReason);
      }
    }
  }

  /** Best effort, with its own deadline (the query's signal has already fired); says what happened, for the error. */
  private async stop(id: string): Promise<string> {
    try {
      await this.client.send(new StopQueryExecutionCommand({ QueryExecutionId: id }), { abortSignal: AbortSignal.timeout(STOP_TIMEOUT_MS) });
      return 'StopQueryExecution was sent';
    } catch (error) {
      return `StopQueryExecution failed (${describe(error)}), so the query may still be running`;
    }
  }

  private track(work: Promise<unknown>): void {
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    this.inFlight.add(settled);
    void settled.then(() => this.inFlight.delete(settled));
  }
}

function rejectOnAbort(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** SDK and network errors (InvalidRequestException, throttling after retries, ...) keep their cause but gain the query's context. */
function toQueryError(error: unknown, sql: string, id: string | undefined): Error {
  if (error instanceof AthenaQueryError) return error;
  return new AthenaQueryError(`Athena request failed: ${describe(error)}`, sql, id, { cause: error });
}

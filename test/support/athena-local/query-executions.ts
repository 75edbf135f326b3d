import { randomUUID } from 'node:crypto';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { runStatement, statementTypeOf, type ResultTable, type StatementType } from './duckdb-runner';
import { substitutePlaceholders } from './sql-placeholders';

export type QueryState = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

/** How long queries linger in each state, read when a query starts (tests change them between queries). */
export interface ExecutionTimings {
  queuedMs: number;
  runningMs: number;
}

export interface QueryExecution {
  id: string;
  query: string;
  parameters: readonly string[] | undefined;
  statementType: StatementType;
  workGroup: string;
  database: string | undefined;
  outputLocation: string | undefined;
  state: QueryState;
  reason?: string;
  submittedAt: Date;
  completedAt?: Date;
  result?: ResultTable;
}

/**
 * Query executions and their life: QUEUED for `queuedMs`, then RUNNING while DuckDB works and for
 * at least `runningMs`, then SUCCEEDED or FAILED; StopQueryExecution turns a live one CANCELLED.
 * The delays exist so clients must really poll.
 */
export class QueryExecutions {
  private readonly executions = new Map<string, QueryExecution>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly connections = new Map<string, DuckDBConnection>();
  private readonly work = new Set<Promise<void>>();

  constructor(private readonly duckdb: DuckDBInstance) {}

  get(id: string): QueryExecution | undefined {
    return this.executions.get(id);
  }

  all(): QueryExecution[] {
    return [...this.executions.values()];
  }

  start(input: Omit<QueryExecution, 'id' | 'state' | 'submittedAt' | 'statementType'>, timings: ExecutionTimings): QueryExecution {
    const execution: QueryExecution = { ...input, id: randomUUID(), state: 'QUEUED', submittedAt: new Date(), statementType: statementTypeOf(input.query) };
    this.executions.set(execution.id, execution);
    this.later(execution.id, timings.queuedMs, () => this.run(execution, timings.runningMs));
    return execution;
  }

  stop(id: string): void {
    const execution = this.executions.get(id);
    // Stopping a finished query is a no-op in Athena, not an error.
    if (!execution || (execution.state !== 'QUEUED' && execution.state !== 'RUNNING')) return;
    this.finish(execution, 'CANCELLED', 'Query cancelled by user');
    this.connections.get(id)?.interrupt();
  }

  /** Cancels what is live and waits for DuckDB to return, so the instance can close. */
  async close(): Promise<void> {
    for (const execution of this.executions.values()) this.stop(execution.id);
    await Promise.allSettled([...this.work]);
  }

  private run(execution: QueryExecution, runningMs: number): void {
    if (execution.state !== 'QUEUED') return;
    execution.state = 'RUNNING';
    const earliestEnd = Date.now() + runningMs;
    const work = this.execute(execution).then((outcome) => {
      this.later(execution.id, earliestEnd - Date.now(), () => {
        if (execution.state !== 'RUNNING') return;
        if ('error' in outcome) this.finish(execution, 'FAILED', outcome.error);
        else {
          execution.result = outcome.result;
          this.finish(execution, 'SUCCEEDED');
        }
      });
    });
    this.work.add(work);
    void work.finally(() => this.work.delete(work));
  }

  private async execute(execution: QueryExecution): Promise<{ result: ResultTable } | { error: string }> {
    const connection = await this.duckdb.connect();
    this.connections.set(execution.id, connection);
    try {
      // Stopped while waiting for a connection: never run it, as Athena would not.
      if (execution.state !== 'RUNNING') return { error: 'cancelled before it ran' };
      if (execution.parameters && execution.statementType !== 'DML') {
        return { error: 'NOT_SUPPORTED: execution parameters are supported only for SELECT, INSERT INTO, CTAS and UNLOAD statements' };
      }
      const sql = execution.parameters ? substitutePlaceholders(execution.query, execution.parameters) : execution.query;
      return { result: await runStatement(connection, sql) };
    } catch (error) {
      return { error: athenaReason(error) };
    } finally {
      this.connections.delete(execution.id);
      connection.closeSync();
    }
  }

  private finish(execution: QueryExecution, state: 'SUCCEEDED' | 'FAILED' | 'CANCELLED', reason?: string): void {
    execution.state = state;
    if (reason) execution.reason = reason;
    execution.completedAt = new Date();
    clearTimeout(this.timers.get(execution.id));
    this.timers.delete(execution.id);
  }

  private later(id: string, ms: number, action: () => void): void {
    clearTimeout(this.timers.get(id));
    this.timers.set(
      id,
      setTimeout(() => {
        this.timers.delete(id);
        action();
      }, Math.max(0, ms)),
    );
  }
}

/** Athena's StateChangeReason style: an error code, then the message (`SYNTAX_ERROR: line 1:8: ...`). */
function athenaReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const firstLine = message.split('\n')[0] ?? message;
  const code = /^Parser Error/.test(firstLine)
    ? 'SYNTAX_ERROR'
    : /^Catalog Error/.test(firstLine)
      ? 'TABLE_NOT_FOUND'
      : /^Binder Error/.test(firstLine)
        ? 'COLUMN_NOT_FOUND'
        : /^Incorrect number of parameters/.test(firstLine)
          ? 'INVALID_PARAMETER_USAGE'
          : 'GENERIC_INTERNAL_ERROR';
  return `${code}: ${firstLine}`;
}

import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { LakeColumns } from '../lake-columns.port';
import type { LakeEngine, LakeRow, LakeValue } from '../lake-engine.port';
import { readNumberColumns, writeIntegerTable } from './duckdb-lake-columns';
import { DuckDbQueryError } from './duckdb-query.error';
import { toDuckDbParameter, toLakeRows } from './duckdb-values';

export interface DuckDbLakeEngineOptions {
  /** The local lake folder; relative file paths in SQL resolve against it. */
  lakeRoot: string;
  /** DuckDB `memory_limit`, e.g. `4GB`. The machine is shared, so the default is 4GB, not DuckDB's 80% of RAM. */
  memoryLimit?: string;
  /** Worker threads; defaults to the cores available to this process. */
  threads?: number;
  /** Where DuckDB spills when a query outgrows memory; defaults to a private folder under the OS temp dir, removed on close. */
  tempDirectory?: string;
  /** Connections opened for concurrent callers; each statement runs on one. */
  maxConnections?: number;
}

const DEFAULT_MEMORY_LIMIT = '4GB';
const DEFAULT_MAX_CONNECTIONS = 4;

/**
 * The embedded lake engine: an in-memory DuckDB reading and writing the lake folder's files.
 * Statements run on a small pool of connections so a slow query does not block a health check;
 * tables created with CREATE TABLE live in the shared in-memory catalog and are visible to all.
 */
export class DuckDbLakeEngine implements LakeEngine {
  readonly dialect = 'duckdb' as const;
  readonly columns: LakeColumns = {
    readNumberColumns: (sql, kinds) => this.withConnection(sql, (connection) => readNumberColumns(connection, sql, kinds)),
    writeIntegerTable: (schema, table, columns) =>
      this.withConnection(`-- append to ${schema}.${table}`, (connection) => writeIntegerTable(connection, schema, table, columns)),
  };
  private readonly idle: DuckDBConnection[] = [];
  private readonly waiting: Array<{ resolve: (connection: DuckDBConnection) => void; reject: (error: unknown) => void }> = [];
  private readonly running = new Set<Promise<unknown>>();
  private opened = 1;
  private closed = false;

  private constructor(
    private readonly instance: DuckDBInstance,
    first: DuckDBConnection,
    private readonly maxConnections: number,
    private readonly ownedTempDirectory: string | undefined,
  ) {
    this.idle.push(first);
  }

  static async open(options: DuckDbLakeEngineOptions): Promise<DuckDbLakeEngine> {
    const ownedTempDirectory = options.tempDirectory ? undefined : mkdtempSync(path.join(os.tmpdir(), 'c360-duckdb-'));
    const threads = options.threads ?? os.availableParallelism();
    try {
      const instance = await DuckDBInstance.create(':memory:', {
        // Never download extensions: a missing one (httpfs for s3://, say) must fail loudly, not fetch code at run time.
        autoinstall_known_extensions: 'false',
        // Statically linked extensions (parquet, json, icu) still load on first use.
        autoload_known_extensions: 'true',
        memory_limit: options.memoryLimit ?? DEFAULT_MEMORY_LIMIT,
        threads: String(threads),
        temp_directory: options.tempDirectory ?? ownedTempDirectory ?? '',
        file_search_path: path.resolve(options.lakeRoot),
      });
      const first = await instance.connect();
      // Every lake time is UTC; a TIMESTAMPTZ must never shift with the host's zone. Needs ICU, hence after connect.
      await first.run("SET GLOBAL TimeZone = 'UTC'");
      return new DuckDbLakeEngine(instance, first, options.maxConnections ?? DEFAULT_MAX_CONNECTIONS, ownedTempDirectory);
    } catch (error) {
      if (ownedTempDirectory) rmSync(ownedTempDirectory, { recursive: true, force: true });
      throw error;
    }
  }

  async query(sql: string, params: readonly LakeValue[] = []): Promise<LakeRow[]> {
    return this.withConnection(sql, async (connection) => {
      const reader = await this.run(connection, sql, params);
      return toLakeRows(reader.deduplicatedColumnNames(), reader.columnTypes(), reader.getRows());
    });
  }

  async execute(sql: string, params: readonly LakeValue[] = []): Promise<void> {
    await this.withConnection(sql, async (connection) => {
      await this.run(connection, sql, params);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.running]);
    for (const connection of this.idle.splice(0)) connection.closeSync();
    this.instance.closeSync();
    if (this.ownedTempDirectory) rmSync(this.ownedTempDirectory, { recursive: true, force: true });
  }

  private async run(connection: DuckDBConnection, sql: string, params: readonly LakeValue[]) {
    if (params.length === 0) return connection.runAndReadAll(sql);
    const bound = params.map(toDuckDbParameter);
    return connection.runAndReadAll(
      sql,
      bound.map((parameter) => parameter.value),
      bound.map((parameter) => parameter.type),
    );
  }

  private async withConnection<T>(sql: string, work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    if (this.closed) throw new DuckDbQueryError(sql, new Error('the lake engine is closed'));
    const task = (async () => {
      const connection = await this.acquire();
      let failed = false;
      try {
        return await work(connection);
      } catch (error) {
        failed = true;
        throw new DuckDbQueryError(sql, error);
      } finally {
        if (failed) this.replace(connection);
        else this.release(connection);
      }
    })();
    this.running.add(task);
    try {
      return await task;
    } finally {
      this.running.delete(task);
    }
  }

  private async acquire(): Promise<DuckDBConnection> {
    const connection = this.idle.pop();
    if (connection) return connection;
    if (this.opened < this.maxConnections) {
      this.opened++;
      try {
        return await this.instance.connect();
      } catch (error) {
        this.opened--;
        throw error;
      }
    }
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  private release(connection: DuckDBConnection): void {
    const next = this.waiting.shift();
    if (next) next.resolve(connection);
    else this.idle.push(connection);
  }

  /**
   * Closes a connection whose statement failed instead of pooling it again: a script that failed
   * halfway may have left an open (aborted) transaction or a session setting on it, which the next
   * caller would inherit. Global settings outlive any connection; their owner resets them (as the
   * identity stitch does preserve_insertion_order).
   */
  private replace(connection: DuckDBConnection): void {
    connection.closeSync();
    this.opened--;
    const next = this.waiting.shift();
    if (!next) return;
    this.opened++;
    this.instance.connect().then(next.resolve, (error: unknown) => {
      this.opened--;
      next.reject(error);
    });
  }
}

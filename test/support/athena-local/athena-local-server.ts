import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DuckDBInstance } from '@duckdb/node-api';
import {
  AthenaApiError,
  executionParameters,
  optionalObject,
  optionalString,
  queryExecutionJson,
  requiredString,
  resultsPageJson,
  type Json,
  type JsonObject,
} from './athena-protocol';
import { openDuckDb } from './duckdb-runner';
import { QueryExecutions } from './query-executions';

export interface AthenaLocalOptions {
  /** Folder that relative file paths in SQL resolve against (DuckDB's file_search_path). */
  lakeRoot?: string;
  /** Most rows per GetQueryResults page, whatever MaxResults asks; small values exercise pagination. */
  pageSize?: number;
  /** Time a query spends QUEUED, then at least RUNNING, so clients have to poll. */
  queuedMs?: number;
  runningMs?: number;
}

export interface RecordedCall {
  action: string;
  input: JsonObject;
  /** The Authorization header's scheme: the real SDK signs with `AWS4-HMAC-SHA256` (not verified here). */
  authorization: string;
  /** When it arrived (Date.now()). */
  at: number;
  /** What the server answered (absent for errors), e.g. the states a poller saw. */
  output?: JsonObject;
}

const JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';
const TARGET_PREFIX = 'AmazonAthena.';

/**
 * A local stand-in for Amazon Athena's API, for tests: AWS JSON 1.1 over HTTP (POST /,
 * `X-Amz-Target: AmazonAthena.<Action>`) for StartQueryExecution, GetQueryExecution,
 * GetQueryResults and StopQueryExecution, with SQL run on an in-memory DuckDB. Signatures are not
 * checked. Every call is recorded, so tests can assert what the client sent.
 */
export class AthenaLocalServer {
  readonly calls: RecordedCall[] = [];
  /** Read per query or page, so a test may change them between queries. */
  readonly settings: Required<Omit<AthenaLocalOptions, 'lakeRoot'>>;

  private constructor(
    private readonly http: Server,
    private readonly duckdb: DuckDBInstance,
    readonly executions: QueryExecutions,
    options: AthenaLocalOptions,
  ) {
    this.settings = { pageSize: options.pageSize ?? 1000, queuedMs: options.queuedMs ?? 20, runningMs: options.runningMs ?? 30 };
  }

  static async start(options: AthenaLocalOptions = {}): Promise<AthenaLocalServer> {
    const duckdb = await openDuckDb(options.lakeRoot);
    const http = createServer();
    const server = new AthenaLocalServer(http, duckdb, new QueryExecutions(duckdb), options);
    http.on('request', (request: IncomingMessage, response: ServerResponse) => void server.handle(request, response));
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(0, '127.0.0.1', () => resolve());
    });
    return server;
  }

  /** `http://127.0.0.1:<port>`, for the client's `endpoint`. */
  get endpoint(): string {
    const { port } = this.http.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /**
   * Stands in for a Glue table definition: `name` becomes a DuckDB view over `relationSql` (say
   * `read_parquet('processed/orders/dt=2026-01-02/part-0.parquet')`), which queries then name like a table.
   */
  async defineTable(name: string, relationSql: string): Promise<void> {
    const connection = await this.duckdb.connect();
    try {
      await connection.run(`CREATE OR REPLACE VIEW "${name.replaceAll('"', '""')}" AS SELECT * FROM ${relationSql}`);
    } finally {
      connection.closeSync();
    }
  }

  callsOf(action: string): RecordedCall[] {
    return this.calls.filter((call) => call.action === action);
  }

  async close(): Promise<void> {
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
    await this.executions.close();
    this.duckdb.closeSync();
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      const target = String(request.headers['x-amz-target'] ?? '');
      if (request.method !== 'POST' || !target.startsWith(TARGET_PREFIX)) {
        throw new AthenaApiError('UnknownOperationException', `expected POST with X-Amz-Target ${TARGET_PREFIX}<Action>, got ${request.method} ${target}`);
      }
      const action = target.slice(TARGET_PREFIX.length);
      const input = parseBody(await readBody(request));
      const call: RecordedCall = { action, input, authorization: String(request.headers.authorization ?? '').split(' ')[0] ?? '', at: Date.now() };
      this.calls.push(call);
      call.output = this.dispatch(action, input);
      send(response, 200, call.output);
    } catch (error) {
      const apiError = error instanceof AthenaApiError ? error : new AthenaApiError('InvalidRequestException', String(error));
      response.setHeader('x-amzn-ErrorType', apiError.type);
      send(response, 400, { __type: apiError.type, message: apiError.message });
    }
  }

  private dispatch(action: string, input: JsonObject): JsonObject {
    switch (action) {
      case 'StartQueryExecution':
        return this.startQueryExecution(input);
      case 'GetQueryExecution':
        return { QueryExecution: queryExecutionJson(this.execution(input)) };
      case 'GetQueryResults':
        return this.getQueryResults(input);
      case 'StopQueryExecution':
        this.executions.stop(this.execution(input).id);
        return {};
      default:
        throw new AthenaApiError('UnknownOperationException', `${action} is not implemented by the local Athena server`);
    }
  }

  private readonly byToken = new Map<string, { id: string; query: string }>();

  private startQueryExecution(input: JsonObject): JsonObject {
    const query = requiredString(input, 'QueryString', 262_144);
    const parameters = executionParameters(input);
    // Athena's idempotency: the SDK sends a token per request and reuses it when it retries.
    const token = optionalString(input, 'ClientRequestToken');
    const earlier = token ? this.byToken.get(token) : undefined;
    if (earlier) {
      if (earlier.query !== query) throw new AthenaApiError('InvalidRequestException', 'Idempotent parameters do not match');
      return { QueryExecutionId: earlier.id };
    }
    const execution = this.executions.start(
      {
        query,
        parameters,
        workGroup: optionalString(input, 'WorkGroup') ?? 'primary',
        database: optionalString(optionalObject(input, 'QueryExecutionContext'), 'Database'),
        outputLocation: optionalString(optionalObject(input, 'ResultConfiguration'), 'OutputLocation'),
      },
      this.settings,
    );
    if (token) this.byToken.set(token, { id: execution.id, query });
    return { QueryExecutionId: execution.id };
  }

  private getQueryResults(input: JsonObject): JsonObject {
    const execution = this.execution(input);
    const maxResults = input.MaxResults ?? 1000;
    if (typeof maxResults !== 'number' || !Number.isInteger(maxResults) || maxResults < 1 || maxResults > 1000) {
      throw new AthenaApiError('InvalidRequestException', 'MaxResults must be an integer from 1 to 1000');
    }
    if (execution.state !== 'SUCCEEDED' || !execution.result) {
      throw new AthenaApiError('InvalidRequestException', `Query has not yet finished successfully. Current state: ${execution.state}`);
    }
    const offset = decodeToken(optionalString(input, 'NextToken'), execution.id);
    const { page, nextOffset } = resultsPageJson(execution, execution.result, offset, Math.min(maxResults, this.settings.pageSize));
    return nextOffset === undefined ? page : { ...page, NextToken: encodeToken(execution.id, nextOffset) };
  }

  private execution(input: JsonObject) {
    const id = requiredString(input, 'QueryExecutionId', 128);
    const execution = this.executions.get(id);
    if (!execution) throw new AthenaApiError('InvalidRequestException', `QueryExecution ${id} was not found`);
    return execution;
  }
}

function encodeToken(id: string, offset: number): string {
  return Buffer.from(JSON.stringify({ id, offset })).toString('base64url');
}

function decodeToken(token: string | undefined, id: string): number {
  if (token === undefined) return 0;
  try {
    const decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { id?: unknown; offset?: unknown };
    if (decoded.id === id && typeof decoded.offset === 'number') return decoded.offset;
  } catch {
    // fall through to the error below
  }
  throw new AthenaApiError('InvalidRequestException', 'NextToken is invalid for this query');
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

function parseBody(body: string): JsonObject {
  let parsed: Json;
  try {
    parsed = (body.trim() === '' ? {} : JSON.parse(body)) as Json;
  } catch {
    throw new AthenaApiError('SerializationException', 'the request body is not JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new AthenaApiError('SerializationException', 'the request body must be a JSON object');
  return parsed;
}

function send(response: ServerResponse, status: number, body: JsonObject): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': JSON_CONTENT_TYPE, 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

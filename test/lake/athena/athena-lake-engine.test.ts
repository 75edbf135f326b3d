import { strict as assert } from 'node:assert';
import { after, afterEach, before, describe, it } from 'node:test';
import type { AthenaLakeEngine } from '../../../src/lake/athena/athena-lake-engine';
import { AthenaParameterError } from '../../../src/lake/athena/athena-parameters';
import {
  AthenaQueryAbortedError,
  AthenaQueryCancelledError,
  AthenaQueryError,
  AthenaQueryFailedError,
  AthenaQueryTimeoutError,
} from '../../../src/lake/athena/athena-query.error';
import { AthenaLocalServer } from '../../support/athena-local/athena-local-server';
import { LOCAL_ATHENA, localAthenaEngine } from '../../support/athena-local/local-athena-engine';

// Athena cannot be reached from here: these run the real adapter on the real @aws-sdk/client-athena
// against a local server that speaks Athena's JSON protocol and runs the SQL on DuckDB.

async function waitFor<T>(probe: () => T | undefined, what: string, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('Athena lake engine (local Athena-protocol server)', () => {
  let server: AthenaLocalServer;
  let engine: AthenaLakeEngine;

  before(async () => {
    server = await AthenaLocalServer.start();
    engine = localAthenaEngine(server);
  });

  after(async () => {
    await engine.close();
    await server.close();
  });

  afterEach(() => {
    server.calls.length = 0;
    Object.assign(server.settings, { pageSize: 1000, queuedMs: 20, runningMs: 30 });
  });

  it('starts the query in the configured workgroup, database and output location, signed by the SDK', async () => {
    assert.deepEqual(await engine.query('SELECT 42 AS answer'), [{ answer: 42 }]);
    const [start] = server.callsOf('StartQueryExecution');
    assert.ok(start);
    assert.equal(start.input.WorkGroup, LOCAL_ATHENA.workGroup);
    assert.deepEqual(start.input.QueryExecutionContext, { Database: LOCAL_ATHENA.database });
    assert.deepEqual(start.input.ResultConfiguration, { OutputLocation: LOCAL_ATHENA.outputLocation });
    assert.equal(start.input.ExecutionParameters, undefined);
    assert.ok(server.calls.every((call) => call.authorization === 'AWS4-HMAC-SHA256'));
  });

  it('polls GetQueryExecution through QUEUED and RUNNING, and reads results only once SUCCEEDED', async () => {
    Object.assign(server.settings, { queuedMs: 60, runningMs: 200 });
    assert.deepEqual(await engine.query('SELECT 1 AS one'), [{ one: 1 }]);
    const states = server.callsOf('GetQueryExecution').map((call) => {
      const execution = call.output?.QueryExecution;
      const status = execution && typeof execution === 'object' && !Array.isArray(execution) ? execution.Status : undefined;
      return status && typeof status === 'object' && !Array.isArray(status) ? status.State : undefined;
    });
    assert.ok(states.includes('QUEUED') && states.includes('RUNNING'), `states seen: ${states.join(', ')}`);
    assert.equal(states.at(-1), 'SUCCEEDED');
    assert.equal(states.indexOf('SUCCEEDED'), states.length - 1);
    const lastPoll = server.callsOf('GetQueryExecution').at(-1)?.at ?? 0;
    assert.ok(server.callsOf('GetQueryResults').every((call) => call.at >= lastPoll));
  });

  describe('results', () => {
    it('reads 2,500 rows across three pages of at most 1000, skipping only the first page header', async () => {
      const rows = await engine.query("SELECT i, 'row ' || i AS label FROM range(2500) AS t(i) ORDER BY i");
      assert.equal(rows.length, 2500);
      assert.deepEqual(rows[0], { i: 0, label: 'row 0' });
      assert.deepEqual(rows[2499], { i: 2499, label: 'row 2499' });
      assert.ok(rows.every((row, index) => row.i === index));
      const pages = server.callsOf('GetQueryResults');
      assert.equal(pages.length, 3);
      assert.ok(pages.every((page) => page.input.MaxResults === 1000));
      assert.equal(pages[0]?.input.NextToken, undefined);
      assert.ok(pages.slice(1).every((page) => typeof page.input.NextToken === 'string'));
    });

    it('follows NextToken through many small pages', async () => {
      server.settings.pageSize = 7;
      const rows = await engine.query('SELECT i FROM range(20) AS t(i) ORDER BY i');
      assert.deepEqual(
        rows.map((row) => row.i),
        Array.from({ length: 20 }, (_, i) => i),
      );
      assert.equal(server.callsOf('GetQueryResults').length, 3);
    });

    it('maps Athena column types to JavaScript values', async () => {
      const [row] = await engine.query(
        `SELECT true AS flag, CAST(7 AS TINYINT) AS tiny, CAST(300 AS SMALLINT) AS small, 42 AS int_value,
                CAST(9007199254740991 AS BIGINT) AS safe_big, CAST(9223372036854775807 AS BIGINT) AS huge_big,
                CAST(0.1 AS DOUBLE) AS ratio, CAST(1e20 AS DOUBLE) AS large, CAST(1.1 AS REAL) AS single,
                CAST('1234.50' AS DECIMAL(12,2)) AS amount, 'text' AS label, CAST(NULL AS VARCHAR) AS nothing,
                DATE '2026-01-02' AS day, TIMESTAMP '2026-01-02 03:04:05.678' AS at,
                TIMESTAMPTZ '2026-01-02 03:04:05.678+00' AS at_zone, CAST('{"a":[1,2]}' AS JSON) AS doc,
                ARRAY['x', 'y'] AS tags, MAP {'k': 1} AS counts, {'id': 'u-1', 'n': 2} AS pair, 'hi'::BLOB AS bytes`,
      );
      assert.deepEqual(row, {
        flag: true,
        tiny: 7,
        small: 300,
        int_value: 42,
        safe_big: 9007199254740991,
        huge_big: 9223372036854775807n,
        ratio: 0.1,
        large: 1e20,
        single: 1.1,
        amount: 1234.5,
        label: 'text',
        nothing: null,
        day: '2026-01-02',
        at: new Date('2026-01-02T03:04:05.678Z'),
        at_zone: new Date('2026-01-02T03:04:05.678Z'),
        doc: { a: [1, 2] },
        tags: ['x', 'y'],
        counts: { k: 1 },
        pair: { id: 'u-1', n: 2 },
        bytes: Buffer.from('hi').toString('base64'),
      });
    });

    it('keeps repeated column names apart and returns [] for no rows', async () => {
      assert.deepEqual(await engine.query('SELECT 1 AS a, 2 AS a'), [{ a: 1, 'a:1': 2 }]);
      assert.deepEqual(await engine.query('SELECT 1 AS a WHERE false'), []);
    });

    it('keeps the first row of results that have no header row (SHOW, DESCRIBE)', async () => {
      await engine.execute('CREATE TABLE name AS SELECT 1 AS x');
      try {
        assert.deepEqual(await engine.query('SHOW TABLES'), [{ name: 'name' }]);
      } finally {
        await engine.execute('DROP TABLE name');
      }
    });

    it('runs execute() without fetching results', async () => {
      await engine.execute('CREATE TABLE executed AS SELECT 1 AS x');
      await engine.execute('DROP TABLE executed');
      assert.equal(server.callsOf('StartQueryExecution').length, 2);
      assert.equal(server.callsOf('GetQueryResults').length, 0);
    });
  });

  describe('parameters', () => {
    const hostile = ["x' OR '1'='1", "'; DROP TABLE people; --", "it's", "\\' OR 1=1 --", 'what? /* not a comment */ -- nor this', "line\nbreak ' \u00e9\u{1F600}", "''", ''];

    it('sends each value as an escaped SQL literal that comes back unchanged', async () => {
      for (const value of hostile) {
        server.calls.length = 0;
        const rows = await engine.query('SELECT v FROM (SELECT ? AS v) AS t WHERE v = ?', [value, value]);
        assert.deepEqual(rows, [{ v: value }], `round trip of ${JSON.stringify(value)}`);
        const literal = `'${value.replaceAll("'", "''")}'`;
        assert.deepEqual(server.callsOf('StartQueryExecution')[0]?.input.ExecutionParameters, [literal, literal]);
      }
    });

    it('never lets a string change the statement', async () => {
      const rows = await engine.query("SELECT count(*) AS matches FROM (VALUES ('a'), ('b')) AS t(v) WHERE v = ? OR v = ?", ["x' OR '1'='1", "b' --"]);
      assert.deepEqual(rows, [{ matches: 0 }]);
    });

    it('encodes numbers, bigints, booleans, NULL, Dates and arrays as typed literals', async () => {
      const at = new Date('2026-01-02T03:04:05.678Z');
      const params = [-5, 0.1, 9007199254740993n, true, null, at, ['a', "b'c"], Number.NaN];
      const [row] = await engine.query('SELECT ? AS neg, 1-? AS diff, ? AS big, ? AS flag, ? AS nothing, ? AS at, ? AS list, ? AS nan', params);
      assert.equal(row?.neg, -5);
      assert.equal(row?.diff, 0.9);
      assert.equal(row?.big, 9007199254740993n);
      assert.equal(row?.flag, true);
      assert.equal(row?.nothing, null);
      assert.deepEqual(row?.at, at);
      assert.deepEqual(row?.list, ['a', "b'c"]);
      assert.ok(Number.isNaN(row?.nan));
      assert.deepEqual(server.callsOf('StartQueryExecution')[0]?.input.ExecutionParameters, [
        '-5',
        '1E-1',
        '9007199254740993',
        'TRUE',
        'NULL',
        "TIMESTAMP '2026-01-02 03:04:05.678'",
        "ARRAY['a', 'b''c']",
        "CAST('NaN' AS DOUBLE)",
      ]);
    });

    it('rejects a value Athena cannot take before sending anything', async () => {
      await assert.rejects(engine.query('SELECT ? AS o', [{ a: 1 }]), AthenaParameterError);
      await assert.rejects(engine.query('SELECT ? AS s', ['x'.repeat(1023)]), /at most 1024/);
      await assert.rejects(engine.query('SELECT ? AS d', [new Date(Number.NaN)]), /invalid Date/);
      assert.equal(server.calls.length, 0);
    });

    it('fails like Athena when a statement other than SELECT/INSERT/CTAS/UNLOAD has parameters', async () => {
      await assert.rejects(engine.execute('CREATE VIEW v AS SELECT 1 AS x WHERE 1 = ?', [1]), /NOT_SUPPORTED: execution parameters/);
    });
  });

  describe('errors', () => {
    it('reports FAILED with the reason, the query id and the first line of the SQL', async () => {
      const error = await engine.query('SELECT nope\nFROM range(3) AS t(i)').then(
        () => assert.fail('expected a failure'),
        (failure: unknown) => failure,
      );
      assert.ok(error instanceof AthenaQueryFailedError);
      const execution = server.executions.get(error.queryExecutionId ?? '');
      assert.equal(execution?.state, 'FAILED');
      assert.equal(error.reason, execution.reason);
      assert.match(error.message, /^Athena query FAILED: COLUMN_NOT_FOUND: .*"nope"/);
      assert.ok(error.message.includes(`query ${execution.id}, in: SELECT nope)`));
      assert.ok(!error.message.includes('range(3)'));
    });

    it('reports a query someone else cancelled as CANCELLED', async () => {
      server.settings.runningMs = 5000;
      const pending = engine.query('SELECT 1 AS slow');
      const running = await waitFor(() => server.executions.all().find((e) => e.query === 'SELECT 1 AS slow' && e.state === 'RUNNING'), 'the query to run');
      server.executions.stop(running.id);
      await assert.rejects(pending, (error: unknown) => {
        assert.ok(error instanceof AthenaQueryCancelledError);
        assert.equal(error.queryExecutionId, running.id);
        assert.match(error.message, /CANCELLED outside this process: Query cancelled by user/);
        return true;
      });
      assert.equal(server.callsOf('StopQueryExecution').length, 0);
    });

    it('stops the query in Athena and throws a timeout error when the time budget runs out', async () => {
      server.settings.runningMs = 10_000;
      const started = Date.now();
      await assert.rejects(engine.query('SELECT 2 AS slow', [], { timeoutMs: 200 }), (error: unknown) => {
        assert.ok(error instanceof AthenaQueryTimeoutError);
        assert.equal(error.timeoutMs, 200);
        assert.match(error.message, /timed out after 200 ms; StopQueryExecution was sent/);
        const stop = server.callsOf('StopQueryExecution')[0];
        assert.equal(stop?.input.QueryExecutionId, error.queryExecutionId);
        assert.equal(server.executions.get(error.queryExecutionId ?? '')?.state, 'CANCELLED');
        return true;
      });
      assert.ok(Date.now() - started < 2000);
    });

    it('stops the query when the caller aborts, and sends nothing for a signal aborted beforehand', async () => {
      server.settings.runningMs = 10_000;
      const controller = new AbortController();
      const pending = engine.query('SELECT 3 AS slow', [], { signal: controller.signal });
      await waitFor(() => server.callsOf('GetQueryExecution')[0], 'the first poll');
      controller.abort();
      await assert.rejects(pending, (error: unknown) => error instanceof AthenaQueryAbortedError && /the caller aborted/.test(error.message));
      assert.equal(server.callsOf('StopQueryExecution').length, 1);

      server.calls.length = 0;
      await assert.rejects(engine.query('SELECT 4', [], { signal: AbortSignal.abort() }), AthenaQueryAbortedError);
      assert.equal(server.calls.length, 0);
    });

    it('wraps API errors with the query context', async () => {
      await assert.rejects(engine.query(''), (error: unknown) => {
        assert.ok(error instanceof AthenaQueryError);
        assert.match(error.message, /^Athena request failed: InvalidRequestException: QueryString/);
        return true;
      });
    });
  });

  it('close() stops running queries, then refuses new ones', async () => {
    server.settings.runningMs = 10_000;
    const closing = localAthenaEngine(server);
    const pending = closing.query('SELECT 5 AS slow');
    await waitFor(() => server.callsOf('GetQueryExecution')[0], 'the first poll');
    await closing.close();
    await assert.rejects(pending, (error: unknown) => error instanceof AthenaQueryAbortedError && /aborted \(the lake engine was closed\); StopQueryExecution was sent/.test(error.message));
    assert.equal(server.callsOf('StopQueryExecution').length, 1);
    await assert.rejects(closing.query('SELECT 1'), /the lake engine is closed/);
  });
});

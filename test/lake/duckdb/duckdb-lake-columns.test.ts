import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DuckDbLakeEngine } from '../../../src/lake/duckdb/duckdb-lake-engine';
import type { LakeColumns } from '../../../src/lake/lake-columns.port';

describe('DuckDB lake engine: number columns as typed arrays', () => {
  let lakeRoot: string;
  let engine: DuckDbLakeEngine;
  let columns: LakeColumns;

  before(async () => {
    lakeRoot = mkdtempSync(path.join(os.tmpdir(), 'c360-duckdb-columns-'));
    engine = await DuckDbLakeEngine.open({ lakeRoot, memoryLimit: '256MB', threads: 2 });
    columns = engine.columns;
    await engine.execute('CREATE SCHEMA run');
  });

  after(async () => {
    await engine.close();
    rmSync(lakeRoot, { recursive: true, force: true });
  });

  it('reads INTEGER and DOUBLE columns whole, in row order, across many chunks', async () => {
    // 10,000 rows are five of DuckDB's 2,048-row chunks, the last one partial.
    const [ints, doubles] = await columns.readNumberColumns(
      'SELECT (i * 7919 % 20011 - 10000)::INTEGER, (i * 4503599627370.0 + 0.0)::DOUBLE FROM range(10000) AS t(i) ORDER BY i',
      ['int32', 'float64'],
    );
    assert.ok(ints instanceof Int32Array);
    assert.ok(doubles instanceof Float64Array);
    assert.equal(ints.length, 10_000);
    assert.equal(doubles.length, 10_000);
    for (let i = 0; i < 10_000; i++) {
      assert.equal(ints[i], ((i * 7919) % 20011) - 10000);
      assert.equal(doubles[i], i * 4503599627370);
    }
  });

  it('reads results longer than its blocks whole, and a column that may hold NULLs but does not', async () => {
    // 2.5M rows fill more than two of the reader's million-row blocks; the CASE gives DuckDB a validity mask to check.
    const [ints, doubles] = await columns.readNumberColumns(
      'SELECT CASE WHEN i >= 0 THEN (i % 1000003)::INTEGER END, (i * 0.5)::DOUBLE FROM range(2500000) AS t(i) ORDER BY i',
      ['int32', 'float64'],
    );
    assert.equal(ints.length, 2_500_000);
    assert.equal(doubles.length, 2_500_000);
    for (const i of [0, 2047, 2048, 1_048_575, 1_048_576, 1_048_577, 2_097_152, 2_499_999]) {
      assert.equal(ints[i], i % 1000003, `row ${i}`);
      assert.equal(doubles[i], i * 0.5, `row ${i}`);
    }
    let sum = 0;
    for (const value of ints) sum += value;
    let expected = 0;
    for (let i = 0; i < 2_500_000; i++) expected += i % 1000003;
    assert.equal(sum, expected);
  });

  it('names the row of a NULL however far into the result it is', async () => {
    await assert.rejects(
      columns.readNumberColumns('SELECT i::INTEGER AS n, CASE WHEN i <> 2100000 THEN i::INTEGER END AS gap FROM range(2200000) AS t(i) ORDER BY i', ['int32', 'int32']),
      /column 2 \(gap\) is NULL in row 2100001/,
    );
  });

  it('carries integers up to 2^53 exactly as DOUBLE, and an empty result as empty arrays', async () => {
    const [wide] = await columns.readNumberColumns('SELECT CAST(9007199254740991 AS DOUBLE) UNION ALL SELECT -1.0::DOUBLE', ['float64']);
    assert.deepEqual([...wide], [Number.MAX_SAFE_INTEGER, -1]);
    const [none, alsoNone] = await columns.readNumberColumns('SELECT 1::INTEGER, 2::INTEGER WHERE false', ['int32', 'int32']);
    assert.equal(none.length, 0);
    assert.equal(alsoNone.length, 0);
  });

  it('refuses a column of another type, a NULL and a column count it was not told, naming the column', async () => {
    await assert.rejects(columns.readNumberColumns('SELECT 1::BIGINT AS big', ['int32']), /column 1 \(big\) is BIGINT, expected INTEGER/);
    await assert.rejects(columns.readNumberColumns('SELECT 1::INTEGER AS n', ['float64']), /column 1 \(n\) is INTEGER, expected DOUBLE/);
    await assert.rejects(columns.readNumberColumns('SELECT * FROM (VALUES (1), (NULL)) AS t(maybe)', ['int32']), /column 1 \(maybe\) is NULL in row 2/);
    await assert.rejects(columns.readNumberColumns('SELECT 1::INTEGER, 2::INTEGER', ['int32']), /expected 1 columns, the query returns 2/);
  });

  it('writes integer arrays as a table whose row i holds element i, replacing a table of that name', async () => {
    const rows = 5_000;
    const first = Int32Array.from({ length: rows }, (_, i) => i - 2_500);
    const second = Int32Array.from({ length: rows }, (_, i) => (i * 31) % 977);
    await engine.execute('CREATE TABLE run.answer AS SELECT 1 AS old');
    await columns.writeIntegerTable('run', 'answer', [
      ['first', first],
      ['second', second],
    ]);
    const [summary] = await engine.query(
      'SELECT count(*) AS n, count(*) FILTER (WHERE first <> rowid - 2500 OR second <> rowid * 31 % 977) AS misplaced FROM run.answer',
    );
    assert.equal(summary?.n, rows);
    assert.equal(summary?.misplaced, 0);
    const types = await engine.query("SELECT column_name, data_type FROM duckdb_columns() WHERE schema_name = 'run' AND table_name = 'answer' ORDER BY column_index");
    assert.deepEqual(types, [
      { column_name: 'first', data_type: 'INTEGER' },
      { column_name: 'second', data_type: 'INTEGER' },
    ]);
  });

  it('writes an empty table, and refuses columns of different lengths or names that are not plain', async () => {
    await columns.writeIntegerTable('run', 'nothing', [['x', new Int32Array(0)]]);
    const [row] = await engine.query('SELECT count(*) AS n FROM run.nothing');
    assert.equal(row?.n, 0);
    await assert.rejects(columns.writeIntegerTable('run', 'uneven', [['a', new Int32Array(2)], ['b', new Int32Array(3)]]), /different lengths/);
    await assert.rejects(columns.writeIntegerTable('run', 'bad', [['x; DROP TABLE run.answer', new Int32Array(1)]]), /not a plain SQL name/);
  });
});

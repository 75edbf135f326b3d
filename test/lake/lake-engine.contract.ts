import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DuckDbLakeEngine } from '../../src/lake/duckdb/duckdb-lake-engine';
import type { LakeEngine, LakeRow } from '../../src/lake/lake-engine.port';

/** A file the contract writes under the lake root before `open` is called. */
export interface ContractFixture {
  /** Athena adapters register a table `contract_<name>` over the uploaded file's folder. */
  name: 'parquet' | 'csv' | 'json';
  /** Folder relative to the lake root, holding one file. */
  dir: string;
  file: string;
  /** Column types, for adapters that must declare a table (Athena/Glue). */
  columns: Record<string, string>;
}

export const CONTRACT_FIXTURES: readonly ContractFixture[] = [
  {
    name: 'parquet',
    dir: 'contract/parquet',
    file: 'data.parquet',
    columns: { id: 'BIGINT', name: 'VARCHAR', amount: 'DECIMAL(12,2)', created_at: 'TIMESTAMP', tags: 'VARCHAR[]' },
  },
  {
    name: 'csv',
    dir: 'contract/csv',
    file: 'data.csv',
    columns: { id: 'BIGINT', name: 'VARCHAR', created_at: 'TIMESTAMP' },
  },
  {
    name: 'json',
    dir: 'contract/json',
    file: 'data.jsonl',
    columns: { id: 'BIGINT', user: 'STRUCT(id VARCHAR, phone VARCHAR)' },
  },
];

const CSV_TEXT = 'id,name,created_at\n1,"Doe, Jane",2026-01-02 03:04:05\n2,Ravi,2026-01-03 00:00:00\n';
const JSON_TEXT = '{"id":1,"user":{"id":"u-1","phone":"+910000000001"}}\n{"id":2,"user":{"id":"u-2","phone":null}}\n';

/** How a fixture is named in SQL: DuckDB reads the file (relative to the lake root), Athena a registered table. */
function relation(engine: LakeEngine, fixture: ContractFixture): string {
  if (engine.dialect === 'athena') return `contract_${fixture.name}`;
  const file = `${fixture.dir}/${fixture.file}`;
  const columns = Object.entries(fixture.columns)
    .map(([name, type]) => `'${name}': '${type}'`)
    .join(', ');
  switch (fixture.name) {
    case 'parquet':
      return `read_parquet('${file}')`;
    case 'csv':
      return `read_csv('${file}', header = true, columns = {${columns}})`;
    case 'json':
      return `read_json('${file}', format = 'newline_delimited', columns = {${columns}})`;
  }
}

function fixture(name: ContractFixture['name']): ContractFixture {
  const found = CONTRACT_FIXTURES.find((candidate) => candidate.name === name);
  assert.ok(found);
  return found;
}

/** Parquet has no hand-writable form: the embedded engine writes it once; every engine must read it. */
async function writeFixtures(lakeRoot: string): Promise<void> {
  for (const { dir } of CONTRACT_FIXTURES) mkdirSync(path.join(lakeRoot, dir), { recursive: true });
  writeFileSync(path.join(lakeRoot, 'contract/csv/data.csv'), CSV_TEXT);
  writeFileSync(path.join(lakeRoot, 'contract/json/data.jsonl'), JSON_TEXT);
  const writer = await DuckDbLakeEngine.open({ lakeRoot, memoryLimit: '256MB', threads: 1 });
  try {
    await writer.execute(
      `COPY (
         SELECT * FROM (VALUES
           (CAST(1 AS BIGINT), 'first', CAST('12.34' AS DECIMAL(12,2)), TIMESTAMP '2026-01-02 03:04:05.678', ['a', 'b']),
           (CAST(9007199254740993 AS BIGINT), 'second', CAST('0.10' AS DECIMAL(12,2)), TIMESTAMP '2026-01-03 00:00:00', CAST([] AS VARCHAR[]))
         ) AS t(id, name, amount, created_at, tags)
       ) TO '${path.join(lakeRoot, 'contract/parquet/data.parquet')}' (FORMAT parquet)`,
    );
  } finally {
    await writer.close();
  }
}

/**
 * The behaviour every LakeEngine adapter promises (DESIGN.md: one suite, every adapter). `open`
 * receives a local lake root that already holds CONTRACT_FIXTURES; a remote adapter uploads it.
 */
export function describeLakeEngineContract(name: string, open: (lakeRoot: string) => Promise<LakeEngine>): void {
  describe(`LakeEngine contract: ${name}`, () => {
    let lakeRoot: string;
    let engine: LakeEngine;

    before(async () => {
      lakeRoot = mkdtempSync(path.join(os.tmpdir(), 'c360-lake-contract-'));
      await writeFixtures(lakeRoot);
      engine = await open(lakeRoot);
    });

    after(async () => {
      try {
        // undefined when `before` failed; the folder must go either way
        await (engine as LakeEngine | undefined)?.close();
      } finally {
        rmSync(lakeRoot, { recursive: true, force: true });
      }
    });

    describe('maps SQL values to JavaScript', () => {
      let row: LakeRow;

      before(async () => {
        const struct = engine.dialect === 'athena' ? `CAST(ROW(1, 'x') AS ROW(a INTEGER, b VARCHAR))` : `{'a': 1, 'b': 'x'}`;
        const rows = await engine.query(
          `SELECT CAST(42 AS INTEGER) AS int_value,
                  CAST(7 AS BIGINT) AS small_bigint,
                  CAST(9007199254740993 AS BIGINT) AS huge_bigint,
                  CAST('12.34' AS DECIMAL(12,2)) AS amount,
                  CAST(1.5 AS DOUBLE) AS ratio,
                  true AS flag,
                  'text' AS label,
                  CAST(NULL AS VARCHAR) AS nothing,
                  TIMESTAMP '2026-01-02 03:04:05.678' AS at,
                  DATE '2026-01-02' AS day,
                  ARRAY[1, 2, 3] AS numbers,
                  ${struct} AS pair`,
        );
        assert.equal(rows.length, 1);
        row = rows[0] ?? {};
      });

      it('returns integers as numbers, BIGINT included while it is exact', () => {
        assert.equal(row.int_value, 42);
        assert.equal(row.small_bigint, 7);
      });

      it('returns a BIGINT beyond 2^53 as a bigint, never a rounded number', () => {
        assert.equal(row.huge_bigint, 9007199254740993n);
      });

      it('returns DECIMAL and DOUBLE as numbers', () => {
        assert.equal(row.amount, 12.34);
        assert.equal(row.ratio, 1.5);
      });

      it('returns booleans, strings and NULL as themselves', () => {
        assert.equal(row.flag, true);
        assert.equal(row.label, 'text');
        assert.equal(row.nothing, null);
      });

      it('returns a TIMESTAMP as a Date at that UTC instant', () => {
        assert.ok(row.at instanceof Date);
        assert.equal(row.at.toISOString(), '2026-01-02T03:04:05.678Z');
      });

      it('returns a DATE as its YYYY-MM-DD text', () => {
        assert.equal(row.day, '2026-01-02');
      });

      it('returns lists as arrays and structs as objects', () => {
        assert.deepEqual(row.numbers, [1, 2, 3]);
        assert.deepEqual(row.pair, { a: 1, b: 'x' });
      });
    });

    it('returns rows in query order and no rows as an empty array', async () => {
      const rows = await engine.query('SELECT x FROM (VALUES (3), (1), (2)) AS t(x) ORDER BY x');
      assert.deepEqual(
        rows.map((r) => r.x),
        [1, 2, 3],
      );
      assert.deepEqual(await engine.query('SELECT x FROM (VALUES (1)) AS t(x) WHERE x > 1'), []);
    });

    describe('binds ? parameters in order', () => {
      it('round-trips strings, numbers, bigints, booleans, NULL and Dates', async () => {
        const at = new Date('2026-01-02T03:04:05.678Z');
        const [row] = await engine.query('SELECT ? AS s, ? AS i, ? AS f, ? AS b, ? AS n, ? AS t, ? AS big', [
          "it's",
          42,
          1.25,
          true,
          null,
          at,
          9007199254740993n,
        ]);
        assert.equal(row?.s, "it's");
        assert.equal(row?.i, 42);
        assert.equal(row?.f, 1.25);
        assert.equal(row?.b, true);
        assert.equal(row?.n, null);
        assert.ok(row?.t instanceof Date);
        assert.equal(row.t.getTime(), at.getTime());
        assert.equal(row?.big, 9007199254740993n);
      });

      it('treats a parameter as a value, never as SQL', async () => {
        const hostile = "x' OR '1'='1";
        const rows = await engine.query("SELECT count(*) AS matches FROM (VALUES ('a'), ('b')) AS t(v) WHERE v = ?", [hostile]);
        assert.equal(rows[0]?.matches, 0);
      });

      it('compares a Date parameter with TIMESTAMP columns', async () => {
        const rows = await engine.query(`SELECT name FROM ${relation(engine, fixture('parquet'))} WHERE created_at >= ? ORDER BY name`, [
          new Date('2026-01-02T12:00:00Z'),
        ]);
        assert.deepEqual(
          rows.map((r) => r.name),
          ['second'],
        );
      });
    });

    describe('fails clearly', () => {
      it('rejects with an Error naming the failing statement by its first line', async () => {
        await assert.rejects(
          engine.query('\n  SELECT id FROM contract_table_that_does_not_exist\n  WHERE id = 1'),
          (error: unknown) => error instanceof Error && error.message.includes('SELECT id FROM contract_table_that_does_not_exist'),
        );
      });

      it('rejects a syntax error from execute the same way', async () => {
        await assert.rejects(
          engine.execute('SELEC nonsense FROM nowhere'),
          (error: unknown) => error instanceof Error && error.message.includes('SELEC nonsense FROM nowhere'),
        );
      });

      it('rejects when parameters do not match the placeholders', async () => {
        await assert.rejects(engine.query('SELECT ? AS a, ? AS b', [1]), Error);
      });

      it('stays usable after an error', async () => {
        await assert.rejects(engine.query('SELECT * FROM contract_missing_again'));
        assert.deepEqual(await engine.query('SELECT 1 AS ok'), [{ ok: 1 }]);
      });
    });

    it('runs statements that return nothing, whose effects later queries see', async () => {
      const table = `contract_tmp_${process.pid}`;
      assert.equal(await engine.execute(`CREATE TABLE ${table} AS SELECT 1 AS a UNION ALL SELECT 2`), undefined);
      try {
        assert.deepEqual(await engine.query(`SELECT sum(a) AS total FROM ${table}`), [{ total: 3 }]);
      } finally {
        await engine.execute(`DROP TABLE ${table}`);
      }
    });

    it('answers concurrent queries independently', async () => {
      const answers = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map((n) => engine.query('SELECT ? * 10 AS v', [n])));
      assert.deepEqual(
        answers.map((rows) => rows[0]?.v),
        [10, 20, 30, 40, 50, 60, 70, 80],
      );
    });

    describe('reads files the lake holds', () => {
      it('reads Parquet with its types', async () => {
        const rows = await engine.query(`SELECT id, name, amount, created_at, tags FROM ${relation(engine, fixture('parquet'))} ORDER BY name`);
        assert.deepEqual(rows, [
          { id: 1, name: 'first', amount: 12.34, created_at: new Date('2026-01-02T03:04:05.678Z'), tags: ['a', 'b'] },
          { id: 9007199254740993n, name: 'second', amount: 0.1, created_at: new Date('2026-01-03T00:00:00Z'), tags: [] },
        ]);
      });

      it('reads CSV with a header row and quoted fields', async () => {
        const rows = await engine.query(`SELECT id, name, created_at FROM ${relation(engine, fixture('csv'))} ORDER BY id`);
        assert.deepEqual(rows, [
          { id: 1, name: 'Doe, Jane', created_at: new Date('2026-01-02T03:04:05Z') },
          { id: 2, name: 'Ravi', created_at: new Date('2026-01-03T00:00:00Z') },
        ]);
      });

      it('reads JSON lines with nested objects', async () => {
        const rows = await engine.query(`SELECT id, user FROM ${relation(engine, fixture('json'))} ORDER BY id`);
        assert.deepEqual(rows, [
          { id: 1, user: { id: 'u-1', phone: '+910000000001' } },
          { id: 2, user: { id: 'u-2', phone: null } },
        ]);
      });
    });

    it('refuses work after close', async () => {
      const second = await open(lakeRoot);
      await second.close();
      await assert.rejects(second.query('SELECT 1 AS ok'), Error);
    });
  });
}

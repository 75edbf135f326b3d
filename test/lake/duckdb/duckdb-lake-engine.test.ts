import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { DuckDbLakeEngine } from '../../../src/lake/duckdb/duckdb-lake-engine';
import { describeLakeEngineContract } from '../lake-engine.contract';

describeLakeEngineContract('DuckDB', (lakeRoot) => DuckDbLakeEngine.open({ lakeRoot, memoryLimit: '512MB', threads: 2 }));

describe('DuckDB lake engine specifics', () => {
  it('never downloads an extension: a remote path fails with a clear message', async () => {
    const lakeRoot = mkdtempSync(path.join(os.tmpdir(), 'c360-duckdb-ext-'));
    const engine = await DuckDbLakeEngine.open({ lakeRoot, memoryLimit: '256MB', threads: 1 });
    try {
      await assert.rejects(engine.query("SELECT * FROM read_parquet('s3://bucket/key.parquet')"), (error: unknown) => {
        assert.ok(error instanceof Error);
        assert.match(error.message, /httpfs|extension/i);
        assert.match(error.message, /never downloaded/);
        assert.match(error.message, /in: SELECT \* FROM read_parquet\('s3:\/\/bucket\/key\.parquet'\)/);
        return true;
      });
    } finally {
      await engine.close();
      rmSync(lakeRoot, { recursive: true, force: true });
    }
  });

  it('gives no later statement what a failed one left on its connection', async () => {
    const lakeRoot = mkdtempSync(path.join(os.tmpdir(), 'c360-duckdb-failed-'));
    const engine = await DuckDbLakeEngine.open({ lakeRoot, memoryLimit: '256MB', threads: 1, maxConnections: 2 });
    try {
      // A script that opens a transaction and fails inside it: its connection is left in an aborted transaction.
      await assert.rejects(engine.execute("BEGIN TRANSACTION; CREATE TABLE half AS SELECT 1 AS x; SELECT error('halfway'); COMMIT"), /halfway/);
      // Both pooled connections busy at once, and a waiter: every statement runs, none inside the failed transaction.
      const answers = await Promise.all(Array.from({ length: 4 }, () => engine.query("SELECT count(*) AS tables FROM duckdb_tables() WHERE table_name = 'half'")));
      for (const [row] of answers) assert.equal(row?.tables, 0);
    } finally {
      await engine.close();
      rmSync(lakeRoot, { recursive: true, force: true });
    }
  });

  it('applies the memory limit and thread count it was opened with, in UTC', async () => {
    const lakeRoot = mkdtempSync(path.join(os.tmpdir(), 'c360-duckdb-settings-'));
    const engine = await DuckDbLakeEngine.open({ lakeRoot, memoryLimit: '300MB', threads: 1 });
    try {
      const [row] = await engine.query(
        "SELECT current_setting('memory_limit') AS memory, current_setting('threads') AS threads, current_setting('TimeZone') AS zone, current_setting('autoinstall_known_extensions') AS autoinstall",
      );
      assert.match(String(row?.memory), /^(286\.1 MiB|300\.0 MB)$/);
      assert.equal(row?.threads, 1);
      assert.equal(row?.zone, 'UTC');
      assert.equal(row?.autoinstall, false);
    } finally {
      await engine.close();
      rmSync(lakeRoot, { recursive: true, force: true });
    }
  });
});

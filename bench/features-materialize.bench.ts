import { mkdirSync, rmSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FEATURES } from '../src/features/feature-registry';
import { materializeFeatures, type MaterializeSummary } from '../src/features/materialize-features';
import { exportFeatures } from '../src/features/offline/export-features';
import { DuckDbLakeEngine } from '../src/lake/duckdb/duckdb-lake-engine';
import { LakeLayout } from '../src/lake/lake-layout';
import { sqlString } from '../src/lake/lake-relation';
import { JsonLogger } from '../src/observability/json-logger';
import { silentLogger } from '../src/shared/logger.port';
import { EmbeddedOnlineStore } from '../src/store/embedded/embedded-online-store';
import { benchLake } from './features-materialize-lake';

// Usage: npm run build && node dist/bench/features-materialize.bench.js
//   C360_BENCH_USERS (default 100000), C360_BENCH_DAYS (default 30), C360_BENCH_THREADS (default: all cores),
//   C360_BENCH_DIR (default $TMPDIR/c360-bench-features-<users>x<days>) keeps the generated lake between runs.

const users = Number(process.env.C360_BENCH_USERS ?? 100_000);
const days = Number(process.env.C360_BENCH_DAYS ?? 30);
const threads = process.env.C360_BENCH_THREADS ? Number(process.env.C360_BENCH_THREADS) : undefined;
const dir = process.env.C360_BENCH_DIR ?? path.join(os.tmpdir(), `c360-bench-features-${users}x${days}`);

async function main(): Promise<void> {
  const layout = new LakeLayout(path.join(dir, 'lake'));
  mkdirSync(layout.root, { recursive: true });
  const engine = await DuckDbLakeEngine.open({ lakeRoot: layout.root, threads });
  const logger = new JsonLogger('warn');
  const prepared = performance.now();
  const lake = await benchLake(engine, layout, { users, days, seed: 1 }, logger);
  const [clicks] = await engine.query(`SELECT count(*) AS n FROM read_parquet(${sqlString(`${layout.processedTable('clickstream')}/*/*.parquet`)})`);
  const [orders] = await engine.query(`SELECT count(*) AS n FROM read_parquet(${sqlString(`${layout.processedTable('orders')}/*/*.parquet`)})`);
  console.log(JSON.stringify({ bench: 'lake', users, days, fromDay: lake.fromDay, toDay: lake.toDay, clickstreamRows: clicks?.n, orderRows: orders?.n, preparedMs: Math.round(performance.now() - prepared) }));

  const storeDir = path.join(dir, 'store');
  rmSync(storeDir, { recursive: true, force: true });
  const store = await EmbeddedOnlineStore.open(storeDir);
  try {
    const run = async (label: string, date: string): Promise<MaterializeSummary> => {
      const summary = await materializeFeatures({ date }, { engine, layout, store, logger: silentLogger });
      const bytes = statSync(summary.partition).size;
      console.log(JSON.stringify({ bench: 'materialize', label, date, customers: summary.customers, features: summary.features, rowsWritten: summary.rowsWritten, queryMs: summary.queryMs, loadMs: summary.loadMs, totalMs: summary.ms, parquetBytes: bytes }));
      return summary;
    };
    await run('first run, empty online store', lake.toDay);
    await run('re-run of the same day (a higher run version: every value is rewritten, the same)', lake.toDay);
    const previous = new Date(Date.parse(`${lake.toDay}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    await run('the day before (older event time: the online store keeps the newer values)', previous);

    const started = performance.now();
    let exported = 0;
    await exportFeatures(engine, layout, { features: FEATURES }, async () => void (exported += 1));
    console.log(JSON.stringify({ bench: 'export', customers: exported, features: FEATURES.length, ms: Math.round(performance.now() - started) }));
  } finally {
    await store.close();
    await engine.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

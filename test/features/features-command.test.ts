import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FEATURES } from '../../src/features/feature-registry';
import { FeatureLake } from './support/feature-lake';
import { AS_OF, EARLIER, writeScenario } from './support/scenario';
import { jsonLines, runCli } from '../support/run-cli';

/** The compiled CLI entry beside this compiled test (scripts/test.mjs compiles both). */

describe('c360 features', () => {
  const lake = new FeatureLake();
  let home: string;

  before(async () => {
    await writeScenario(lake);
    home = mkdtempSync(path.join(os.tmpdir(), 'c360-features-cli-'));
  });
  after(async () => {
    await lake.close();
    rmSync(home, { recursive: true, force: true });
  });

  const c360 = (...args: string[]) => runCli(args, { C360_HOME: home, C360_LAKE: lake.root });
  const lines = (stdout: string): unknown[] => jsonLines(stdout);

  it('materialize prints a summary and fills the features zone and the online store', () => {
    for (const date of [EARLIER, AS_OF]) {
      const run = c360('features', 'materialize', '--date', date);
      assert.equal(run.status, 0, run.stderr);
      const summary = JSON.parse(run.stdout) as { date: string; customers: number; features: number; rowsWritten: number; ms: number };
      assert.equal(summary.date, date);
      assert.equal(summary.customers, 4);
      assert.equal(summary.rowsWritten, 4);
      assert.equal(summary.features, FEATURES.length);
    }
  });

  it('export prints {"customerId","features"} per line from the newest day, or the given one', () => {
    const newest = c360('features', 'export', '--names', 'orders_30d,customer_orders:gmv_30d');
    assert.equal(newest.status, 0, newest.stderr);
    assert.deepEqual(lines(newest.stdout), [
      { customerId: 'cust-1', features: { orders_30d: 2, gmv_30d: 245 } },
      { customerId: 'cust-2', features: { orders_30d: 2, gmv_30d: 525.5 } },
      { customerId: 'cust-3', features: { orders_30d: 0, gmv_30d: 0 } },
      { customerId: 'cust-4', features: { orders_30d: 0, gmv_30d: 0 } },
    ]);
    const earlier = c360('features', 'export', '--names', 'gmv_30d', '--date', EARLIER);
    assert.deepEqual(lines(earlier.stdout)[1], { customerId: 'cust-2', features: { gmv_30d: 25.5 } });
  });

  it('history prints point-in-time rows for an entities file', () => {
    const file = path.join(home, 'entities.csv');
    writeFileSync(file, 'customer_id,timestamp\ncust-2,2026-03-31T12:00:00Z\ncust-2,2026-04-01T00:00:00Z\n');
    const run = c360('features', 'history', '--entities', file, '--names', 'orders_30d');
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(lines(run.stdout), [
      { customerId: 'cust-2', timestamp: '2026-03-31T12:00:00.000Z', featuresAsOf: '2026-03-15T23:59:59.999Z', features: { orders_30d: 1 } },
      { customerId: 'cust-2', timestamp: '2026-04-01T00:00:00.000Z', featuresAsOf: '2026-03-31T23:59:59.999Z', features: { orders_30d: 2 } },
    ]);
    assert.match(c360('features', 'history', '--help').stdout, /as\s+of\s+the\s+last\s+daily\s+materialization\s+before\s+the\s+timestamp/);
  });

  it('list prints the registry as JSON', () => {
    const run = c360('features', 'list');
    const registry = JSON.parse(run.stdout) as { features: Array<{ name: string; sensitivity: string }>; services: Array<{ name: string }> };
    assert.equal(registry.features.length, FEATURES.length);
    assert.equal(registry.features.find((feature) => feature.name === 'lab_bookings_90d')?.sensitivity, 'health');
    assert.deepEqual(registry.services.map((service) => service.name), ['recsys_v1', 'marketing_v1']);
  });

  it('refuses unknown names and missing days with a clear message and a non-zero exit', () => {
    const unknown = c360('features', 'export', '--names', 'orders_30d,ordrs_7d,gmv_31d');
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /unknown features "ordrs_7d", "gmv_31d"/);
    assert.equal(unknown.stdout, '');
    const missing = c360('features', 'export', '--names', 'orders_30d', '--date', '2026-01-01');
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /no materialized features for 2026-01-01 \(materialized days: 2026-03-15 … 2026-03-31\)/);
    assert.notEqual(c360('features', 'materialize', '--date', '2026-02-30').status, 0);
  });
});

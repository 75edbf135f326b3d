import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { customerEntityKey } from '../../src/features/feature-definition';
import { FeatureRegistry } from '../../src/features/feature-registry';
import { materializeFeatures, type MaterializeSummary } from '../../src/features/materialize-features';
import { featureHistory, type HistoryRow } from '../../src/features/offline/feature-history';
import { featurePartitionDir, featurePartitionFile } from '../../src/features/offline/feature-partitions';
import { sqlString } from '../../src/lake/lake-relation';
import { silentLogger } from '../../src/shared/logger.port';
import { EmbeddedOnlineStore } from '../../src/store/embedded/embedded-online-store';
import { generatedFeatureLake, type GeneratedFeatureLake } from './support/generated-feature-lake';
import { referenceFeatures, type ReferenceValues } from './support/reference-features';

const SPECIFIED = ['orders_30d', 'gmv_30d', 'banner_clicks_30d'] as const;

describe('features on a generated lake (600 users, 14 days) against an independent TypeScript computation from the raw zone', () => {
  let lake: GeneratedFeatureLake;
  let storeDir: string;
  let store: EmbeddedOnlineStore;

  before(async () => {
    lake = await generatedFeatureLake(600, 14);
    storeDir = mkdtempSync(path.join(os.tmpdir(), 'c360-features-store-'));
    store = await EmbeddedOnlineStore.open(storeDir);
  });
  after(async () => {
    await store.close();
    rmSync(storeDir, { recursive: true, force: true });
    await lake.close();
  });

  const materialize = (date: string): Promise<MaterializeSummary> => materializeFeatures({ date }, { engine: lake.engine, layout: lake.layout, store, logger: silentLogger, chunkSize: 50 });

  async function materialized(date: string): Promise<Map<string, ReferenceValues>> {
    const rows = await lake.engine.query(`SELECT customer_id, ${SPECIFIED.join(', ')} FROM read_parquet(${sqlString(featurePartitionFile(lake.layout, date))})`);
    return new Map(rows.map((row) => [String(row.customer_id), { orders_30d: Number(row.orders_30d), gmv_30d: Number(row.gmv_30d), banner_clicks_30d: Number(row.banner_clicks_30d) }]));
  }

  function assertMatchesReference(actual: Map<string, ReferenceValues>, expected: Map<string, ReferenceValues>): void {
    for (const customer of expected.keys()) assert.ok(actual.has(customer), `${customer} has activity but no feature row`);
    const zero: ReferenceValues = { orders_30d: 0, gmv_30d: 0, banner_clicks_30d: 0 };
    for (const [customer, values] of actual) {
      const reference = expected.get(customer) ?? zero;
      assert.equal(values.orders_30d, reference.orders_30d, `${customer} orders_30d`);
      assert.equal(Math.round(values.gmv_30d * 100), Math.round(reference.gmv_30d * 100), `${customer} gmv_30d`);
      assert.equal(values.banner_clicks_30d, reference.banner_clicks_30d, `${customer} banner_clicks_30d`);
    }
  }

  for (const offset of [0, 4]) {
    it(`agrees for every customer as of the last day minus ${offset}`, async () => {
      const day = new Date(Date.parse(`${lake.summary.toDay}T00:00:00Z`) - offset * 86_400_000).toISOString().slice(0, 10);
      const summary = await materialize(day);
      const actual = await materialized(day);
      const { values: expected, coverage } = await referenceFeatures(lake.engine, lake.layout, day);
      assert.equal(summary.customers, actual.size);
      assertMatchesReference(actual, expected);
      // The data exercises every rule: orders, money and clicks, CDC updates, cancellations and
      // deletes, duplicate deliveries, and clicks made before logging in.
      const totals = [...expected.values()].reduce((sum, values) => ({ orders: sum.orders + values.orders_30d, clicks: sum.clicks + values.banner_clicks_30d }), { orders: 0, clicks: 0 });
      const exercised = totals.orders > 20 && totals.clicks > 3 && Object.values(coverage).every((count) => count > 0);
      assert.ok(exercised, `too little data to mean anything: ${JSON.stringify({ ...totals, ...coverage })} (stitching: ${lake.stitching})`);
    });
  }

  it('loads the online store with the partition values at event time = end of D', async () => {
    const day = lake.summary.toDay;
    await materialize(day);
    const actual = await materialized(day);
    const read = await store.read([...actual.keys()].map(customerEntityKey), [...SPECIFIED]);
    const eventTime = Date.parse(`${day}T23:59:59.999Z`);
    for (const [customer, values] of actual) {
      for (const feature of SPECIFIED) {
        assert.deepEqual(read.get(customerEntityKey(customer))?.get(feature), { value: values[feature], eventTime }, `${customer} ${feature}`);
      }
    }
  });

  it('is idempotent: re-running a day rewrites the same partition (one file) and changes nothing online', async () => {
    const day = lake.summary.toDay;
    await materialize(day);
    const file = featurePartitionFile(lake.layout, day);
    const digest = () => createHash('sha256').update(readFileSync(file)).digest('hex');
    const first = digest();
    const keys = [...(await materialized(day)).keys()].map(customerEntityKey);
    const before = await store.read(keys);
    const summary = await materialize(day);
    assert.equal(digest(), first, 'the same lake gives the same bytes');
    assert.deepEqual(readdirSync(featurePartitionDir(lake.layout, day)), ['data.parquet']);
    assert.deepEqual(await store.read(keys), before);
    assert.equal(summary.rowsWritten, keys.length);
  });

  it('gives history rows the values of the last materialized day ended at or before each timestamp, never a later day’s', async () => {
    const last = lake.summary.toDay;
    const earlier = new Date(Date.parse(`${last}T00:00:00Z`) - 4 * 86_400_000).toISOString().slice(0, 10);
    await materialize(earlier);
    await materialize(last);
    const reference = { [earlier]: (await referenceFeatures(lake.engine, lake.layout, earlier)).values, [last]: (await referenceFeatures(lake.engine, lake.layout, last)).values };
    const zero: ReferenceValues = { orders_30d: 0, gmv_30d: 0, banner_clicks_30d: 0 };
    const valuesOf = (day: string, customer: string) => reference[day]?.get(customer) ?? zero;
    // Customers whose values changed between the days: a later day's value leaking into an earlier
    // timestamp would show.
    const changed = [...(await materialized(last)).keys()].filter((customer) => JSON.stringify(valuesOf(earlier, customer)) !== JSON.stringify(valuesOf(last, customer))).slice(0, 40);
    assert.ok(changed.length >= 10, `only ${changed.length} customers changed between ${earlier} and ${last}`);
    const endOf = (day: string) => Date.parse(`${day}T23:59:59.999Z`);
    // [timestamp, the day whose values it must see (null: none ended yet)]
    const probes: Array<[number, string | null]> = [
      [endOf(earlier) - 1, null],
      [endOf(earlier), earlier],
      [endOf(last) - 1, earlier],
      [endOf(last), last],
    ];
    const file = path.join(lake.root, 'history-entities.csv');
    writeFileSync(file, ['customer_id,timestamp', ...changed.flatMap((customer) => probes.map(([at]) => `${customer},${new Date(at).toISOString()}`))].join('\n'));
    const rows: HistoryRow[] = [];
    const names = new FeatureRegistry().validate([...SPECIFIED]);
    await featureHistory(lake.engine, lake.layout, { entitiesFile: file, features: names }, async (row) => void rows.push(row));
    assert.equal(rows.length, changed.length * probes.length);
    rows.forEach((row, index) => {
      const [at, day] = probes[index % probes.length] as [number, string | null];
      const where = `${row.customerId} at ${new Date(at).toISOString()}`;
      assert.equal(row.featuresAsOf, day === null ? null : new Date(endOf(day)).toISOString(), where);
      const expected = day === null ? { orders_30d: null, gmv_30d: null, banner_clicks_30d: null } : valuesOf(day, row.customerId);
      assert.deepEqual({ orders_30d: row.features.orders_30d, gmv_30d: row.features.gmv_30d, banner_clicks_30d: row.features.banner_clicks_30d }, expected, where);
    });
  });
});

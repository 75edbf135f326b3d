import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FeatureRegistry } from '../../src/features/feature-registry';
import { FeaturesException } from '../../src/features/features.exception';
import { featureHistory, type HistoryRow } from '../../src/features/offline/feature-history';
import { FeatureLake } from './support/feature-lake';
import { AS_OF, EARLIER, writeScenario } from './support/scenario';

/**
 * cust-2's values differ between the two materialized days (orders_30d 1 → 2, gmv_30d 25.5 →
 * 525.5), so a value from the later day showing up at an earlier timestamp is visible leakage.
 */
describe('features history: point-in-time correct training rows', () => {
  const lake = new FeatureLake();
  const names = new FeatureRegistry().validate(['orders_30d', 'customer_orders:gmv_30d', 'cart_products']);

  before(async () => {
    await writeScenario(lake);
    await lake.materialize(EARLIER);
    await lake.materialize(AS_OF);
  });
  after(() => lake.close());

  async function history(fileName: string, content: string): Promise<HistoryRow[]> {
    const file = path.join(lake.root, fileName);
    writeFileSync(file, content);
    const rows: HistoryRow[] = [];
    await featureHistory(await lake.lake(), lake.layout, { entitiesFile: file, features: names }, async (row) => void rows.push(row));
    return rows;
  }

  it('takes the newest day whose end is at or before each timestamp, never a later one', async () => {
    const rows = await history(
      'entities.csv',
      [
        'customer_id,timestamp',
        'cust-2,2026-03-15T12:00:00Z',
        'cust-2,2026-03-15T23:59:59.999Z',
        'cust-2,2026-03-16T00:00:00+05:30',
        'cust-2,2026-03-31T12:00:00Z',
        'cust-2,2026-04-01T00:00:00Z',
        'cust-9,2026-04-02T00:00:00Z',
        'cust-1,2026-04-10 08:00:00',
      ].join('\n'),
    );
    assert.deepEqual(
      rows.map((row) => [row.customerId, row.timestamp, row.featuresAsOf, row.features.orders_30d, row.features.gmv_30d]),
      [
        ['cust-2', '2026-03-15T12:00:00.000Z', null, null, null],
        ['cust-2', '2026-03-15T23:59:59.999Z', '2026-03-15T23:59:59.999Z', 1, 25.5],
        // +05:30: that is 18:30 UTC on the 15th, before the day ended.
        ['cust-2', '2026-03-15T18:30:00.000Z', null, null, null],
        // Noon on the 31st sees the 15th: the 31st's values include the rest of that day.
        ['cust-2', '2026-03-31T12:00:00.000Z', '2026-03-15T23:59:59.999Z', 1, 25.5],
        ['cust-2', '2026-04-01T00:00:00.000Z', '2026-03-31T23:59:59.999Z', 2, 525.5],
        ['cust-9', '2026-04-02T00:00:00.000Z', null, null, null],
        ['cust-1', '2026-04-10T08:00:00.000Z', '2026-03-31T23:59:59.999Z', 2, 245],
      ],
    );
    assert.deepEqual(rows[6]?.features.cart_products, ['CHR001']);
  });

  it('reads JSON lines too, and keeps the input order', async () => {
    const rows = await history(
      'entities.jsonl',
      [
        { customer_id: 'cust-1', timestamp: '2026-04-01T00:00:00Z' },
        { customer_id: 'cust-2', timestamp: '2026-03-20T00:00:00Z' },
      ]
        .map((row) => JSON.stringify(row))
        .join('\n'),
    );
    assert.deepEqual(
      rows.map((row) => [row.customerId, row.features.orders_30d]),
      [
        ['cust-1', 2],
        ['cust-2', 1],
      ],
    );
  });

  it('refuses rows it cannot place in time, naming them', async () => {
    await assert.rejects(
      history('bad.csv', 'customer_id,timestamp\ncust-1,2026-04-01\ncust-2,yesterday\n'),
      (error: unknown) => error instanceof FeaturesException && /row 2 \(timestamp "yesterday"\)/.test(error.message),
    );
    await assert.rejects(history('no-time.csv', 'customer_id,when\ncust-1,2026-04-01\n'), /needs a customer_id column and a timestamp column \(found: customer_id, when\)/);
  });
});

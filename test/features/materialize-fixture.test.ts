import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import type { LakeRow } from '../../src/lake/lake-engine.port';
import { FEATURES } from '../../src/features/feature-registry';
import { customerEntityKey } from '../../src/features/feature-definition';
import type { MaterializeSummary } from '../../src/features/materialize-features';
import { FeatureLake } from './support/feature-lake';
import { AS_OF, EARLIER, writeScenario } from './support/scenario';

const END_OF_AS_OF = Date.parse(`${AS_OF}T23:59:59.999Z`);

describe('features materialized from hand-written raw data (as of the end of 2026-03-31)', () => {
  const lake = new FeatureLake();
  let rows: Map<string, LakeRow>;
  let summary: MaterializeSummary;

  before(async () => {
    await writeScenario(lake);
    summary = await lake.materialize(AS_OF);
    rows = await lake.partition(AS_OF);
  });
  after(() => lake.close());

  const value = (customer: string, feature: string) => rows.get(customer)?.[feature];

  it('writes one row per customer of the identity map, a column per registered feature, and event_timestamp = end of D', () => {
    assert.deepEqual([...rows.keys()], ['cust-1', 'cust-2', 'cust-3', 'cust-4']);
    for (const row of rows.values()) {
      assert.deepEqual(Object.keys(row), ['customer_id', ...FEATURES.map((feature) => feature.name), 'event_timestamp']);
      assert.deepEqual(row.event_timestamp, new Date(END_OF_AS_OF));
    }
    assert.equal(summary.customers, 4);
    assert.equal(summary.features, FEATURES.length);
    assert.equal(summary.rowsWritten, 4);
    assert.equal(summary.eventTimestamp, '2026-03-31T23:59:59.999Z');
  });

  describe('orders_30d and gmv_30d: orders created D-29 00:00 … D 23:59:59.999 whose latest state is neither cancelled nor deleted', () => {
    it('counts the window inclusively at both ends and nothing outside it', () => {
      // cust-1: o1 one second before the window is out; o2 at its first second is in; o3 in.
      assert.equal(value('cust-1', 'orders_30d'), 2);
      // cust-2: o6 in D's last second is in; o7 at D+1 00:00 is out.
      assert.equal(value('cust-2', 'orders_30d'), 2);
    });

    it('takes the latest CDC change: an updated amount, a cancellation, a reinstatement, a delete', () => {
      // cust-1: o2 200.00 + o3 corrected from 50.00 to 45.00; o4 cancelled afterwards.
      assert.equal(value('cust-1', 'gmv_30d'), 245);
      // cust-2: o6 500.00 + o11 25.50 (cancelled, then confirmed again); o5 deleted.
      assert.equal(value('cust-2', 'gmv_30d'), 525.5);
      // cust-3: o8 cancelled, o9 deleted: zeros, so yesterday's online values are replaced.
      assert.equal(value('cust-3', 'orders_30d'), 0);
      assert.equal(value('cust-3', 'gmv_30d'), 0);
      assert.equal(value('cust-4', 'orders_30d'), 0);
    });

    it('splits by vertical and by window', () => {
      assert.equal(value('cust-1', 'pharmacy_orders_30d'), 1);
      assert.equal(value('cust-1', 'wellness_gmv_30d'), 45);
      assert.equal(value('cust-1', 'lab_tests_orders_30d'), 0, 'o4 was cancelled');
      assert.equal(value('cust-2', 'consultations_gmv_30d'), 500);
      assert.equal(value('cust-2', 'orders_7d'), 1);
      assert.equal(value('cust-1', 'orders_90d'), 3);
    });

    it('measures recency and tenure in whole days to D', () => {
      assert.equal(value('cust-1', 'days_since_last_order'), 21);
      assert.equal(value('cust-1', 'days_since_first_order'), 30);
      assert.equal(value('cust-2', 'days_since_last_order'), 0);
      assert.equal(value('cust-3', 'days_since_last_order'), null);
    });
  });

  describe('banner_clicks_30d: distinct Promotion Clicked messageIds of the stitched customer in the window', () => {
    it('counts an anonymous click before login for the customer, a retried click once, and nothing outside the window', () => {
      assert.equal(value('cust-1', 'banner_clicks_30d'), 2);
      assert.equal(value('cust-2', 'banner_clicks_30d'), 1);
      assert.equal(value('cust-3', 'banner_clicks_30d'), 0);
      assert.equal(value('cust-4', 'banner_clicks_30d'), 1, 'an anonymous visitor is a customer of their own');
    });

    it('keeps the newest clicked promotion as of D', () => {
      assert.equal(value('cust-1', 'last_banner_clicked'), 'P2');
      assert.equal(value('cust-2', 'last_banner_clicked'), 'P3', 'P4 was clicked after D');
      assert.equal(value('cust-1', 'last_banner_seen'), 'P1');
      assert.equal(value('cust-1', 'banner_views_30d'), 1);
    });
  });

  it('derives the cart, app sessions, favourite category and RFM scores', () => {
    assert.deepEqual(value('cust-1', 'cart_products'), ['CHR001'], 'the order emptied the cart of MED001');
    assert.deepEqual(value('cust-2', 'cart_products'), [], 'added then removed');
    assert.equal(value('cust-2', 'app_sessions_30d'), 2, '10:00 and 10:20 are one session, 11:00 another');
    assert.equal(value('cust-1', 'favourite_category'), 'wellness');
    assert.equal(value('cust-2', 'rfm_recency_score'), 3);
    assert.equal(value('cust-1', 'rfm_recency_score'), 1);
    assert.equal(value('cust-1', 'rfm_frequency_score'), 3);
    assert.equal(value('cust-2', 'rfm_monetary_score'), 3);
    assert.equal(value('cust-3', 'rfm_monetary_score'), null, 'no placed order in the year');
  });

  it('loads every customer into the online store with event time = end of D', async () => {
    const store = await lake.onlineStore();
    const read = await store.read(['cust-1', 'cust-2', 'cust-3', 'cust-4'].map(customerEntityKey), ['orders_30d', 'gmv_30d', 'banner_clicks_30d', 'cart_products', 'last_seen_at']);
    const stored = (customer: string, feature: string) => read.get(customerEntityKey(customer))?.get(feature);
    assert.deepEqual(stored('cust-1', 'orders_30d'), { value: 2, eventTime: END_OF_AS_OF });
    assert.deepEqual(stored('cust-2', 'gmv_30d'), { value: 525.5, eventTime: END_OF_AS_OF });
    assert.deepEqual(stored('cust-4', 'banner_clicks_30d'), { value: 1, eventTime: END_OF_AS_OF });
    assert.deepEqual(stored('cust-3', 'orders_30d'), { value: 0, eventTime: END_OF_AS_OF });
    assert.deepEqual(stored('cust-1', 'cart_products'), { value: ['CHR001'], eventTime: END_OF_AS_OF });
    assert.deepEqual(stored('cust-2', 'last_seen_at'), { value: '2026-03-31T23:59:59.999Z', eventTime: END_OF_AS_OF });
    assert.equal(read.get(customerEntityKey('cust-1'))?.size, 5);
  });

  it('computes an earlier day from the same lake with its own window', async () => {
    await lake.materialize(EARLIER);
    const earlier = await lake.partition(EARLIER);
    // 2026-02-14 … 2026-03-15: o1 is in now; o4 (placed on the 15th) stays out, being cancelled in the lake's current state.
    assert.equal(earlier.get('cust-1')?.orders_30d, 3);
    assert.equal(earlier.get('cust-2')?.gmv_30d, 25.5);
    assert.equal(earlier.get('cust-1')?.banner_clicks_30d, 3);
    assert.equal(earlier.get('cust-2')?.banner_clicks_30d, 0);
  });
});

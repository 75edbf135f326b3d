import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { compilePredicate } from '../../src/segments/predicate/segment-predicate';
import { DUCKDB_SEGMENT_DIALECT } from '../../src/segments/sql/segment-dialect';
import { membersSql } from '../../src/segments/sql/segment-query.sql';
import { SegmentSqlContext } from '../../src/segments/sql/segment-sql-context';
import { segmentSources } from '../../src/segments/sql/segment-sources';
import { lakeFacts } from './support/lake-facts';
import { consentEvent, SegmentLake, type TestEvent } from './support/segment-lake';

const DAY = '2026-03-10';
const HOSTILE = `O'Brien"); DROP TABLE customers; -- \\' OR '1'='1`;

const view = (messageId: string, userId: string, at: string, properties: Record<string, unknown>, event = 'Product Viewed'): TestEvent => ({ messageId, userId, at, event, properties });

/**
 * Six customers with hand-picked features, events and consent choices; every case states who is
 * in, and both evaluators (SQL on DuckDB, the in-memory predicate) must say exactly that.
 */
describe('segment evaluators on a hand-built lake: SQL and in-memory agree with the stated members', () => {
  const lake = new SegmentLake();

  before(async () => {
    const ids = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'];
    await lake.identities([
      ...ids.map((customer) => ({ type: 'user_id', value: `u-${customer}`, customer })),
      { type: 'anonymous_id', value: 'anon-c3-phone', customer: 'c3' },
      { type: 'anonymous_id', value: 'anon-c6-tablet', customer: 'c6' },
    ]);
    await lake.features(DAY, [
      { customer: 'c1', values: { orders_30d: 0, gmv_30d: 0, favourite_category: 'vitamins', last_seen_at: '2026-03-10T23:59:59.999Z', cart_products: [] } },
      { customer: 'c2', values: { orders_30d: 3, gmv_30d: 499.5, favourite_category: HOSTILE, last_seen_at: '2026-03-04T00:00:00.000Z', cart_products: ['SKU-1', 'SKU-2'] } },
      { customer: 'c3', values: { favourite_category: 'skin care', last_seen_at: '2026-03-03T23:59:59.999Z' } },
      { customer: 'c4', values: { orders_30d: 10, gmv_30d: 12000.25, cart_products: ['SKU-2'] } },
      { customer: 'c5', values: { orders_30d: 1, gmv_30d: 99 } },
      { customer: 'c6', values: { orders_30d: 2, gmv_30d: 10 } },
    ]);
    await lake.events('2026-03-10', [
      // c1: three views in the window, one with a duplicate messageId (an SDK retry), one a day too early.
      view('m1', 'u-c1', '2026-03-04T00:00:00.000Z', { category: 'vitamins', price: 500, rx: false }),
      view('m2', 'u-c1', '2026-03-10T23:59:59.999Z', { category: 'vitamins', price: 650.5, rx: true }),
      view('m2', 'u-c1', '2026-03-10T23:59:59.999Z', { category: 'vitamins', price: 650.5, rx: true }),
      view('m0', 'u-c1', '2026-03-03T23:59:59.999Z', { category: 'vitamins', price: 500 }),
      // c2: views after the as-of day do not count.
      view('m3', 'u-c2', '2026-03-11T00:00:00.000Z', { category: 'vitamins', price: 500 }),
      view('m4', 'u-c2', '2026-03-09T10:00:00.000Z', { category: HOSTILE, price: '500' }),
      // c3: anonymous browsing on a phone, stitched to c3 by the identity map.
      { messageId: 'm5', anonymousId: 'anon-c3-phone', at: '2026-03-08T10:00:00.000Z', event: 'Product Viewed', properties: { category: 'vitamins', price: 800 } },
      { messageId: 'm6', anonymousId: 'anon-c3-phone', at: '2026-03-09T10:00:00.000Z', event: 'Product Viewed', properties: { category: 'skin care', price: 120 } },
      view('m7', 'u-c4', '2026-03-09T10:00:00.000Z', {}, `Promo ${HOSTILE}`),
      // Consent: c2 opts out, then back in (the newest choice wins); c4 and c6 opt out (c6 on an anonymous session).
      consentEvent('k1', 'u-c2', '2026-03-01T00:00:00.000Z', false),
      consentEvent('k2', 'u-c2', '2026-03-05T00:00:00.000Z', true),
      consentEvent('k3', 'u-c4', '2026-02-20T00:00:00.000Z', false),
      { ...consentEvent('k4', 'nobody', '2026-03-02T00:00:00.000Z', false), userId: undefined, anonymousId: 'anon-c6-tablet' },
      // c5 opts out only after the as-of day: still in on D.
      consentEvent('k5', 'u-c5', '2026-03-11T08:00:00.000Z', false),
    ]);
    await lake.stitchEvents();
  });
  after(() => lake.close());

  /** The members by SQL, the same whether events come stitched or are joined to the identity map, and by the in-memory predicate. */
  async function bothEvaluators(definition: unknown, segments: Record<string, unknown> = {}): Promise<string[]> {
    const bySql = await lake.members(definition, DAY, segments, 'stitched');
    assert.deepEqual(await lake.members(definition, DAY, segments, 'joined'), bySql, `stitched and joined events disagree on ${JSON.stringify(definition)}`);
    const predicate = compilePredicate(await lake.check(definition, segments), DAY);
    const facts = await lakeFacts(await lake.engine(), lake.layout, DAY);
    const inMemory = [...facts].filter(([, customer]) => predicate(customer)).map(([id]) => id).sort();
    assert.deepEqual(inMemory, bySql, `SQL and in-memory disagree on ${JSON.stringify(definition)}`);
    return bySql;
  }

  it('applies consent to everything: the newest choice up to D decides, over every stitched identifier', async () => {
    assert.deepEqual(await bothEvaluators({ feature: 'orders_30d', op: 'gte', value: 0 }), ['c1', 'c2', 'c5']);
    assert.deepEqual(await bothEvaluators({ not: { feature: 'orders_30d', op: 'exists' } }), ['c3'], 'c3 has no value; opted-out c4 and c6 never appear, even under not');
  });

  it('compares numbers; a missing value matches no test, only its negation', async () => {
    assert.deepEqual(await bothEvaluators({ feature: 'orders_30d', op: 'ne', value: 3 }), ['c1', 'c5']);
    assert.deepEqual(await bothEvaluators({ not: { feature: 'orders_30d', op: 'eq', value: 3 } }), ['c1', 'c3', 'c5']);
    assert.deepEqual(await bothEvaluators({ feature: 'orders_30d', op: 'not_in', values: [0, 3] }), ['c5']);
    assert.deepEqual(await bothEvaluators({ feature: 'gmv_30d', op: 'between', min: 99, max: 499.5 }), ['c2', 'c5']);
    assert.deepEqual(await bothEvaluators({ feature: 'gmv_30d', op: 'eq', value: 499.5 }), ['c2']);
  });

  it('compares text exactly, quotes and SQL in values included, and never puts a value in the SQL text', async () => {
    const definition = { feature: 'favourite_category', op: 'in', values: [HOSTILE, 'skin care'] };
    assert.deepEqual(await bothEvaluators(definition), ['c2', 'c3']);
    assert.deepEqual(await bothEvaluators({ feature: 'favourite_category', op: 'eq', value: `${HOSTILE} ` }), []);
    const query = membersSql(await lake.check({ all: [definition, { event: `Promo ${HOSTILE}`, inLastDays: 7, where: [{ property: 'category', op: 'eq', value: HOSTILE }] }] }), new SegmentSqlContext(DAY, DUCKDB_SEGMENT_DIALECT, segmentSources(await lake.engine(), lake.layout, DAY)));
    assert.ok(!query.text.includes('Brien') && !query.text.includes('Promo') && !query.text.includes('skin care'), 'values travel as parameters only');
    assert.ok(query.params.includes(HOSTILE));
    assert.deepEqual(await bothEvaluators({ event: `Promo ${HOSTILE}`, inLastDays: 2 }), [], 'c4 performed it but opted out');
    assert.deepEqual(await bothEvaluators({ event: 'Product Viewed', inLastDays: 2, where: [{ property: 'category', op: 'eq', value: HOSTILE }] }), ['c2']);
  });

  it('compares timestamps at millisecond precision, and within_last_days from the window’s first midnight', async () => {
    assert.deepEqual(await bothEvaluators({ feature: 'last_seen_at', op: 'within_last_days', value: 7 }), ['c1', 'c2']);
    assert.deepEqual(await bothEvaluators({ feature: 'last_seen_at', op: 'lt', value: '2026-03-04T05:30:00+05:30' }), ['c3']);
    assert.deepEqual(await bothEvaluators({ feature: 'last_seen_at', op: 'gte', value: '2026-03-10T23:59:59.999Z' }), ['c1']);
  });

  it('tests lists: contains an element; exists means not empty', async () => {
    assert.deepEqual(await bothEvaluators({ feature: 'cart_products', op: 'contains', value: 'SKU-2' }), ['c2']);
    assert.deepEqual(await bothEvaluators({ feature: 'cart_products', op: 'exists' }), ['c2']);
    assert.deepEqual(await bothEvaluators({ not: { feature: 'cart_products', op: 'exists' } }), ['c1', 'c3', 'c5']);
  });

  it('counts distinct events in the window [D-(N-1) 00:00, D+1 00:00), anonymous sessions stitched in', async () => {
    assert.deepEqual(await bothEvaluators({ event: 'Product Viewed', atLeast: 2, inLastDays: 7 }), ['c1', 'c3']);
    assert.deepEqual(await bothEvaluators({ event: 'Product Viewed', atLeast: 3, inLastDays: 8 }), ['c1'], 'a week and a day reaches m0');
    assert.deepEqual(await bothEvaluators({ event: 'Product Viewed', atLeast: 3, inLastDays: 7 }), [], 'm2 counts once; m0 is a day early');
    assert.deepEqual(await bothEvaluators({ not: { event: 'Product Viewed', inLastDays: 30 } }), ['c5']);
  });

  it('filters properties by the operand’s kind: text, JSON numbers, booleans', async () => {
    assert.deepEqual(await bothEvaluators({ event: 'Product Viewed', inLastDays: 7, where: [{ property: 'price', op: 'gte', value: 500 }] }), ['c1', 'c3'], 'c2’s price is the text "500"');
    assert.deepEqual(await bothEvaluators({ event: 'Product Viewed', inLastDays: 7, where: [{ property: 'price', op: 'in', values: [650.5, 120] }] }), ['c1', 'c3']);
    assert.deepEqual(await bothEvaluators({ event: 'Product Viewed', inLastDays: 7, where: [{ property: 'price', op: 'eq', value: '500' }] }), ['c2']);
    assert.deepEqual(await bothEvaluators({ event: 'Product Viewed', atLeast: 2, inLastDays: 7, where: [{ property: 'category', op: 'ne', value: 'skin care' }] }), ['c1']);
    assert.deepEqual(await bothEvaluators({ event: 'Product Viewed', inLastDays: 7, where: [{ property: 'rx', op: 'eq', value: false }] }), ['c1']);
    assert.deepEqual(await bothEvaluators({ event: 'Product Viewed', inLastDays: 7, where: [{ property: 'rx', op: 'ne', value: true }] }), ['c1'], 'only m1 has rx=false; the others have no rx');
    assert.deepEqual(await bothEvaluators({ event: 'Product Viewed', inLastDays: 7, where: [{ property: 'constructor', op: 'eq', value: 'x' }] }), []);
  });

  it('combines with all, any and not, and inlines other segments', async () => {
    const viewers = { event: 'Product Viewed', inLastDays: 7 };
    const spenders = { feature: 'gmv_30d', op: 'gt', value: 50 };
    assert.deepEqual(await bothEvaluators({ any: [{ segment: 'viewers' }, spenders] }, { viewers }), ['c1', 'c2', 'c3', 'c5']);
    assert.deepEqual(await bothEvaluators({ all: [{ segment: 'viewers' }, { not: spenders }] }, { viewers }), ['c1', 'c3']);
    assert.deepEqual(await bothEvaluators({ all: [{ segment: 'both' }, { feature: 'favourite_category', op: 'eq', value: 'vitamins' }] }, { both: { all: [{ segment: 'viewers' }, { not: spenders }] }, viewers }), ['c1']);
  });
});

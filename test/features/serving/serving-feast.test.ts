import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { KEYS, ServingApp } from './support/serving-app';

const HOUR = 3_600_000;

describe('Feast-compatible POST /get-online-features (real API, embedded store)', () => {
  let api: ServingApp;
  // Whole seconds print without a fraction, as protobuf's JSON Timestamp does.
  const fresh = Math.floor((Date.now() - HOUR) / 1000) * 1000;
  const freshText = new Date(fresh).toISOString().replace('.000Z', 'Z');
  const stale = Date.UTC(2024, 0, 2, 3, 4, 5, 678);

  before(async () => {
    api = await ServingApp.start();
    await api.seed([
      { customerId: 'c1', eventTime: fresh, features: { orders_30d: 3, gmv_30d: 1234.5, cart_products: ['p1', 'p2'], days_since_last_order: null, pharmacy_orders_90d: 2 } },
      { customerId: 'c2', eventTime: stale, features: { orders_30d: 1, gmv_30d: 99.9 } },
      { customerId: '1001', eventTime: fresh, features: { orders_30d: 7 } },
    ]);
  });

  after(() => api.close());

  const feast = (body: unknown, key: string | null = KEYS.recsys) => api.post('/get-online-features', JSON.stringify(body), key);

  it('answers in Feast’s response shape, byte for byte, with explicit statuses', async () => {
    const response = await feast({
      features: ['customer_orders:orders_30d', 'customer_orders:gmv_30d', 'customer_activity:cart_products', 'customer_orders:days_since_last_order', 'customer_orders:pharmacy_orders_90d'],
      entities: { customer_id: ['c1', 'c2', 'c3'] },
    });
    assert.equal(response.status, 200);
    assert.match(response.contentType ?? '', /^application\/json/);
    // What Feast's Python feature server writes for the same data (MessageToDict with proto field
    // names, compact JSON): columnar results, the join key first with PRESENT and unset timestamps.
    const epoch = '1970-01-01T00:00:00Z';
    const expected =
      '{"metadata":{"feature_names":["customer_id","orders_30d","gmv_30d","cart_products","days_since_last_order","pharmacy_orders_90d"]},' +
      '"results":[' +
      `{"values":["c1","c2","c3"],"statuses":["PRESENT","PRESENT","PRESENT"],"event_timestamps":["${epoch}","${epoch}","${epoch}"]},` +
      `{"values":[3,1,null],"statuses":["PRESENT","OUTSIDE_MAX_AGE","NOT_FOUND"],"event_timestamps":["${freshText}","2024-01-02T03:04:05.678Z","${epoch}"]},` +
      `{"values":[1234.5,99.9,null],"statuses":["PRESENT","OUTSIDE_MAX_AGE","NOT_FOUND"],"event_timestamps":["${freshText}","2024-01-02T03:04:05.678Z","${epoch}"]},` +
      `{"values":[["p1","p2"],null,null],"statuses":["PRESENT","NOT_FOUND","NOT_FOUND"],"event_timestamps":["${freshText}","${epoch}","${epoch}"]},` +
      `{"values":[null,null,null],"statuses":["PRESENT","NOT_FOUND","NOT_FOUND"],"event_timestamps":["${freshText}","${epoch}","${epoch}"]},` +
      // A health feature without pii:read: MASKED, never a value or a time.
      `{"values":[null,null,null],"statuses":["MASKED","MASKED","MASKED"],"event_timestamps":["${epoch}","${epoch}","${epoch}"]}` +
      ']}';
    assert.equal(response.text, expected);
  });

  it('serves a feature service with full feature names, and reveals health features to pii:read', async () => {
    const response = await feast({ feature_service: 'recsys_v1', full_feature_names: true, entities: { customer_id: ['c1'] } }, KEYS.pii);
    assert.equal(response.status, 200);
    const body = response.json() as { metadata: { feature_names: string[] }; results: Array<{ values: unknown[]; statuses: string[] }> };
    assert.equal(body.metadata.feature_names[0], 'customer_id');
    assert.deepEqual(body.metadata.feature_names.slice(1, 4), ['customer_care__favourite_category', 'customer_care__refill_interval_days', 'customer_care__refill_due_in_days']);
    assert.equal(body.results.length, body.metadata.feature_names.length);
    const column = (name: string) => body.results[body.metadata.feature_names.indexOf(name)];
    assert.deepEqual(column('customer_orders__orders_30d'), { values: [3], statuses: ['PRESENT'], event_timestamps: [freshText] });
    assert.deepEqual(column('customer_orders__pharmacy_orders_90d')?.statuses, ['PRESENT']);
    assert.deepEqual(column('customer_care__lab_bookings_90d')?.statuses, ['NOT_FOUND']);
  });

  it('accepts integer join keys as Feast clients send them, and echoes them as sent', async () => {
    const body = (await feast({ features: ['customer_orders:orders_30d'], entities: { customer_id: [1001, 'c1'] } })).json() as { results: Array<{ values: unknown[] }> };
    assert.deepEqual(body.results[0]?.values, [1001, 'c1']);
    assert.deepEqual(body.results[1]?.values, [7, 3]);
  });

  it('answers bad requests with 400 and {"error":{"code","message"}} naming the problem', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ features: ['customer_orders:orders_30d', 'customer_orders:nope'], entities: { customer_id: ['c1'] } }, /unknown feature "customer_orders:nope"/],
      [{ features: [], entities: { customer_id: ['c1'] } }, /features must name at least one feature/],
      [{ features: ['customer_orders:orders_30d'], entities: { customer_id: [] } }, /entities.customer_id must name at least one entity/],
      [{ features: ['customer_orders:orders_30d'], entities: { customer_id: Array.from({ length: 1001 }, (_, i) => `c${i}`) } }, /at most 1000/],
      [{ features: ['customer_orders:orders_30d'], entities: { driver_id: [1] } }, /unknown join key "driver_id"; the customer entity's join key is customer_id/],
      [{ features: ['customer_orders:orders_30d'], entities: { customer_id: [1.5] } }, /customer_id\[0\] must be a string or an integer/],
      [{ entities: { customer_id: ['c1'] } }, /either features .* or feature_service is required/],
      [{ features: ['customer_orders:orders_30d'], entities: { customer_id: ['c1'] }, full_feature_names: 'yes' }, /full_feature_names must be true or false/],
      [['not', 'an', 'object'], /must be a JSON object/],
    ];
    for (const [body, message] of cases) {
      const response = await feast(body);
      assert.equal(response.status, 400, JSON.stringify(body).slice(0, 120));
      const error = (response.json() as { error: { code: string; message: string } }).error;
      assert.equal(error.code, 'BAD_USER_INPUT');
      assert.match(error.message, message);
    }
  });

  it('answers an unknown feature service with 404, a key without features:read with 403, no key with 401', async () => {
    const unknownService = await feast({ feature_service: 'nope_v9', entities: { customer_id: ['c1'] } });
    assert.equal(unknownService.status, 404);
    assert.deepEqual(unknownService.json(), { error: { code: 'NOT_FOUND', message: 'unknown feature service "nope_v9"; known: recsys_v1, marketing_v1' } });

    const forbidden = await feast({ features: ['customer_orders:orders_30d'], entities: { customer_id: ['c1'] } }, KEYS.profiles);
    assert.equal(forbidden.status, 403);
    assert.deepEqual(forbidden.json(), { error: { code: 'FORBIDDEN', message: 'This operation needs the features:read scope' } });

    const anonymous = await feast({ features: ['customer_orders:orders_30d'], entities: { customer_id: ['c1'] } }, null);
    assert.equal(anonymous.status, 401);
  });

  it('answers a body that is not JSON with 400 (Fastify parses bodies before Nest, so in Fastify’s error shape for now)', async () => {
    const response = await api.post('/get-online-features', '{"features": [', KEYS.recsys);
    assert.equal(response.status, 400);
    assert.equal((response.json() as { code?: string }).code, 'FST_ERR_CTP_INVALID_JSON_BODY');
  });
});

import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { DEFAULT_IDENTIFIER_RULES, leafPaths, planIdentifiers } from '../../../src/lake/processing/api-log-identifiers';
import { withLake } from './test-lake';

/** An API log record; `request`/`response` are the parts a test varies. */
function apiLog(ts: string, request: object, response: object = { body: {} }): string {
  return JSON.stringify({ ts, service: 'orders', method: 'post', path: '/v1/orders', status: 201, latency_ms: 42, request, response });
}

describe('API-log identifier extraction', () => {
  it('flattens a shape into dotted leaf paths, arrays marked []', () => {
    const shape = { request: { headers: { 'x-device-id': 'VARCHAR' }, body: { items: [{ sku: 'VARCHAR' }], empty: 'JSON' } } };
    assert.deepEqual(
      leafPaths(shape).map((leaf) => [leaf.display, leaf.jsonPath]),
      [
        ['request.headers.x-device-id', '$."request"."headers"."x-device-id"'],
        ['request.body.items[].sku', '$."request"."body"."items"[0]."sku"'],
      ],
    );
  });

  it('maps leaves by name through the rule table, earlier rules first, and counts what it cannot map', () => {
    const plan = planIdentifiers(
      [
        { structure: JSON.stringify({ ts: 'VARCHAR', request: { headers: { 'X-User-Id': 'VARCHAR', 'user-agent': 'VARCHAR' } } }), count: 3 },
        { structure: JSON.stringify({ ts: 'VARCHAR', request: { body: { user: { id: 'VARCHAR' }, cart_id: 'VARCHAR' } } }), count: 2 },
        { structure: JSON.stringify({ request: { headers: { 'user-agent': 'VARCHAR' } } }), count: 1 },
      ],
      DEFAULT_IDENTIFIER_RULES,
    );
    assert.deepEqual(
      plan.candidates.map((c) => [c.identifier, c.display]),
      [
        ['user_id', 'request.headers.X-User-Id'],
        ['user_id', 'request.body.user.id'],
      ],
    );
    assert.deepEqual(plan.unknownKeys, [
      { key: 'request.headers.user-agent', count: 4 },
      { key: 'request.body.cart_id', count: 2 },
    ]);
  });

  it('pulls user_id, device_id, phone and email from whatever depth they sit at', async () => {
    await withLake(async (lake) => {
      lake.write('api_logs', '2026-03-01', 'orders-1.jsonl', [
        apiLog('2026-03-01T10:00:00Z', {
          headers: { 'x-device-id': 'dev-1', 'x-user-id': 'u-1', 'user-agent': 'okhttp' },
          query: { phone: '+919800000001' },
          body: { contact: { email: 'one@example.com' } },
        }),
        apiLog('2026-03-01T10:05:00Z', { headers: {}, body: { user: { id: 'u-2' } } }, { body: { data: { customer: { phone: '+919800000002' } } } }),
        apiLog('2026-03-01T10:10:00Z', { headers: {}, body: { user_id: 'u-3' } }, { body: { data: { user_id: 'u-3', order_id: 'o-3' } } }),
        // a placeholder header loses to the real id in the body
        apiLog('2026-03-01T10:15:00Z', { headers: { 'x-user-id': 'null' }, body: { user_id: 'u-4' } }),
      ]);
      const summary = await lake.process();
      const rows = await lake.rows('api_logs', 'event_time');
      assert.deepEqual(
        rows.map((r) => [r.user_id, r.device_id, r.phone, r.email]),
        [
          ['u-1', 'dev-1', '+919800000001', 'one@example.com'],
          ['u-2', null, '+919800000002', null],
          ['u-3', null, null, null],
          ['u-4', null, null, null],
        ],
      );
      assert.deepEqual(rows[2]?.identifiers, [
        { type: 'user_id', path: 'request.body.user_id', value: 'u-3' },
        { type: 'user_id', path: 'response.body.data.user_id', value: 'u-3' },
      ]);
      // API logs carry no request id: each is named by the raw file and line it was logged on.
      assert.deepEqual(
        rows.map((r) => r.log_id),
        [1, 2, 3, 4].map((line) => `raw/api_logs/dt=2026-03-01/orders-1.jsonl:${line}`),
      );
      assert.equal(rows[0]?.method, 'POST');
      assert.equal(rows[0]?.status, 201);
      assert.deepEqual(rows[3]?.identifiers, [
        { type: 'user_id', path: 'request.headers.x-user-id', value: 'null' },
        { type: 'user_id', path: 'request.body.user_id', value: 'u-4' },
      ]);
      assert.deepEqual(summary.unknownApiLogKeys, [
        { key: 'request.headers.user-agent', count: 1 },
        { key: 'response.body.data.order_id', count: 1 },
      ]);
    });
  });

  it('takes a rule table from the caller', async () => {
    await withLake(async (lake) => {
      lake.write('api_logs', '2026-03-01', 'a.jsonl', [apiLog('2026-03-01T10:00:00Z', { body: { customer_id: 'c-1' } })]);
      const summary = await lake.process({ apiLogIdentifierRules: [{ identifier: 'user_id', key: 'customerid' }] });
      const [row] = await lake.rows('api_logs', 'event_time');
      assert.equal(row?.user_id, 'c-1');
      assert.deepEqual(summary.unknownApiLogKeys, []);
    });
  });
});

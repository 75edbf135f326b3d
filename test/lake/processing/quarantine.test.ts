import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { withLake } from './test-lake';

const ORDER_HEADER = 'order_id,user_id,phone,email,status,vertical,total_amount,currency,created_at,updated_at';
const GOOD_EVENT = JSON.stringify({ type: 'page', messageId: 'ok-1', anonymousId: 'a', timestamp: '2026-03-01T10:00:00Z' });

describe('quarantine of bad lines', () => {
  it('keeps every bad clickstream line with its file, line number, reason and original text', async () => {
    await withLake(async (lake) => {
      const lines = [
        GOOD_EVENT,
        '{"type":"track","messageId":"x1",',
        '[1, 2, 3]',
        JSON.stringify({ type: 'track', event: 'E', anonymousId: 'a', timestamp: '2026-03-01T10:00:00Z' }),
        JSON.stringify({ type: 'purchase', messageId: 'x2', anonymousId: 'a', timestamp: '2026-03-01T10:00:00Z' }),
        JSON.stringify({ type: 'track', event: 'E', messageId: 'x3', anonymousId: 'a', timestamp: 'yesterday-ish' }),
        JSON.stringify({ type: 'track', event: 'E', messageId: 'x4', anonymousId: 'a' }),
        JSON.stringify({ type: 'track', messageId: 'x5', anonymousId: 'a', timestamp: '2026-03-01T10:00:00Z' }),
        JSON.stringify({ type: 'page', messageId: 'x6', timestamp: '2026-03-01T10:00:00Z' }),
        '   ',
      ];
      const file = lake.write('clickstream', '2026-03-01', 'part-1.jsonl', lines);
      const summary = await lake.process();

      const records = lake.quarantine('clickstream', '2026-03-01');
      assert.deepEqual(
        records.map((r) => [r.source_file, r.line, r.reason]),
        [
          [file, 2, 'invalid_json'],
          [file, 3, 'not_an_object'],
          [file, 4, 'missing_field:messageId'],
          [file, 5, 'unknown_type'],
          [file, 6, 'unparseable_timestamp'],
          [file, 7, 'missing_field:timestamp'],
          [file, 8, 'missing_field:event'],
          [file, 9, 'missing_field:userId|anonymousId'],
          [file, 10, 'blank_line'],
        ],
      );
      assert.deepEqual(
        records.map((r) => r.text),
        lines.slice(1),
      );
      assert.equal(records[3]?.detail, 'type=purchase');
      assert.deepEqual(summary.quarantined.clickstream, {
        blank_line: 1,
        invalid_json: 1,
        'missing_field:event': 1,
        'missing_field:messageId': 1,
        'missing_field:timestamp': 1,
        'missing_field:userId|anonymousId': 1,
        not_an_object: 1,
        unknown_type: 1,
        unparseable_timestamp: 1,
      });
      assert.equal(summary.tables.clickstream?.rowsOut, 1);
    });
  });

  it('quarantines CSV rows with the wrong column count, an unknown Op or values that do not parse', async () => {
    await withLake(async (lake) => {
      const lines = [
        `Op,${ORDER_HEADER}`,
        'I,o1,u1,,,placed,pharmacy,10.00,INR,2026-03-01 09:00:00,2026-03-01 09:00:00',
        'I,o2,u2,,,placed,pharmacy,10.00,INR,2026-03-01 09:00:00',
        'I,o3,u3,,,placed,pharmacy,10.00,INR,2026-03-01 09:00:00,2026-03-01 09:00:00,surplus',
        'X,o4,u4,,,placed,pharmacy,10.00,INR,2026-03-01 09:00:00,2026-03-01 09:00:00',
        'I,o5,u5,,,placed,pharmacy,10.00,INR,01/03/2026 09:00,2026-03-01 09:00:00',
        'I,,u6,,,placed,pharmacy,10.00,INR,2026-03-01 09:00:00,2026-03-01 09:00:00',
        'I,o7,u7,,,placed,pharmacy,ten,INR,2026-03-01 09:00:00,2026-03-01 09:00:00',
        'I,o8,"u8,,,placed,pharmacy,10.00,INR,2026-03-01 09:00:00,2026-03-01 09:00:00',
      ];
      const file = lake.write('orders', '2026-03-01', '20260301-000000000.csv', lines);
      const headerless = lake.write('orders', '2026-03-01', '20260301-010000000.csv', [
        'I,o9,u9,,,placed,pharmacy,10.00,INR,2026-03-01 09:00:00,2026-03-01 09:00:00',
      ]);
      const summary = await lake.process();

      const records = lake.quarantine('orders', '2026-03-01');
      assert.deepEqual(
        records.map((r) => [r.source_file, r.line, r.reason, r.text]),
        [
          [file, 3, 'wrong_column_count', lines[2]],
          [file, 4, 'wrong_column_count', lines[3]],
          [file, 5, 'unknown_op', lines[4]],
          [file, 6, 'unparseable_timestamp:created_at', lines[5]],
          [file, 7, 'missing_field:order_id', lines[6]],
          [file, 8, 'invalid_number:total_amount', lines[7]],
          [file, 9, 'malformed_csv', lines[8]],
          [headerless, 1, 'missing_header', 'I,o9,u9,,,placed,pharmacy,10.00,INR,2026-03-01 09:00:00,2026-03-01 09:00:00'],
        ],
      );
      assert.equal(records[0]?.detail, 'expected 11 fields (header), got 10');
      assert.equal(records[2]?.detail, 'Op=X');
      assert.deepEqual(
        (await lake.rows('orders', 'order_id')).map((r) => r.order_id),
        ['o1'],
      );
      assert.equal(summary.quarantined.orders?.wrong_column_count, 2);
    });
  });

  it('quarantines API-log lines without a usable ts', async () => {
    await withLake(async (lake) => {
      const file = lake.write('api_logs', '2026-03-01', 'a.jsonl', [
        JSON.stringify({ service: 'orders', path: '/v1/orders' }),
        JSON.stringify({ ts: 'not a time', service: 'orders' }),
        'oops',
        JSON.stringify({ ts: 1772359200000, service: 'orders' }),
      ]);
      const summary = await lake.process();
      assert.deepEqual(
        lake.quarantine('api_logs', '2026-03-01').map((r) => [r.source_file, r.line, r.reason, r.detail]),
        [
          [file, 1, 'missing_field:ts', null],
          [file, 2, 'unparseable_timestamp:ts', 'ts=not a time'],
          [file, 3, 'invalid_json', null],
        ],
      );
      // an epoch-milliseconds ts is a time, not a bad line
      const [row] = await lake.rows('api_logs', 'event_time');
      assert.deepEqual(row?.event_time, new Date(1772359200000));
      assert.equal(summary.tables.api_logs?.rowsOut, 1);
    });
  });

  it('quarantines lines that are not UTF-8 without losing the numbering of the lines after them', async () => {
    await withLake(async (lake) => {
      const bad = Buffer.concat([
        Buffer.from(`${GOOD_EVENT}\n{"type":"page","messageId":"caf`),
        Buffer.from([0xe9, 0xff]),
        Buffer.from('"}\n{broken\r\n'),
      ]);
      const file = lake.writeBytes('clickstream', '2026-03-01', 'latin1.jsonl', bad);
      const summary = await lake.process();
      assert.deepEqual(
        lake.quarantine('clickstream', '2026-03-01').map((r) => [r.source_file, r.line, r.reason, r.text]),
        [
          [file, 2, 'invalid_utf8', '{"type":"page","messageId":"caf\uFFFD\uFFFD"}'],
          [file, 3, 'invalid_json', '{broken'],
        ],
      );
      assert.equal(summary.tables.clickstream?.rowsOut, 1);
    });
  });

  it('reports files a source cannot read instead of skipping them', async () => {
    await withLake(async (lake) => {
      lake.writeBytes('clickstream', '2026-03-01', 'part-1.jsonl.gz', Buffer.from([0x1f, 0x8b, 0x08]));
      const summary = await lake.process();
      assert.deepEqual(
        lake.quarantine('clickstream', '2026-03-01').map((r) => [r.source_file, r.line, r.reason]),
        [['raw/clickstream/dt=2026-03-01/part-1.jsonl.gz', 0, 'unsupported_file']],
      );
      assert.deepEqual(summary.quarantined, { clickstream: { unsupported_file: 1 } });
    });
  });
});

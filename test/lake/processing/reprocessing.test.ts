import { strict as assert } from 'node:assert';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { TestLake } from './test-lake';
import { withLake } from './test-lake';

const ORDER_HEADER = 'order_id,user_id,phone,email,status,vertical,total_amount,currency,created_at,updated_at';

function event(messageId: string, timestamp: string): string {
  return JSON.stringify({ type: 'track', event: 'Product Added', messageId, anonymousId: 'a-1', timestamp, receivedAt: timestamp });
}

/** Three days of clickstream, orders and API logs, one bad line included. */
function landThreeDays(lake: TestLake): void {
  for (const day of ['2026-03-01', '2026-03-02', '2026-03-03']) {
    lake.write('clickstream', day, 'part-1.jsonl', [event(`m-${day}-1`, `${day}T08:00:00Z`), event(`m-${day}-2`, `${day}T09:00:00Z`), 'not json']);
    lake.write('api_logs', day, 'part-1.jsonl', [JSON.stringify({ ts: `${day}T10:00:00Z`, request: { headers: { 'x-user-id': `u-${day}` } } })]);
  }
  lake.write('orders', '2026-03-01', 'LOAD00000001.csv', [
    ORDER_HEADER,
    'o1,u1,,,placed,pharmacy,10.00,INR,2026-03-01 09:00:00,2026-03-01 09:00:00',
    'o2,u2,,,placed,pharmacy,20.00,INR,2026-03-03 09:00:00,2026-03-03 09:00:00',
  ]);
}

describe('re-processing', () => {
  it('leaves the processed and quarantine zones byte-identical when run twice', async () => {
    await withLake(async (lake) => {
      landThreeDays(lake);
      const first = await lake.process();
      const processed = lake.hashes('processed');
      const quarantine = lake.hashes('quarantine');
      const second = await lake.process();
      assert.deepEqual(second, first);
      assert.deepEqual(lake.hashes('processed'), processed);
      assert.deepEqual(lake.hashes('quarantine'), quarantine);
      assert.equal(Object.keys(processed).length, 3 + 3 + 2);
      assert.deepEqual(Object.keys(quarantine).sort(), [
        'quarantine/clickstream/dt=2026-03-01/quarantine.jsonl',
        'quarantine/clickstream/dt=2026-03-02/quarantine.jsonl',
        'quarantine/clickstream/dt=2026-03-03/quarantine.jsonl',
      ]);
    });
  });

  it('rewrites only the days asked for, using everything landed so far', async () => {
    await withLake(async (lake) => {
      landThreeDays(lake);
      await lake.process();
      const before = lake.hashes('processed');
      const mtimes = lake.mtimes('clickstream');

      // Late data lands on day 4: an event of day 1, an event of day 3, and an order change for day 3.
      lake.write('clickstream', '2026-03-04', 'part-1.jsonl', [event('late-1', '2026-03-01T23:00:00Z'), event('late-3', '2026-03-03T23:00:00Z')]);
      lake.write('orders', '2026-03-04', '20260304-000000000.csv', [
        `Op,${ORDER_HEADER}`,
        'U,o2,u2,,,shipped,pharmacy,20.00,INR,2026-03-03 09:00:00,2026-03-04 09:00:00',
      ]);
      const summary = await lake.process({ from: '2026-03-03', to: '2026-03-03' });

      assert.equal(summary.from, '2026-03-03');
      assert.equal(summary.to, '2026-03-03');
      assert.deepEqual(summary.tables.clickstream, { rowsIn: 8, rowsOut: 3, partitionsWritten: 1 });
      assert.deepEqual(
        (await lake.rows('clickstream', 'message_id', '2026-03-03')).map((r) => r.message_id),
        ['late-3', 'm-2026-03-03-1', 'm-2026-03-03-2'],
      );
      assert.equal((await lake.rows('orders', 'order_id', '2026-03-03'))[0]?.status, 'shipped');
      // Day 1 was not asked for: untouched, although late data for it has landed.
      const after = lake.hashes('processed');
      for (const day of ['2026-03-01', '2026-03-02']) {
        const file = `processed/clickstream/dt=${day}/data.parquet`;
        assert.equal(after[file], before[file]);
        assert.equal(lake.mtimes('clickstream')[day], mtimes[day]);
      }
      // Quarantine is rewritten for the landed days in range only.
      assert.deepEqual(Object.keys(summary.quarantined), ['clickstream']);
      assert.deepEqual(summary.quarantined.clickstream, { invalid_json: 1 });

      // A full run then brings day 1 up to date.
      await lake.process();
      assert.deepEqual(
        (await lake.rows('clickstream', 'message_id', '2026-03-01')).map((r) => r.message_id),
        ['late-1', 'm-2026-03-01-1', 'm-2026-03-01-2'],
      );
    });
  });

  it('removes a partition whose rows are all gone, and a day with no data stays absent', async () => {
    await withLake(async (lake) => {
      landThreeDays(lake);
      await lake.process();
      assert.deepEqual(lake.partitions('orders'), ['2026-03-01', '2026-03-03']);
      lake.write('orders', '2026-03-04', '20260304-000000000.csv', [
        `Op,${ORDER_HEADER}`,
        'D,o2,u2,,,placed,pharmacy,20.00,INR,2026-03-03 09:00:00,2026-03-04 09:00:00',
      ]);
      const summary = await lake.process({ from: '2026-03-02', to: '2026-03-03' });
      assert.deepEqual(lake.partitions('orders'), ['2026-03-01']);
      assert.deepEqual(summary.tables.orders, { rowsIn: 3, rowsOut: 0, partitionsWritten: 0 });
    });
  });

  it('changes nothing when a run fails part-way, and leaves no staging or lock behind', async () => {
    await withLake(async (lake) => {
      landThreeDays(lake);
      await lake.process();
      const processed = lake.hashes('processed');
      const quarantine = lake.hashes('quarantine');
      lake.write('orders', '2026-03-04', '20260304-000000000.csv', [
        `Op,${ORDER_HEADER}`,
        'D,o1,u1,,,placed,pharmacy,10.00,INR,2026-03-01 09:00:00,2026-03-04 09:00:00',
      ]);
      // API logs are built last: by then every other table is staged, none swapped in.
      await assert.rejects(lake.processFailing(/json_structure/), /injected failure/);
      assert.deepEqual(lake.hashes('processed'), processed);
      assert.deepEqual(lake.hashes('quarantine'), quarantine);
      assert.deepEqual(readdirSync(lake.layout.staging()), []);
      await lake.process();
      assert.deepEqual(lake.partitions('orders'), ['2026-03-03']);
    });
  });

  it('refuses bad day bounds before touching anything', async () => {
    await withLake(async (lake) => {
      landThreeDays(lake);
      await assert.rejects(lake.process({ from: '2026-03-05', to: '2026-03-01' }), /--from 2026-03-05 is after --to 2026-03-01/);
      await assert.rejects(lake.process({ from: '2026-02-30' }), /--from must be a day YYYY-MM-DD/);
      assert.deepEqual(lake.partitions('clickstream'), []);
    });
  });

  it('refuses to run while another live run holds the lake, and takes over a dead run\'s lock', async () => {
    await withLake(async (lake) => {
      landThreeDays(lake);
      mkdirSync(lake.layout.staging(), { recursive: true });
      writeFileSync(lake.layout.staging('process.lock'), String(process.pid));
      await assert.rejects(lake.process(), /another lake process run \(pid \d+\) holds/);
      writeFileSync(lake.layout.staging('process.lock'), '2147483646');
      await lake.process();
      assert.deepEqual(lake.partitions('clickstream'), ['2026-03-01', '2026-03-02', '2026-03-03']);
    });
  });
});

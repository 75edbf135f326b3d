import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadPreviousSql } from '../../../src/identity/batch/graph-tables.sql';
import { exportAssignments, exportCustomers } from '../../../src/identity/batch/previous-state';
import { EmbeddedIdentityStore } from '../../../src/identity/embedded/embedded-identity-store';
import type { IdentityStore, MergeRecord, StoredCustomer } from '../../../src/identity/identity-store.port';
import { DuckDbLakeEngine } from '../../../src/lake/duckdb/duckdb-lake-engine';
import { throughThePort } from '../support/through-the-port';

const T0 = 1_790_000_000_000;

function customer(id: string, extra: Partial<StoredCustomer> = {}): StoredCustomer {
  const seed = { type: 'anonymous_id', value: `anon-${id}` };
  return { customerId: `c_${id}`, identities: [seed], seed, firstSeen: T0, mergedInto: null, mergedFrom: [], updatedAt: T0, ...extra };
}

describe("a batch stitch's export of the identity store's customers", () => {
  let dir: string;
  let store: EmbeddedIdentityStore;
  let engine: DuckDbLakeEngine;
  // Over the 4 MiB write buffer as JSON: the record that cannot be buffered is written on its own.
  const crowd = Array.from({ length: 100_000 }, (_, index) => ({ type: 'anonymous_id', value: `anon-crowd-${String(index).padStart(6, '0')}` }));
  const customers = [
    customer('plain'),
    customer('survivor', { mergedFrom: ['c_absorbed', 'c_older'], firstSeen: T0 - 86_400_000 }),
    customer('absorbed', { identities: [], mergedInto: 'c_survivor' }),
    customer('zoe', { seed: { type: 'email', value: 'zoë"quoted"@example.com' }, identities: [{ type: 'email', value: 'zoë"quoted"@example.com' }] }),
    customer('crowd', { identities: crowd, seed: crowd[0] }),
  ];

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'c360-previous-state-'));
    store = await EmbeddedIdentityStore.open(path.join(dir, 'store'));
    await store.apply({ assign: [], unassign: [], customers, removeCustomers: [], merges: [], separations: [] });
    engine = await DuckDbLakeEngine.open({ lakeRoot: path.join(dir, 'lake'), memoryLimit: '512MB', threads: 2 });
  });
  after(async () => {
    await store.close();
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function loaded(schema: string, from: IdentityStore): Promise<{ count: number; bytes: number }> {
    const out = path.join(dir, schema);
    mkdirSync(out);
    const { customers: file, separations, streamLinks, mergeAnchors, customerCount } = await exportCustomers(from, out);
    const { assignments } = await exportAssignments(from, out);
    await engine.execute(`CREATE SCHEMA ${schema}`);
    for (const sql of loadPreviousSql(schema, { assignments, customers: file, separations, streamLinks, mergeAnchors })) await engine.execute(sql);
    return { count: customerCount, bytes: statSync(file).size };
  }

  it('gives the lake engine the same customers whether copied as stored bytes or written through the port', async () => {
    const copied = await loaded('copied', store);
    const written = await loaded('written', throughThePort(store));
    assert.equal(copied.count, customers.length);
    assert.equal(written.count, customers.length);
    // The copy carries the identities along (the lake engine skips them); the port's writer leaves them out.
    assert.ok(copied.bytes > 4 * 1024 * 1024 && written.bytes < 10_000, `${copied.bytes} and ${written.bytes} bytes`);
    for (const [a, b] of [['copied', 'written'], ['written', 'copied']]) {
      const [row] = await engine.query(`SELECT count(*) AS n FROM (SELECT * FROM ${a}.previous_customers EXCEPT ALL SELECT * FROM ${b}.previous_customers)`);
      assert.equal(Number(row?.n), 0, `${a} but not ${b}`);
    }
    const rows = await engine.query('SELECT customer_id, seed_type, seed_value, first_seen, merged_into FROM copied.previous_customers ORDER BY customer_id');
    assert.deepEqual(
      rows.map((row) => [row.customer_id, row.seed_type, row.seed_value, Number(row.first_seen), row.merged_into]),
      [...customers]
        .sort((x, y) => (x.customerId < y.customerId ? -1 : 1))
        .map((each) => [each.customerId, each.seed.type, each.seed.value, each.firstSeen, each.mergedInto]),
    );
  });

  it('writes one line per stored record, byte for byte', async () => {
    const file = path.join(dir, 'records.jsonl');
    assert.equal(await store.writeCustomerRecords(file), customers.length);
    const lines = readFileSync(file, 'utf8').split('\n');
    assert.equal(lines.pop(), '');
    const byId = new Map(lines.map((line) => [(JSON.parse(line) as StoredCustomer).customerId, line]));
    for (const each of customers) assert.equal(byId.get(each.customerId), JSON.stringify(each), each.customerId);
  });

  it("gives the lake engine the link of each merge the stream made that no person un-merged, and no other's", async () => {
    const link = (value: string): MergeRecord['cause'] => ({ source: 'clickstream', recordId: `m-${value}`, time: T0, link: [{ type: 'user_id', value }, { type: 'anonymous_id', value: `anon-${value}` }] });
    const merge = (mergeId: string, extra: Partial<MergeRecord>): MergeRecord => ({ mergeId, into: 'c_plain', from: `c_${mergeId}`, at: T0, via: 'stream', cause: link(mergeId), identifiers: [], undoneAt: null, ...extra });
    await store.apply({
      assign: [],
      unassign: [],
      customers: [],
      removeCustomers: [],
      merges: [
        merge('streamed', {}),
        // A batch undid this one (it revived or re-pointed the merged customer): what it linked stays linked.
        merge('undone-by-a-batch', { undoneAt: T0 + 1 }),
        merge('unmerged', { undoneAt: T0 + 1 }),
        merge('batched', { via: 'batch' }),
        merge('by-hand', { via: 'manual' }),
        merge('causeless', { cause: null }),
      ],
      separations: [{ separationId: 's_unmerged', mergeId: 'unmerged', at: T0 + 1, sides: [[{ type: 'anonymous_id', value: 'anon-unmerged' }], [{ type: 'user_id', value: 'unmerged' }]] }],
    });
    for (const [schema, from] of [['links_copied', store], ['links_written', throughThePort(store)]] as const) {
      await loaded(schema, from);
      const rows = await engine.query(`SELECT source, record_id, merged_at, a_type, a_value, b_type, b_value FROM ${schema}.stream_links ORDER BY record_id`);
      assert.deepEqual(
        rows.map((row) => ({ ...row, merged_at: Number(row.merged_at) })),
        [
          { source: 'clickstream', record_id: 'm-streamed', merged_at: T0, a_type: 'user_id', a_value: 'streamed', b_type: 'anonymous_id', b_value: 'anon-streamed' },
          { source: 'clickstream', record_id: 'm-undone-by-a-batch', merged_at: T0, a_type: 'user_id', a_value: 'undone-by-a-batch', b_type: 'anonymous_id', b_value: 'anon-undone-by-a-batch' },
        ],
        schema,
      );
    }
  });
});

import { strict as assert } from 'node:assert';
import { readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { identityTableFile } from '../../../src/identity/identity-tables';
import {
  stitchedClickstreamDir,
  stitchedClickstreamRelation,
  writeStitchedClickstream,
} from '../../../src/identity/events/stitched-clickstream';
import type { LakeEngine } from '../../../src/lake/lake-engine.port';
import { lakeRelation, sqlString } from '../../../src/lake/lake-relation';
import { PARTITION_FILE } from '../../../src/lake/processing/partitions';
import { RecordLake } from '../../identity/support/record-lake';
import { readIdentityMap } from '../../identity/support/identity-zone';

interface Row {
  message_id: string;
  event: string | null;
  user_id: string | null;
  anonymous_id: string | null;
  customer_id: string;
  dt: string;
}

async function stitchedRows(engine: LakeEngine, relation: string): Promise<Row[]> {
  const rows = await engine.query(`SELECT message_id, event, user_id, anonymous_id, customer_id, CAST(dt AS VARCHAR) AS dt FROM ${relation} ORDER BY message_id`);
  return rows.map((row) => row as unknown as Row);
}

/** The resolution written out by hand from the identity map: the user_id's customer, else the anonymous_id's. */
async function expectedCustomers(lake: RecordLake): Promise<Map<string, string | undefined>> {
  const engine = await lake.lake();
  const map = await readIdentityMap(engine, lake.layout);
  const events = await engine.query(`SELECT message_id, user_id, anonymous_id FROM ${lakeRelation(engine, lake.layout, 'processed', 'clickstream')}`);
  return new Map(
    events.map((event) => {
      const byUser = event.user_id === null ? undefined : map.customerOf.get(`user_id:${String(event.user_id)}`);
      const byAnonymous = event.anonymous_id === null ? undefined : map.customerOf.get(`anonymous_id:${String(event.anonymous_id)}`);
      return [String(event.message_id), byUser ?? byAnonymous];
    }),
  );
}

describe('stitched clickstream (identity.stitch-events)', () => {
  const lake = new RecordLake();
  let engine: LakeEngine;

  before(async () => {
    lake.events(
      // u1 logs in on the device whose anonymous id is a1: one customer.
      { at: '2026-03-01T09:00:00Z', userId: 'u1', anonymousId: 'a1' },
      // Browsing anonymously on a2: a customer of its own, for now.
      { at: '2026-03-01T10:00:00Z', anonymousId: 'a2' },
      { at: '2026-03-02T08:00:00Z', anonymousId: 'a2' },
      // a1 alone resolves through its anonymous id; a junk user id does not hide it.
      { at: '2026-03-02T09:00:00Z', anonymousId: 'a1' },
      { at: '2026-03-02T09:30:00Z', userId: 'null', anonymousId: 'a1' },
      // Only junk: belongs to no customer.
      { at: '2026-03-02T11:00:00Z', anonymousId: 'undefined' },
      { at: '2026-03-02T12:00:00Z', userId: 'u3', anonymousId: 'a3', type: 'identify' },
    );
    await lake.stitch();
    engine = await lake.lake();
  });
  after(async () => {
    await lake.close();
  });

  it('gives every event the customer of its user_id, else of its anonymous_id, and drops events with no customer', async () => {
    const summary = await writeStitchedClickstream(engine, lake.layout);
    const relation = stitchedClickstreamRelation(engine, lake.layout);
    assert.ok(relation, 'a table just built from the current map is fresh');
    const rows = await stitchedRows(engine, relation);
    const expected = await expectedCustomers(lake);
    assert.equal(expected.size, 7);
    const resolvable = [...expected].filter(([, customer]) => customer !== undefined);
    assert.equal(resolvable.length, 6, 'only the all-junk event resolves to nobody');
    assert.deepEqual(
      rows.map((row) => [row.message_id, row.customer_id]),
      resolvable.sort(([a], [b]) => a.localeCompare(b)),
    );
    assert.deepEqual({ rows: summary.rows, unresolved: summary.unresolved, partitions: summary.partitions }, { rows: 6, unresolved: 1, partitions: 2 });
    const a1 = rows.filter((row) => row.anonymous_id === 'a1').map((row) => row.customer_id);
    assert.equal(new Set(a1).size, 1, 'a1 with u1, a1 alone and a1 with a junk user id are one customer');
    assert.notEqual(rows.find((row) => row.anonymous_id === 'a2')?.customer_id, a1[0]);
  });

  it('keeps every processed column, in dt= partitions of one file each, sorted by event, customer and time', async () => {
    const dir = stitchedClickstreamDir(lake.layout);
    assert.deepEqual(readdirSync(dir).filter((name) => name.startsWith('dt=')), ['dt=2026-03-01', 'dt=2026-03-02']);
    for (const partition of ['dt=2026-03-01', 'dt=2026-03-02']) assert.deepEqual(readdirSync(path.join(dir, partition)), [PARTITION_FILE]);
    const processed = await engine.query(`DESCRIBE SELECT * FROM ${lakeRelation(engine, lake.layout, 'processed', 'clickstream')}`);
    const stitched = await engine.query(`DESCRIBE SELECT * FROM ${stitchedClickstreamRelation(engine, lake.layout)}`);
    const columns = (rows: typeof processed) => rows.map((row) => `${String(row.column_name)} ${String(row.column_type)}`);
    assert.deepEqual(columns(stitched).filter((column) => column !== 'customer_id VARCHAR').sort(), columns(processed).sort());
    assert.ok(columns(stitched).includes('customer_id VARCHAR'));

    const file = sqlString(path.join(dir, 'dt=2026-03-02', PARTITION_FILE));
    // Events without a name (screens, identifies) sort last, as DuckDB's ORDER BY puts NULLs.
    const inFileOrder = await engine.query(`SELECT coalesce(event, '\uffff') AS event, customer_id, CAST(event_time AS VARCHAR) AS t FROM read_parquet(${file}, file_row_number = true) ORDER BY file_row_number`);
    const keys = inFileOrder.map((row) => [String(row.event), String(row.customer_id), String(row.t)]);
    const sorted = [...keys].sort((a, b) => a[0]!.localeCompare(b[0]!) || a[1]!.localeCompare(b[1]!) || a[2]!.localeCompare(b[2]!));
    assert.deepEqual(keys, sorted);
    assert.equal(keys.length, 4);
  });

  it('is stale, so never read, once the identity map or the processed clickstream is rewritten, or when missing', async () => {
    await writeStitchedClickstream(engine, lake.layout);
    assert.ok(stitchedClickstreamRelation(engine, lake.layout));
    assert.equal(stitchedClickstreamRelation({ dialect: 'athena' }, lake.layout), undefined, 'Athena keeps the join: the manifest is local');

    // A rewritten map: same content, but a new file (new mtime), as every stitch writes it.
    const map = identityTableFile(lake.layout, 'identity_map');
    const later = new Date(Date.now() + 5_000);
    utimesSync(map, later, later);
    assert.equal(stitchedClickstreamRelation(engine, lake.layout), undefined);
    await writeStitchedClickstream(engine, lake.layout);
    assert.ok(stitchedClickstreamRelation(engine, lake.layout));

    // A re-processed day (lake process alone, before the next stitch).
    const partition = path.join(lake.layout.processedTable('clickstream'), 'dt=2026-03-02');
    const [processedFile] = readdirSync(partition);
    utimesSync(path.join(partition, processedFile!), later, new Date(Date.now() + 9_000));
    assert.equal(stitchedClickstreamRelation(engine, lake.layout), undefined);
    await writeStitchedClickstream(engine, lake.layout);
    assert.ok(stitchedClickstreamRelation(engine, lake.layout));

    // A manifest that is not one, and no table at all.
    writeFileSync(path.join(stitchedClickstreamDir(lake.layout), '_manifest.json'), '{"version":1');
    assert.equal(stitchedClickstreamRelation(engine, lake.layout), undefined);
    rmSync(stitchedClickstreamDir(lake.layout), { recursive: true });
    assert.equal(stitchedClickstreamRelation(engine, lake.layout), undefined);
  });

  it('a rewrite after a merge moves past events to the surviving customer', async () => {
    await writeStitchedClickstream(engine, lake.layout);
    const before = await stitchedRows(engine, stitchedClickstreamRelation(engine, lake.layout)!);
    const u1Customer = before.find((row) => row.user_id === 'u1')?.customer_id;
    const a2Before = before.filter((row) => row.anonymous_id === 'a2').map((row) => row.customer_id);
    assert.ok(u1Customer);
    assert.equal(a2Before.length, 2);
    assert.ok(a2Before.every((customer) => customer !== u1Customer));

    // u1 logs in on a2's device: a2's customer merges into u1's.
    lake.events({ at: '2026-03-03T07:00:00Z', userId: 'u1', anonymousId: 'a2' });
    await lake.stitch();
    assert.equal(stitchedClickstreamRelation(engine, lake.layout), undefined, 'the map moved on: the old table is stale');

    const summary = await writeStitchedClickstream(engine, lake.layout);
    const after = await stitchedRows(engine, stitchedClickstreamRelation(engine, lake.layout)!);
    const expected = await expectedCustomers(lake);
    const merged = expected.get(after.find((row) => row.user_id === 'u1')!.message_id);
    assert.deepEqual(
      after.filter((row) => row.anonymous_id === 'a2').map((row) => [row.dt, row.customer_id]),
      [
        ['2026-03-01', merged],
        ['2026-03-02', merged],
        ['2026-03-03', merged],
      ],
      "a2's past events now belong to u1's customer",
    );
    for (const row of after) assert.equal(row.customer_id, expected.get(row.message_id), row.message_id);
    assert.deepEqual({ rows: summary.rows, partitions: summary.partitions }, { rows: 7, partitions: 3 });
  });
});

import { strict as assert } from 'node:assert';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { customerEntityKey } from '../../src/features/feature-definition';
import { sqlString } from '../../src/lake/lake-relation';
import { materializeSegments, type MaterializeSegmentsSummary } from '../../src/segments/materialize/materialize-segments';
import { SEGMENTS_FEATURE } from '../../src/segments/online/online-memberships';
import { SegmentAudiences } from '../../src/segments/segment-audiences';
import type { SegmentCatalog } from '../../src/segments/segment-catalog';
import { SegmentsException } from '../../src/segments/segments.exception';
import { SEGMENT_TABLES, segmentPartitionFile } from '../../src/segments/sql/segment-sources';
import type { EmbeddedSegmentRepository } from '../../src/segments/embedded/embedded-segment-repository';
import { silentLogger } from '../../src/shared/logger.port';
import { EmbeddedOnlineStore } from '../../src/store/embedded/embedded-online-store';
import { testCatalog } from './support/catalog';
import { consentEvent, SegmentLake } from './support/segment-lake';

const D1 = '2026-03-10';
const D2 = '2026-03-11';
const CUSTOMERS = ['c1', 'c2', 'c3', 'c4', 'c5'];
const RUN_STARTS = Date.UTC(2026, 2, 12, 1, 0, 0);
let clock = RUN_STARTS;

describe('segment materialization: daily snapshots, change feed, online memberships, members and previews', () => {
  const lake = new SegmentLake();
  const storeDir = mkdtempSync(path.join(os.tmpdir(), 'c360-segments-store-'));
  let store: EmbeddedOnlineStore;
  let catalog: SegmentCatalog;
  let repository: EmbeddedSegmentRepository;
  let closeCatalog: () => Promise<void>;
  let audiences: SegmentAudiences;
  const runs: Record<string, MaterializeSegmentsSummary> = {};

  const materialize = async (date: string) => materializeSegments({ date }, { engine: await lake.engine(), layout: lake.layout, store, catalog, logger: silentLogger, now: () => (clock += 1000), chunkSize: 2 });
  const online = async () => {
    const read = await store.read(CUSTOMERS.map(customerEntityKey), [SEGMENTS_FEATURE]);
    return Object.fromEntries(CUSTOMERS.map((customer) => [customer, read.get(customerEntityKey(customer))?.get(SEGMENTS_FEATURE)?.value]));
  };
  const changes = async (date: string) =>
    (await (await lake.engine()).query(`SELECT segment_id, customer_id, change, changed_at FROM read_parquet(${sqlString(segmentPartitionFile(lake.layout, SEGMENT_TABLES.changes, date))}) ORDER BY ALL`)).map(
      (row) => `${String(row.segment_id)} ${String(row.change)} ${String(row.customer_id)} ${(row.changed_at as Date).toISOString()}`,
    );

  before(async () => {
    store = await EmbeddedOnlineStore.open(storeDir);
    ({ catalog, repository, close: closeCatalog } = await testCatalog());
    audiences = new SegmentAudiences(catalog, await lake.engine(), lake.layout, store);
    await lake.identities(CUSTOMERS.map((customer) => ({ type: 'user_id', value: `u-${customer}`, customer })));
    await lake.events(D1, [
      { messageId: 'v1', userId: 'u-c2', at: '2026-03-10T09:00:00.000Z', event: 'Product Viewed' },
      { messageId: 'v2', userId: 'u-c3', at: '2026-03-10T10:00:00.000Z', event: 'Product Viewed' },
      consentEvent('k1', 'u-c4', '2026-03-01T00:00:00.000Z', false),
    ]);
    await lake.features(D1, [
      { customer: 'c1', values: { orders_30d: 2 } },
      { customer: 'c2', values: { orders_30d: 1 } },
      { customer: 'c3', values: { orders_30d: 0 } },
      { customer: 'c4', values: { orders_30d: 5 } },
      { customer: 'c5', values: { orders_30d: 0 } },
    ]);
    await lake.features(D2, [
      { customer: 'c1', values: { orders_30d: 0 } },
      { customer: 'c2', values: { orders_30d: 1 } },
      { customer: 'c3', values: { orders_30d: 0 } },
      { customer: 'c4', values: { orders_30d: 5 } },
      { customer: 'c5', values: { orders_30d: 3 } },
    ]);
    await catalog.create({ id: 'buyers', name: 'Buyers', definition: { feature: 'orders_30d', op: 'gte', value: 1 } }, 'ana');
    await catalog.create({ id: 'viewers', name: 'Viewers', definition: { event: 'Product Viewed', inLastDays: 1 } }, 'ana');
    await catalog.create({ id: 'retired', name: 'Retired', definition: { feature: 'orders_30d', op: 'gte', value: 0 } }, 'ana');
    await catalog.create({ id: 'stale', name: 'Stale', definition: { feature: 'orders_30d', op: 'gte', value: 2 } }, 'ana');
    runs[D1] = await materialize(D1);
    // A segment archived, and one whose stored definition no longer checks (say a feature was retired from the registry).
    await catalog.archive('retired', 'ana');
    const stale = await catalog.get('stale');
    const broken = { ...stale, version: 2, definition: { feature: 'retired_feature', op: 'gte', value: 2 } };
    await repository.save(broken, 1, { segmentId: 'stale', version: 2, action: 'updated', actor: 'test', at: stale.updatedAt, before: null, after: { ...broken } });
    runs[D2] = await materialize(D2);
  });
  after(async () => {
    await store.close();
    await closeCatalog();
    await lake.close();
    rmSync(storeDir, { recursive: true, force: true });
  });

  it('snapshots every active segment on the first day: everyone enters, consent applied, lists go online', async () => {
    const run = runs[D1] as MaterializeSegmentsSummary;
    assert.deepEqual(run.segments.map((segment) => [segment.id, segment.members, segment.entered, segment.exited]), [
      ['buyers', 2, 2, 0],
      ['retired', 4, 4, 0],
      ['stale', 1, 1, 0],
      ['viewers', 2, 2, 0],
    ]);
    assert.equal(run.optedOut, 1);
    assert.equal(run.previousDate, null);
    assert.deepEqual(await changes(D1), [
      'buyers entered c1 2026-03-10T23:59:59.999Z',
      'buyers entered c2 2026-03-10T23:59:59.999Z',
      'retired entered c1 2026-03-10T23:59:59.999Z',
      'retired entered c2 2026-03-10T23:59:59.999Z',
      'retired entered c3 2026-03-10T23:59:59.999Z',
      'retired entered c5 2026-03-10T23:59:59.999Z',
      'stale entered c1 2026-03-10T23:59:59.999Z',
      'viewers entered c2 2026-03-10T23:59:59.999Z',
      'viewers entered c3 2026-03-10T23:59:59.999Z',
    ]);
  });

  it('feeds the next day’s entries and exits: changed features, an archived segment, a window that moved on; a broken definition keeps its members', async () => {
    const run = runs[D2] as MaterializeSegmentsSummary;
    assert.equal(run.previousDate, D1);
    assert.deepEqual(run.failed.map((failure) => failure.id), ['stale']);
    assert.match(run.failed[0]?.error ?? '', /unknown feature "retired_feature"/);
    assert.deepEqual(await changes(D2), [
      'buyers exited c1 2026-03-11T23:59:59.999Z',
      'buyers entered c5 2026-03-11T23:59:59.999Z',
      'retired exited c1 2026-03-11T23:59:59.999Z',
      'retired exited c2 2026-03-11T23:59:59.999Z',
      'retired exited c3 2026-03-11T23:59:59.999Z',
      'retired exited c5 2026-03-11T23:59:59.999Z',
      'viewers exited c2 2026-03-11T23:59:59.999Z',
      'viewers exited c3 2026-03-11T23:59:59.999Z',
    ]);
    assert.deepEqual(await online(), { c1: ['stale'], c2: ['buyers'], c3: [], c4: undefined, c5: ['buyers'] });
  });

  it('reruns a day to the same snapshot and change feed, one file per partition; the rerun’s lists win online', async () => {
    const before = await changes(D2);
    const onlineBefore = await online();
    const again = await materialize(D2);
    assert.deepEqual(await changes(D2), before);
    assert.deepEqual(again.segments, (runs[D2] as MaterializeSegmentsSummary).segments);
    assert.deepEqual(await online(), onlineBefore);
    for (const table of Object.values(SEGMENT_TABLES)) assert.deepEqual(readdirSync(path.dirname(segmentPartitionFile(lake.layout, table, D2))), ['data.parquet']);
  });

  it('pages through a snapshot’s members with opaque cursors', async () => {
    await catalog.create({ id: 'everyone', name: 'Everyone', definition: { feature: 'orders_30d', op: 'exists' } }, 'ana');
    await materialize(D2);
    assert.deepEqual((await online()).c5, ['buyers', 'everyone'], 'a segment created today and materialized now is online now');
    const first = await audiences.members('everyone', 2);
    assert.deepEqual({ ...first, endCursor: undefined }, { date: D2, totalCount: 4, customerIds: ['c1', 'c2'], endCursor: undefined, hasNextPage: true });
    const second = await audiences.members('everyone', 2, first.endCursor);
    assert.deepEqual([second.customerIds, second.hasNextPage], [['c3', 'c5'], false]);
    const older = await audiences.members('buyers', 10, null, D1);
    assert.deepEqual(older.customerIds, ['c1', 'c2']);
    await assert.rejects(audiences.members('everyone', 2, 'not-a-cursor!'), /after is not a cursor/);
    await assert.rejects(audiences.members('everyone', 0), /first must be 1-1000/);
    await assert.rejects(audiences.members('ghost', 2), (error) => error instanceof SegmentsException && error.code === 'NOT_FOUND');
    const changed = [];
    for await (const change of audiences.snapshots.changes(D1, D2, 'viewers')) changed.push(`${change.change} ${change.customerId} ${change.at}`);
    assert.deepEqual(changed, ['entered c2 2026-03-10T23:59:59.999Z', 'entered c3 2026-03-10T23:59:59.999Z', 'exited c2 2026-03-11T23:59:59.999Z', 'exited c3 2026-03-11T23:59:59.999Z']);
  });

  it('answers isMember and a customer’s segments from the online store', async () => {
    const member = await audiences.isMember('buyers', 'c5');
    assert.equal(member.member, true);
    assert.ok(Date.parse(member.evaluatedAt ?? '') > RUN_STARTS, 'evaluated by a run');
    assert.equal((await audiences.isMember('buyers', 'c1')).member, false);
    assert.deepEqual(await audiences.isMember('buyers', 'c4'), { member: false, evaluatedAt: null }, 'opted out: never evaluated into anything');
    assert.deepEqual((await audiences.segmentsOf('c5')).map((segment) => segment.id), ['buyers', 'everyone']);
  });

  it('previews the exact size of a definition, consent told apart, with a sample of members', async () => {
    const preview = await audiences.preview({ definition: { feature: 'orders_30d', op: 'gte', value: 1 }, date: D2, sample: 2 });
    assert.deepEqual({ ...preview, ms: 0, sample: [] }, { date: D2, population: 5, matched: 3, excludedByConsent: 1, size: 2, sample: [], consent: 'snapshot', events: 'joined', ms: 0 });
    assert.equal(preview.sample.length, 2);
    assert.ok(preview.sample.every((customer) => ['c2', 'c5'].includes(customer)));
    const latest = await audiences.preview({ definition: { not: { feature: 'orders_30d', op: 'gte', value: 1 } }, sample: 0 });
    assert.deepEqual([latest.date, latest.size, latest.sample], [D2, 2, []]);
    await assert.rejects(audiences.preview({ definition: { feature: 'orders_30d', op: 'exists' }, date: '2026-01-01' }), /no materialized features for 2026-01-01 \(materialized days: 2026-03-10 … 2026-03-11\)/);
    await assert.rejects(audiences.preview({ definition: { feature: 'orders_30d', op: 'exists' }, sample: 101 }), /sample must be 0-100/);
  });
});

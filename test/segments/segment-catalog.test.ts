import { strict as assert } from 'node:assert';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { SegmentCatalog } from '../../src/segments/segment-catalog';
import { SegmentsException } from '../../src/segments/segments.exception';
import { testCatalog } from './support/catalog';

const BUYERS = { feature: 'orders_30d', op: 'gte', value: 1 };
const CLICKERS = { event: 'Promotion Clicked', inLastDays: 30 };

async function refused(promise: Promise<unknown>, reason: string, message?: RegExp): Promise<SegmentsException> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof SegmentsException, String(error));
    assert.equal(error.details.reason, reason, error.message);
    if (message) assert.match(error.message, message);
    return error;
  }
  assert.fail(`expected ${reason}`);
}

describe('segment catalog: versioned definitions, every change audited', () => {
  let catalog: SegmentCatalog;
  let close: () => Promise<void>;
  beforeEach(async () => ({ catalog, close } = await testCatalog()));
  afterEach(() => close());

  it('creates a segment at version 1 with a minted id, or the readable id given, and records who and when', async () => {
    const minted = await catalog.create({ name: ' Buyers ', description: 'bought this month', definition: BUYERS }, 'ana@marketing');
    assert.equal(minted.id, 'seg_000000000001');
    assert.deepEqual({ version: minted.version, name: minted.name, status: minted.status, createdBy: minted.createdBy, createdAt: minted.createdAt }, { version: 1, name: 'Buyers', status: 'active', createdBy: 'ana@marketing', createdAt: '2026-03-10T09:01:00.000Z' });
    const readable = await catalog.create({ id: 'banner-clickers', name: 'Clickers', definition: CLICKERS }, 'ana@marketing');
    assert.equal(readable.id, 'banner-clickers');
    assert.deepEqual((await catalog.list()).map((segment) => segment.id).sort(), ['banner-clickers', 'seg_000000000001']);
    assert.deepEqual(await catalog.history('banner-clickers'), [
      { segmentId: 'banner-clickers', version: 1, action: 'created', actor: 'ana@marketing', at: readable.createdAt, before: null, after: { name: 'Clickers', description: '', definition: CLICKERS, status: 'active' } },
    ]);
  });

  it('audits every change with before and after; an update that changes nothing is no new version', async () => {
    const created = await catalog.create({ id: 'buyers', name: 'Buyers', definition: BUYERS }, 'ana');
    const stricter = { feature: 'orders_30d', op: 'gte', value: 2 };
    const updated = await catalog.update('buyers', { definition: stricter, expectedVersion: 1 }, 'raj');
    assert.equal(updated.version, 2);
    assert.equal(updated.updatedBy, 'raj');
    assert.equal(updated.createdBy, 'ana');
    assert.equal((await catalog.update('buyers', { name: 'Buyers' }, 'mo')).version, 2);
    const archived = await catalog.archive('buyers', 'lee');
    assert.equal(archived.status, 'archived');
    const history = await catalog.history('buyers');
    assert.deepEqual(history.map((entry) => [entry.version, entry.action, entry.actor]), [[1, 'created', 'ana'], [2, 'updated', 'raj'], [3, 'archived', 'lee']]);
    assert.deepEqual(history[1]?.before?.definition, BUYERS);
    assert.deepEqual(history[1]?.after.definition, stricter);
    assert.equal(history[2]?.before?.status, 'active');
    assert.equal(history[2]?.after.status, 'archived');
    assert.ok(created.createdAt < history[2]!.at);
    assert.deepEqual((await catalog.list()).map((segment) => segment.id), [], 'archived segments are not listed by default');
    assert.deepEqual((await catalog.list(true)).map((segment) => segment.id), ['buyers']);
    await refused(catalog.update('buyers', { name: 'again' }, 'mo'), 'SEGMENT_ARCHIVED');
  });

  it('refuses a change based on an old version, naming the current one', async () => {
    await catalog.create({ id: 'buyers', name: 'Buyers', definition: BUYERS }, 'ana');
    await catalog.update('buyers', { description: 'first' }, 'raj');
    const error = await refused(catalog.update('buyers', { description: 'second', expectedVersion: 1 }, 'mo'), 'VERSION_CONFLICT', /at version 2, not 1/);
    assert.equal(error.code, 'CONFLICT');
    assert.equal((await catalog.get('buyers')).description, 'first');
  });

  it('stores nothing for a definition that does not check, nor for bad names and ids', async () => {
    await refused(catalog.create({ id: 'bad', name: 'Bad', definition: { feature: 'nope', op: 'exists' } }, 'ana'), 'UNKNOWN_FEATURE');
    await refused(catalog.create({ id: 'Bad Id', name: 'Bad', definition: BUYERS }, 'ana'), 'BAD_ARGUMENT', /id must be/);
    await refused(catalog.create({ name: '   ', definition: BUYERS }, 'ana'), 'BAD_ARGUMENT', /name must not be blank/);
    await refused(catalog.create({ name: 'x'.repeat(201), definition: BUYERS }, 'ana'), 'BAD_ARGUMENT', /name must be shorter/);
    assert.deepEqual(await catalog.list(true), []);
    await catalog.create({ id: 'buyers', name: 'Buyers', definition: BUYERS }, 'ana');
    await refused(catalog.create({ id: 'buyers-2', name: 'BUYERS', definition: BUYERS }, 'ana'), 'DUPLICATE_NAME');
    await refused(catalog.create({ id: 'buyers', name: 'Other', definition: BUYERS }, 'ana'), 'DUPLICATE_NAME', /id buyers exists/);
    await refused(catalog.update('buyers', { definition: { event: 'Product Viewed' } }, 'ana'), 'UNBOUNDED_SCAN');
    await refused(catalog.get('ghost'), 'SEGMENT_NOT_FOUND');
  });

  it('keeps references sound: no self-reference, no cycle through an update, no archiving a segment in use', async () => {
    await catalog.create({ id: 'buyers', name: 'Buyers', definition: BUYERS }, 'ana');
    await catalog.create({ id: 'loyal', name: 'Loyal', definition: { all: [{ segment: 'buyers' }, CLICKERS] } }, 'ana');
    await refused(catalog.update('buyers', { definition: { any: [BUYERS, { segment: 'loyal' }] } }, 'ana'), 'SEGMENT_CYCLE', /buyers → loyal → buyers/);
    await refused(catalog.create({ id: 'me', name: 'Me', definition: { segment: 'me' } }, 'ana'), 'SEGMENT_CYCLE', /me → me/);
    await refused(catalog.archive('buyers', 'ana'), 'SEGMENT_IN_USE', /used by loyal/);
    await catalog.archive('loyal', 'ana');
    assert.equal((await catalog.archive('buyers', 'ana')).status, 'archived');
    await refused(catalog.create({ id: 'late', name: 'Late', definition: { segment: 'buyers' } }, 'ana'), 'UNKNOWN_SEGMENT', /archived/);
  });
});

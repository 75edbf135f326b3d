import { strict as assert } from 'node:assert';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { SegmentAuditEntry, SegmentContent, SegmentRepository, StoredSegment } from '../../src/segments/segment-repository.port';

/** One repository under test; ids are unique per test, so adapters may share a location (a keyspace). */
export interface SegmentRepositoryHarness {
  repository: SegmentRepository;
  /** A second, independent instance on the same location. */
  reopen(): Promise<SegmentRepository>;
  cleanup(): Promise<void>;
}

function segment(id: string, version: number, content: Partial<StoredSegment> = {}): StoredSegment {
  const at = new Date(Date.UTC(2026, 2, version)).toISOString();
  return { id, version, name: `Segment ${id}`, description: '', definition: { feature: 'orders_30d', op: 'gt', value: version }, status: 'active', createdAt: at, createdBy: 'ana', updatedAt: at, updatedBy: 'ana', ...content };
}

function audit(next: StoredSegment, before: StoredSegment | null): SegmentAuditEntry {
  const content = (s: StoredSegment): SegmentContent => ({ name: s.name, description: s.description, definition: s.definition, status: s.status });
  return { segmentId: next.id, version: next.version, action: before ? 'updated' : 'created', actor: next.updatedBy, at: next.updatedAt, before: before && content(before), after: content(next) };
}

/** What every SegmentRepository adapter does: versioned compare-and-set saves with their audit entry, unique names. */
export function describeSegmentRepositoryContract(name: string, open: () => Promise<SegmentRepositoryHarness>): void {
  describe(`segment repository contract: ${name}`, () => {
    let harness: SegmentRepositoryHarness;
    let id: (label: string) => string;
    beforeEach(async () => {
      harness = await open();
      const run = randomUUID().slice(0, 8);
      id = (label) => `t${run}-${label}`;
    });
    afterEach(() => harness.cleanup());

    it('creates at version 1 only when the id is free, and reads it back', async () => {
      const { repository } = harness;
      const first = segment(id('a'), 1);
      assert.equal(await repository.save(first, 0, audit(first, null)), 'saved');
      assert.deepEqual(await repository.get(first.id), first);
      const again = segment(id('a'), 1, { name: 'another name' });
      assert.equal(await repository.save(again, 0, audit(again, null)), 'duplicate-id');
      assert.equal(await repository.get(id('missing')), undefined);
    });

    it('saves a change only on the version it was based on, audit entry with it', async () => {
      const { repository } = harness;
      const v1 = segment(id('a'), 1);
      await repository.save(v1, 0, audit(v1, null));
      const v2 = segment(id('a'), 2, { updatedBy: 'raj' });
      assert.equal(await repository.save(v2, 1, audit(v2, v1)), 'saved');
      const stale = segment(id('a'), 2, { updatedBy: 'mo', description: 'lost update' });
      assert.equal(await repository.save(stale, 1, audit(stale, v1)), 'version-conflict');
      assert.deepEqual(await repository.get(v1.id), v2);
      const history = await repository.history(v1.id);
      assert.deepEqual(history, [audit(v1, null), audit(v2, v1)]);
      assert.equal(history[1]?.actor, 'raj');
    });

    it('keeps names unique regardless of case and spaces; a rename frees the old name', async () => {
      const { repository } = harness;
      const a = segment(id('a'), 1, { name: `VIP ${id('n')}` });
      await repository.save(a, 0, audit(a, null));
      const b = segment(id('b'), 1, { name: ` vip ${id('n')} ` });
      assert.equal(await repository.save(b, 0, audit(b, null)), 'duplicate-name');
      assert.equal(await repository.get(b.id), undefined, 'nothing of a refused save is written');
      assert.deepEqual(await repository.history(b.id), []);
      const renamed = segment(id('a'), 2, { name: `Gold ${id('n')}` });
      assert.equal(await repository.save(renamed, 1, audit(renamed, a)), 'saved');
      assert.equal(await repository.save(b, 0, audit(b, null)), 'saved');
    });

    it('lists every segment, and a second instance sees the first one’s writes', async () => {
      const { repository } = harness;
      const [a, b] = [segment(id('a'), 1), segment(id('b'), 1, { status: 'archived' })];
      await repository.save(a, 0, audit(a, null));
      await repository.save(b, 0, audit(b, null));
      const other = await harness.reopen();
      const listed = (await other.list()).filter((each) => each.id.startsWith(id('')));
      assert.deepEqual(listed.map((each) => each.id).sort(), [a.id, b.id]);
      assert.deepEqual(await other.history(a.id), [audit(a, null)]);
    });

    it('lets exactly one of two concurrent changes of one version win', async () => {
      const { repository } = harness;
      const v1 = segment(id('a'), 1);
      await repository.save(v1, 0, audit(v1, null));
      const other = await harness.reopen();
      const left = segment(id('a'), 2, { description: 'left' });
      const right = segment(id('a'), 2, { description: 'right' });
      const outcomes = await Promise.all([repository.save(left, 1, audit(left, v1)), other.save(right, 1, audit(right, v1))]);
      assert.deepEqual([...outcomes].sort(), ['saved', 'version-conflict']);
      const winner = outcomes[0] === 'saved' ? left : right;
      assert.deepEqual(await repository.get(v1.id), winner);
      assert.deepEqual((await repository.history(v1.id)).map((entry) => entry.after.description), ['', winner.description]);
    });
  });
}

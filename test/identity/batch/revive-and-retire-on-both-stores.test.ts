import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { identifierKey, type Identifier } from '../../../src/identity/identifier';
import type { IdentityStore } from '../../../src/identity/identity-store.port';
import { IncrementalStitcher } from '../../../src/identity/incremental/incremental-stitcher';
import { CompiledRules, DEFAULT_RULES } from '../../../src/identity/rules/identity-rules';
import { onBothStores, withOpenStore, type OpenStore } from '../support/on-both-stores';
import { RecordLake } from '../support/record-lake';
import { lineageProblems, storeProblems } from '../support/store-problems';

const key = (type: string, value: string) => identifierKey({ type, value });
const streamed = (store: IdentityStore, at: number, recordId: string, identifiers: Identifier[]) =>
  new IncrementalStitcher(store, new CompiledRules(DEFAULT_RULES), { now: () => at }).stitch([{ source: 'clickstream', recordId, time: Date.parse('2026-03-02T12:00:00Z'), identifiers }]);
const problems = async (store: IdentityStore) => [...(await storeProblems(store)), ...(await lineageProblems(store))];

/** The lake contradicting a stream merge, on a store of its own per case that `open` gives. */
function describeLakeAgainstStreamMerges(name: string, open: OpenStore): void {
  describe(`${name}: when the lake contradicts a merge the stream made`, () => {
    const withStore = (lake: RecordLake, work: (store: IdentityStore) => Promise<void>) => withOpenStore(open, lake, work);

    it('the batch revives the merged customer under its own id and undoes the merge', async () => {
      const lake = new RecordLake().events({ at: '2026-03-01T09:00:00Z', anonymousId: 'a1', deviceId: 'd1' }, { at: '2026-03-01T10:00:00Z', anonymousId: 'a2', deviceId: 'd2' });
      await withStore(lake, async (store) => {
        const first = await lake.stitch({ store, now: () => 1_000 });
        const [s, f] = ['d1', 'd2'].map((device) => first.map.customerOf.get(key('device_id', device)) ?? '');
        await streamed(store, 1_500, 'alias-a1-d2', [{ type: 'anonymous_id', value: 'a1' }, { type: 'device_id', value: 'd2' }]);
        const [merge] = await store.mergesOf(f);
        lake.events({ at: '2026-03-02T09:00:00Z', userId: 'u1', anonymousId: 'a1' }, { at: '2026-03-02T09:00:00Z', userId: 'u2', anonymousId: 'a2', deviceId: 'd2' });

        const split = await lake.stitch({ store, now: () => 2_000 });
        assert.equal(split.map.customerOf.get(key('user_id', 'u2')), f);
        assert.equal(split.map.customerOf.get(key('user_id', 'u1')), s);
        assert.deepEqual((await store.customers([s])).get(s)?.mergedFrom, []);
        assert.deepEqual([split.summary.revivedCustomers, split.summary.store?.undoneMerges], [1, 1]);
        assert.equal((await store.lookup([{ type: 'device_id', value: 'd2' }])).get(key('device_id', 'd2')), f);
        assert.equal((await store.merge(merge?.mergeId ?? ''))?.undoneAt, 2_000);
        assert.deepEqual(await problems(store), []);
        assert.equal((await lake.stitch({ store, now: () => 3_000 })).summary.store?.customersWritten, 0);
      });
    });

    it('an un-merge whose survivor the batch left holding only the merged side merges it into the holder of its seed', async () => {
      const lake = new RecordLake().events({ at: '2026-03-01T09:00:00Z', anonymousId: 'a1', deviceId: 'd1' }, { at: '2026-03-01T10:00:00Z', userId: 'u1', anonymousId: 'a2' });
      await withStore(lake, async (store) => {
        const first = await lake.stitch({ store, now: () => 1_000 });
        const [s, f] = [first.map.customerOf.get(key('device_id', 'd1')) ?? '', first.map.customerOf.get(key('user_id', 'u1')) ?? ''];
        await streamed(store, 1_500, 'identify-u1-d1', [{ type: 'user_id', value: 'u1' }, { type: 'device_id', value: 'd1' }]);
        lake.events({ at: '2026-03-02T09:00:00Z', userId: 'u2', anonymousId: 'a1', deviceId: 'd1' });
        const holderOfD1 = (await lake.stitch({ store, now: () => 2_000 })).map.customerOf.get(key('device_id', 'd1'));
        const [merge] = await store.mergesOf(f);

        const undone = await new IncrementalStitcher(store, new CompiledRules(DEFAULT_RULES), { now: () => 2_500, via: 'manual' }).unmerge(merge?.mergeId ?? '');
        assert.deepEqual([undone.survivorId, undone.survivorRetiredInto], [s, holderOfD1]);
        assert.equal((await store.customers([s])).get(s)?.mergedInto, holderOfD1);
        assert.deepEqual(await problems(store), []);
        await lake.stitch({ store, now: () => 3_000 });
        assert.deepEqual(await problems(store), []);
      });
    });

    it("a chain the lake splits leads each merged id to its seed's holder: one revived, one re-pointed", async () => {
      // Z (a0, d0), S (a1, d1), F (u1, a2); the stream merges F into S, then S into Z.
      const lake = new RecordLake().events(
        { at: '2026-03-01T08:00:00Z', anonymousId: 'a0', deviceId: 'd0' },
        { at: '2026-03-01T09:00:00Z', anonymousId: 'a1', deviceId: 'd1' },
        { at: '2026-03-01T10:00:00Z', userId: 'u1', anonymousId: 'a2' },
      );
      await withStore(lake, async (store) => {
        const first = await lake.stitch({ store, now: () => 1_000 });
        const [z, s, f] = [key('device_id', 'd0'), key('device_id', 'd1'), key('user_id', 'u1')].map((k) => first.map.customerOf.get(k) ?? '');
        await streamed(store, 1_500, 'identify-u1-d1', [{ type: 'user_id', value: 'u1' }, { type: 'device_id', value: 'd1' }]);
        await streamed(store, 1_600, 'alias-d1-a0', [{ type: 'device_id', value: 'd1' }, { type: 'anonymous_id', value: 'a0' }]);
        lake.events({ at: '2026-03-02T09:00:00Z', userId: 'u2', anonymousId: 'a1', deviceId: 'd1' }, { at: '2026-03-02T09:30:00Z', userId: 'u3', anonymousId: 'a0', deviceId: 'd0' });

        const split = await lake.stitch({ store, now: () => 2_000 });
        assert.deepEqual([key('user_id', 'u1'), key('user_id', 'u2')].map((k) => split.map.customerOf.get(k)), [z, s]);
        assert.deepEqual([split.summary.revivedCustomers, split.summary.store?.repointedCustomers, split.summary.store?.undoneMerges], [1, 1, 2]);
        const stored = await store.customers([z, s, f]);
        assert.deepEqual([stored.get(s)?.mergedInto, stored.get(f)?.mergedInto, stored.get(z)?.mergedFrom], [null, z, [f]]);
        const repoint = (await store.mergesOf(f)).find((merge) => merge.into === z);
        assert.deepEqual([repoint?.via, repoint?.cause, repoint?.undoneAt], ['batch', null, null]);
        assert.deepEqual(await problems(store), []);
        assert.equal((await lake.stitch({ store, now: () => 3_000 })).summary.store?.customersWritten, 0);
      });
    });
  });
}

onBothStores('revive', describeLakeAgainstStreamMerges);

// Cases a property search (rounds-with-unmerges, seeds 64 and 101) and two reviews found, where a
// merged-away id led to a customer that no longer held its anchor until the next batch re-pointed it.
// The last two: an un-merge of W > X takes from X's anchor what W brought it (a person said W is
// not X), wherever X's id leads by then.
// Seed 64: P's seed (d:D0) is moved by a late lake record to E; un-merging Q > P leaves P empty, so
// P is retired into T, which then holds its seed (E was merged into T). Un-merging E > T gives d:D0
// back to E, so the un-merge also re-points P to E, where its anchor (its seed) is.
// Seed 101: a customer X whose account came from a stream merge into it (W > X brought u:u4) and
// whose own identifier (its seed, a:A1) the lake gives to another account's customer Z is merged by
// the batch into Y, where u:u4 is (a customer follows its strongest identifier). The merge records
// only what X brought Y, all of it absorbed from W, so X's anchor is u:u4 and its id leads to Y: a
// re-run writes nothing.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { IdentityStore } from '../../../src/identity/identity-store.port';
import { IncrementalStitcher } from '../../../src/identity/incremental/incremental-stitcher';
import { CompiledRules, DEFAULT_RULES } from '../../../src/identity/rules/identity-rules';
import { onBothStores, withOpenStore, type OpenStore } from '../support/on-both-stores';
import { RecordLake, streamIdentifiersOf, type FixtureEvent } from '../support/record-lake';
import { lineageProblems, storeProblems } from '../support/store-problems';

const problemsOf = async (store: IdentityStore) => [...(await storeProblems(store)), ...(await lineageProblems(store))];
const customerOf = async (store: IdentityStore, type: string, value: string) => (await store.lookup([{ type, value }])).get(`${type}:${value}`) as string;
const mergeOf = async (store: IdentityStore, from: string, into: string) =>
  (await store.mergesOf(from)).find((merge) => merge.from === from && merge.into === into && merge.undoneAt === null)?.mergeId as string;

/** One clickstream event through the stream's stitcher. */
const streamTo = (stitcher: IncrementalStitcher) => (event: FixtureEvent) =>
  stitcher.stitch([{ source: 'clickstream', recordId: event.messageId ?? '', time: Date.parse(event.at), identifiers: streamIdentifiersOf(event) }]);

const NOTHING_WRITTEN = { assigned: 0, unassigned: 0, customersWritten: 0, merges: 0, undoneMerges: 0, repointedCustomers: 0, rebasedUnits: 0, deferredUnits: 0, deferredCustomers: 0, removedCustomers: 0 };

function describeAnchorsFollowed(name: string, open: OpenStore): void {
  describe(`${name}: merged-away ids and their anchors after an un-merge and a batch merge`, () => {
    it('an un-merge leads a customer merged into the survivor to the restored customer when its anchor goes back there', { timeout: 120_000 }, async () => {
      const lake = new RecordLake().events(
        { at: '2026-03-01T09:00:00Z', messageId: 'p', deviceId: 'D0', anonymousId: 'A0' },
        { at: '2026-03-01T09:10:00Z', messageId: 't', deviceId: 'TAB', anonymousId: 'A02' },
        { at: '2026-03-01T12:00:00Z', messageId: 'e', type: 'identify', userId: 'u1', deviceId: 'D11', anonymousId: 'A12' },
        { at: '2026-03-01T17:00:00Z', messageId: 'q', type: 'identify', userId: 'u2', deviceId: 'D1', anonymousId: 'A21' },
      );
      let now = 1_000;
      await withOpenStore(open, lake, async (store) => {
        await lake.stitch({ store, now: () => (now += 100) });
        const [P, T, E, Q] = [await customerOf(store, 'device_id', 'D0'), await customerOf(store, 'device_id', 'TAB'), await customerOf(store, 'user_id', 'u1'), await customerOf(store, 'user_id', 'u2')];
        const stitcher = new IncrementalStitcher(store, new CompiledRules(DEFAULT_RULES), { now: () => (now += 10) });
        const stream = streamTo(stitcher);
        // u2 logs in on P's visitor id: Q merges into the older P.
        await stream({ at: '2026-03-02T09:00:00Z', messageId: 's1', type: 'identify', userId: 'u2', anonymousId: 'A0' });
        // A late record: u1 on P's visitor id, earlier than u2: P's device and visitor id go to E; P continues with u2.
        lake.events({ at: '2026-03-01T15:00:00Z', messageId: 'l1', type: 'identify', userId: 'u1', anonymousId: 'A0' });
        await lake.stitch({ store, now: () => (now += 100) });
        assert.equal(await customerOf(store, 'device_id', 'D0'), E);
        assert.equal(await customerOf(store, 'user_id', 'u2'), P);
        // P's device on T's visitor id: E merges into the older T.
        await stream({ at: '2026-03-02T10:00:00Z', messageId: 's2', deviceId: 'D0', anonymousId: 'A02' });
        assert.equal(await customerOf(store, 'device_id', 'D0'), T);
        // Un-merge Q > P: P holds nothing else, so it is retired into the holder of its seed D0: T.
        const first = await stitcher.unmerge(await mergeOf(store, Q, P));
        assert.equal(first.survivorRetiredInto, T);
        assert.deepEqual(await problemsOf(store), []);
        // Un-merge E > T: D0 goes back to E; P's id must follow its seed there.
        const second = await stitcher.unmerge(await mergeOf(store, E, T));
        assert.equal(await customerOf(store, 'device_id', 'D0'), E);
        assert.deepEqual(second.repointedCustomers, [P]);
        assert.deepEqual((await store.customers([E])).get(E)?.mergedFrom, [P]);
        assert.deepEqual(await problemsOf(store), []);
      });
    });

    it('a batch merge leads the merged customer where its anchor is, and a re-run writes nothing', { timeout: 120_000 }, async () => {
      const lake = new RecordLake().events(
        { at: '2026-03-01T08:00:00Z', messageId: 'y', deviceId: 'dY', anonymousId: 'aY' },
        { at: '2026-03-01T08:30:00Z', messageId: 'z', type: 'identify', userId: 'uZ', deviceId: 'tab', anonymousId: 'aZ' },
        { at: '2026-03-01T09:00:00Z', messageId: 'x', anonymousId: 'a1' },
      );
      let now = 1_000;
      await withOpenStore(open, lake, async (store) => {
        await lake.stitch({ store, now: () => (now += 100) });
        const stitcher = new IncrementalStitcher(store, new CompiledRules(DEFAULT_RULES), { now: () => (now += 10) });
        const stream = streamTo(stitcher);
        // W (u4, d4) is new; then u4 logs in on X's visitor id: W merges into the older X.
        await stream({ at: '2026-03-02T09:00:00Z', messageId: 's1', type: 'identify', userId: 'u4', deviceId: 'd4', anonymousId: 'a4' });
        await stream({ at: '2026-03-02T10:00:00Z', messageId: 's2', type: 'identify', userId: 'u4', anonymousId: 'a1' });
        assert.deepEqual(await problemsOf(store), []);

        // Late records: u4 logs in on Y's visitor id; X's visitor id shows up on Z's tablet.
        lake.events(
          { at: '2026-03-01T10:00:00Z', messageId: 'l1', type: 'identify', userId: 'u4', anonymousId: 'aY' },
          { at: '2026-03-01T11:00:00Z', messageId: 'l2', deviceId: 'tab', anonymousId: 'a1' },
        );
        await lake.stitch({ store, now: () => (now += 100) });
        const problems = await problemsOf(store);
        const again = await lake.stitch({ store, now: () => (now += 100) });
        assert.deepEqual({ problems, rerun: again.summary.store }, { problems: [], rerun: NOTHING_WRITTEN });
      });
    });

    /**
     * W (u4) merges into X on X's visitor id; a late record gives that id (X's seed, a1) to Z's
     * tablet, so X keeps only what W brought it; then u4 on Y's visitor id merges X into the older Y,
     * bringing only that. `work` goes on from there.
     */
    const afterAbsorbedOnlyMerge = (work: (at: { store: IdentityStore; lake: RecordLake; stitcher: IncrementalStitcher; W: string; X: string; Y: string; Z: string; later: () => number }) => Promise<void>) => {
      const lake = new RecordLake().events(
        { at: '2026-03-01T08:00:00Z', messageId: 'y', deviceId: 'dY', anonymousId: 'aY' },
        { at: '2026-03-01T08:30:00Z', messageId: 'z', type: 'identify', userId: 'uZ', deviceId: 'tab', anonymousId: 'aZ' },
        { at: '2026-03-01T09:00:00Z', messageId: 'x', anonymousId: 'a1' },
      );
      let now = 1_000;
      const later = () => (now += 100);
      return withOpenStore(open, lake, async (store) => {
        await lake.stitch({ store, now: later });
        const [X, Y, Z] = [await customerOf(store, 'anonymous_id', 'a1'), await customerOf(store, 'device_id', 'dY'), await customerOf(store, 'user_id', 'uZ')];
        const stitcher = new IncrementalStitcher(store, new CompiledRules(DEFAULT_RULES), { now: () => (now += 10) });
        const stream = streamTo(stitcher);
        await stream({ at: '2026-03-02T09:00:00Z', messageId: 's1', type: 'identify', userId: 'u4', deviceId: 'd4', anonymousId: 'a4' });
        const W = await customerOf(store, 'user_id', 'u4');
        await stream({ at: '2026-03-02T10:00:00Z', messageId: 's2', type: 'identify', userId: 'u4', anonymousId: 'a1' });
        lake.events({ at: '2026-03-01T11:00:00Z', messageId: 'l2', deviceId: 'tab', anonymousId: 'a1' });
        await lake.stitch({ store, now: later });
        assert.equal(await customerOf(store, 'anonymous_id', 'a1'), Z);
        await stream({ at: '2026-03-02T11:00:00Z', messageId: 's3', type: 'identify', userId: 'u4', anonymousId: 'aY' });
        assert.equal(await customerOf(store, 'user_id', 'u4'), Y);
        await work({ store, lake, stitcher, W, X, Y, Z, later });
        // The next batch agrees, and a re-run writes nothing.
        await lake.stitch({ store, now: later });
        assert.deepEqual(await problemsOf(store), []);
        assert.deepEqual((await lake.stitch({ store, now: later })).summary.store, NOTHING_WRITTEN);
      });
    };

    it('un-merging what a customer had absorbed leads it back to its seed, not to what the undone merge brought', { timeout: 120_000 }, () =>
      afterAbsorbedOnlyMerge(async ({ store, stitcher, W, X, Y, Z }) => {
        await stitcher.unmerge(await mergeOf(store, X, Y));
        assert.equal(await customerOf(store, 'user_id', 'u4'), X);
        assert.deepEqual(await problemsOf(store), []);
        // W is not X: X holds nothing of its own, and is retired into the holder of its seed.
        const undone = await stitcher.unmerge(await mergeOf(store, W, X));
        assert.deepEqual([undone.survivorRetiredInto, await customerOf(store, 'user_id', 'u4')], [Z, W]);
        assert.deepEqual(await problemsOf(store), []);
      }));

    it("un-merging what a customer merged away since had absorbed re-points it to its seed's holder, whoever that is", { timeout: 120_000 }, () =>
      afterAbsorbedOnlyMerge(async ({ store, stitcher, W, X, Y, Z }) => {
        // X is still merged into Y when a person un-merges W > X.
        const undone = await stitcher.unmerge(await mergeOf(store, W, X));
        assert.deepEqual([undone.survivorId, undone.repointedCustomers, await customerOf(store, 'user_id', 'u4')], [Y, [X], W]);
        const after = await store.customers([X, Z]);
        assert.deepEqual([after.get(X)?.mergedInto, after.get(Z)?.mergedFrom], [Z, [X]]);
        assert.deepEqual(await problemsOf(store), []);
      }));
  });
}

onBothStores('anchors', describeAnchorsFollowed);

import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { identifierKey, type Identifier } from '../../../src/identity/identifier';
import { emptyChanges, type IdentityStore, type StoredCustomer } from '../../../src/identity/identity-store.port';
import { IncrementalStitcher } from '../../../src/identity/incremental/incremental-stitcher';
import { CompiledRules, DEFAULT_RULES } from '../../../src/identity/rules/identity-rules';
import { RecordLake } from '../support/record-lake';
import { withStoreAndLake } from '../support/store-and-lake';
import { lineageProblems, storeProblems } from '../support/store-problems';
import { throughThePort } from '../support/through-the-port';

const key = (type: string, value: string) => identifierKey({ type, value });
const problems = async (store: IdentityStore) => [...(await storeProblems(store)), ...(await lineageProblems(store))];
const stream = (store: IdentityStore, at: number, recordId: string, identifiers: Identifier[]) =>
  new IncrementalStitcher(store, new CompiledRules(DEFAULT_RULES), { now: () => at }).stitch([{ source: 'clickstream', recordId, time: Date.parse('2026-03-03T09:00:00Z'), identifiers }]);

/**
 * P (p1, dp) is oldest. L is founded on d1 (09:00) and gets account u1 (10:00). A late record then
 * shows account u2 on d1 at 08:00: d1 goes with u2 (a new customer M), and L follows its account
 * u1, keeping d1 as its seed. L's id is u1's from then on, not d1's.
 */
async function customerWhoseIdFollowedItsAccount(store: IdentityStore, lake: RecordLake) {
  lake.events(
    { at: '2026-03-01T07:00:00Z', anonymousId: 'p1', deviceId: 'dp' },
    { at: '2026-03-01T09:00:00Z', anonymousId: 'a1', deviceId: 'd1' },
    { at: '2026-03-01T10:00:00Z', userId: 'u1', anonymousId: 'a1', deviceId: 'd1' },
  );
  const first = await lake.stitch({ store, now: () => 1_000 });
  const [p, l] = [first.map.customerOf.get(key('device_id', 'dp')) ?? '', first.map.customerOf.get(key('user_id', 'u1')) ?? ''];
  lake.events({ at: '2026-03-01T08:00:00Z', userId: 'u2', anonymousId: 'a9', deviceId: 'd1' });
  const second = await lake.stitch({ store, now: () => 2_000 });
  const m = second.map.customerOf.get(key('user_id', 'u2')) ?? '';
  assert.equal(second.map.customerOf.get(key('user_id', 'u1')), l, 'L follows u1');
  assert.equal(second.map.customerOf.get(key('device_id', 'd1')), m, "L's seed d1 is u2's customer's now");
  return { p, l, m };
}

describe('a merged-away id leads to the customer holding the strongest of what its merge brought', () => {
  it('when the batch merged it: the merge stands, and a re-run writes nothing', async () => {
    const lake = new RecordLake();
    await withStoreAndLake(lake, async (store) => {
      const { p, l } = await customerWhoseIdFollowedItsAccount(store, lake);
      lake.events({ at: '2026-03-03T09:00:00Z', userId: 'u1', anonymousId: 'p1' });
      await lake.stitch({ store, now: () => 3_000 });
      assert.equal((await store.customers([l])).get(l)?.mergedInto, p, 'the batch merged L into P');
      assert.deepEqual(await problems(store), []);
      const again = await lake.stitch({ store, now: () => 4_000 });
      assert.equal(again.summary.store?.customersWritten, 0, 'the next batch agrees with the one that merged');
      assert.equal((await store.customers([l])).get(l)?.mergedInto, p);
    });
  });

  it("when the stream merged it: the batch leaves it with account u1, not with its seed's account u2", async () => {
    const lake = new RecordLake();
    await withStoreAndLake(lake, async (store) => {
      const { p, l } = await customerWhoseIdFollowedItsAccount(store, lake);
      await stream(store, 2_500, 'identify-u1-p1', [{ type: 'user_id', value: 'u1' }, { type: 'anonymous_id', value: 'p1' }]);
      const [merge] = (await store.mergesOf(l)).filter((each) => each.from === l);
      assert.equal(merge?.into, p, 'the stream merged L, holding u1, into P');
      const third = await lake.stitch({ store, now: () => 3_000 });
      assert.equal(third.map.customerOf.get(key('user_id', 'u1')), p);
      assert.equal((await store.customers([l])).get(l)?.mergedInto, p, "L's id leads to the customer holding u1");
      assert.equal(third.summary.store?.repointedCustomers, 0);
      assert.deepEqual(await problems(store), []);
      assert.equal((await store.merge(merge?.mergeId ?? ''))?.undoneAt, null, 'and the stream merge can still be undone');
    });
  });

  it('an un-merge between the export of the customers and of the assignments defers its unit, and fails nothing', async () => {
    // Z (a0, d0), S (a1, d1), F (u1, a2); the stream merges F into S, then S into Z.
    const lake = new RecordLake().events(
      { at: '2026-03-01T08:00:00Z', anonymousId: 'a0', deviceId: 'd0' },
      { at: '2026-03-01T09:00:00Z', anonymousId: 'a1', deviceId: 'd1' },
      { at: '2026-03-01T10:00:00Z', userId: 'u1', anonymousId: 'a2' },
    );
    await withStoreAndLake(lake, async (store) => {
      const first = await lake.stitch({ store, now: () => 1_000 });
      const [z, s] = [first.map.customerOf.get(key('device_id', 'd0')) ?? '', first.map.customerOf.get(key('device_id', 'd1')) ?? ''];
      await stream(store, 1_500, 'identify-u1-d1', [{ type: 'user_id', value: 'u1' }, { type: 'device_id', value: 'd1' }]);
      await stream(store, 1_600, 'alias-d1-a0', [{ type: 'device_id', value: 'd1' }, { type: 'anonymous_id', value: 'a0' }]);
      const sIntoZ = (await store.mergesOf(s)).find((merge) => merge.from === s && merge.into === z);
      assert.ok(sIntoZ);
      lake.events({ at: '2026-03-02T09:00:00Z', userId: 'u2', anonymousId: 'a1', deviceId: 'd1' }, { at: '2026-03-02T09:30:00Z', userId: 'u3', anonymousId: 'a0', deviceId: 'd0' });
      // The operator un-merges S from Z after the stitch read the customers (S merged) and before the assignments (S holding again).
      let pending: (() => Promise<unknown>) | undefined = () => new IncrementalStitcher(store, new CompiledRules(DEFAULT_RULES), { now: () => 1_900 }).unmerge(sIntoZ.mergeId);
      const raced: IdentityStore = {
        ...throughThePort(store),
        scanCustomers: async function* (pageSize) {
          yield* store.scanCustomers(pageSize);
          const write = pending;
          pending = undefined;
          await write?.();
        },
      };
      const second = await lake.stitch({ store: raced, now: () => 2_000 });
      assert.ok((second.summary.store?.deferredUnits ?? 0) > 0, "S's unit waits for the next stitch");
      assert.deepEqual(await storeProblems(store), []);
      await lake.stitch({ store, now: () => 3_000 });
      assert.deepEqual(await problems(store), []);
    });
  });

  it('never merges into itself a customer the store records as merged while it still holds identifiers', async () => {
    const lake = new RecordLake().events({ at: '2026-03-01T09:00:00Z', anonymousId: 'a1', deviceId: 'd1' }, { at: '2026-03-01T10:00:00Z', anonymousId: 'a2', deviceId: 'd2' });
    await withStoreAndLake(lake, async (store) => {
      const first = await lake.stitch({ store, now: () => 1_000 });
      const [a, b] = ['d1', 'd2'].map((device) => first.map.customerOf.get(key('device_id', device)) ?? '');
      // What an un-merge leaves on Cassandra when its assignments landed and its records did not.
      const record = (await store.customers([b])).get(b) as StoredCustomer;
      await store.apply({ ...emptyChanges(), customers: [{ ...record, mergedInto: a }] });
      await lake.stitch({ store, now: () => 2_000 });
      const after = (await store.customers([b])).get(b);
      assert.notEqual(after?.mergedInto, b);
      assert.deepEqual((await store.mergesOf(b)).filter((merge) => merge.from === b && merge.into === b), []);
    });
  });
});

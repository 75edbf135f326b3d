import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { EmbeddedIdentityStore } from '../../../src/identity/embedded/embedded-identity-store';
import { identifierKey, type Identifier } from '../../../src/identity/identifier';
import { emptyChanges } from '../../../src/identity/identity-store.port';
import { IncrementalStitcher } from '../../../src/identity/incremental/incremental-stitcher';
import { planUnmerge } from '../../../src/identity/incremental/unmerge-plan';
import { CompiledRules, DEFAULT_RULES, type IdentityRules } from '../../../src/identity/rules/identity-rules';
import { DomainError } from '../../../src/shared/domain-error';
import { RecordLake } from '../support/record-lake';
import { withStoreAndLake } from '../support/store-and-lake';
import { lineageProblems, storeProblems } from '../support/store-problems';

const key = (type: string, value: string) => identifierKey({ type, value });

/** Undoes the merge that absorbed `from`, as an operator would. */
async function unmergeFrom(store: EmbeddedIdentityStore, from: string | undefined, at: number) {
  const merge = (await store.mergesOf(from ?? '')).find((record) => record.from === from);
  assert.ok(merge, `a merge of ${from}`);
  return new IncrementalStitcher(store, new CompiledRules(DEFAULT_RULES), { now: () => at }).unmerge(merge.mergeId);
}

/** Visitors S (a1, d1) and X (a2, d2), stitched; then a record of a1 on d2, and the batch merges X into S (the wrong merge). */
async function wronglyMerged(store: EmbeddedIdentityStore, lake: RecordLake): Promise<{ s: string | undefined; x: string | undefined }> {
  const first = await lake.stitch({ store, now: () => 1_000 });
  const [s, x] = [first.map.customerOf.get(key('device_id', 'd1')), first.map.customerOf.get(key('device_id', 'd2'))];
  lake.events({ at: '2026-03-01T11:00:00Z', anonymousId: 'a1', deviceId: 'd2' });
  assert.equal((await lake.stitch({ store, now: () => 2_000 })).summary.mergedCustomers, 1, 'the wrong merge: X into S');
  return { s, x };
}

/** Three visitors, each on a device of their own: customers S (d1), X (d2) and Y (d3), oldest first. */
const threeVisitors = () =>
  new RecordLake().events(
    { at: '2026-03-01T09:00:00Z', anonymousId: 'a1', deviceId: 'd1' },
    { at: '2026-03-01T10:00:00Z', anonymousId: 'a2', deviceId: 'd2' },
    { at: '2026-03-01T11:00:00Z', anonymousId: 'a3', deviceId: 'd3' },
  );

describe('a batch stitch after an un-merge of a batch merge', () => {
  it('keeps the two apart, and places what joined the survivor since through the merged side with the merged side', async () => {
    const lake = new RecordLake().events({ at: '2026-03-01T09:00:00Z', anonymousId: 'a1', deviceId: 'd1' }, { at: '2026-03-01T10:00:00Z', anonymousId: 'a2', deviceId: 'd2' });
    await withStoreAndLake(lake, async (store) => {
      const { s, x } = await wronglyMerged(store, lake);
      // Account u9 logs in on X's device: the batch puts it with S, which holds that device now.
      lake.events({ at: '2026-03-01T12:00:00Z', userId: 'u9', anonymousId: 'a2', deviceId: 'd2' });
      assert.equal((await lake.stitch({ store, now: () => 3_000 })).map.customerOf.get(key('user_id', 'u9')), s);

      const undone = await unmergeFrom(store, x, 3_500);
      const [separation] = await store.separations();
      assert.deepEqual(
        separation?.sides.map((side) => side.map(identifierKey).sort()),
        [
          [key('anonymous_id', 'a2'), key('device_id', 'd2')],
          [key('anonymous_id', 'a1'), key('device_id', 'd1')],
        ],
        'u9 is on neither side',
      );

      const after = await lake.stitch({ store, now: () => 4_000 });
      assert.equal(after.summary.mergedCustomers, 0);
      assert.equal(after.map.customerOf.get(key('device_id', 'd1')), s, 'S keeps its id, on its own identifiers');
      assert.equal(after.map.customerOf.get(key('device_id', 'd2')), x);
      assert.equal(after.map.customerOf.get(key('user_id', 'u9')), x, 'u9 was seen with X only');
      assert.equal((await store.merge(undone.mergeId))?.undoneAt, 3_500, 'the un-merge stands');
      assert.equal((await store.customers([x ?? ''])).get(x ?? '')?.mergedInto, null);
    });
  });

  it('completes an un-merge cut off after its separation, the row Cassandra writes first: the pair is split, not merged again', async () => {
    const lake = new RecordLake().events({ at: '2026-03-01T09:00:00Z', anonymousId: 'a1', deviceId: 'd1' }, { at: '2026-03-01T10:00:00Z', anonymousId: 'a2', deviceId: 'd2' });
    await withStoreAndLake(lake, async (store) => {
      const { s, x } = await wronglyMerged(store, lake);
      const merge = (await store.mergesOf(x ?? '')).find((record) => record.from === x);
      assert.ok(merge);

      const { changes } = await planUnmerge(store, new CompiledRules(DEFAULT_RULES), merge.mergeId, 2_500);
      await store.apply({ ...emptyChanges(), separations: changes.separations });
      assert.equal((await store.customers([x ?? ''])).get(x ?? '')?.mergedInto, s, 'nothing but the separation was written');

      const after = await lake.stitch({ store, now: () => 3_000 });
      assert.equal(after.summary.mergedCustomers, 0);
      assert.equal(after.summary.refusedLinks.separated, 1, 'the wrong link');
      assert.equal(after.map.customerOf.get(key('device_id', 'd1')), s);
      assert.equal(after.map.customerOf.get(key('device_id', 'd2')), x, 'X is back under its id');
      assert.notEqual((await store.merge(merge.mergeId))?.undoneAt, null, 'the merge is recorded as undone');
      assert.deepEqual(await storeProblems(store), []);
    });
  });

  it('keeps them apart when a third customer, larger than one side, is seen with one side and then with the other', async () => {
    const lake = new RecordLake().events({ at: '2026-03-01T09:00:00Z', anonymousId: 'a1', deviceId: 'd1' }, { at: '2026-03-01T10:00:00Z', anonymousId: 'a2', deviceId: 'd2' });
    await withStoreAndLake(lake, async (store) => {
      const first = await lake.stitch({ store, now: () => 1_000 });
      const [s, f] = [first.map.customerOf.get(key('device_id', 'd1')), first.map.customerOf.get(key('device_id', 'd2'))];
      lake.events({ at: '2026-03-01T11:00:00Z', anonymousId: 'a1', deviceId: 'd2' });
      assert.equal((await lake.stitch({ store, now: () => 2_000 })).summary.mergedCustomers, 1, 'the wrong merge: F into S');
      await unmergeFrom(store, f, 2_500);
      // Visitor X on a device of its own (three identifiers, more than either side), seen with S's visitor, then with F's.
      lake.events(
        { at: '2026-03-02T09:00:00Z', anonymousId: 'x1', deviceId: 'dx' },
        { at: '2026-03-02T09:10:00Z', anonymousId: 'x2', deviceId: 'dx' },
        { at: '2026-03-02T10:00:00Z', anonymousId: 'a1', deviceId: 'dx' },
        { at: '2026-03-02T11:00:00Z', anonymousId: 'a2', deviceId: 'dx' },
      );
      const after = await lake.stitch({ store, now: () => 3_000 });
      assert.equal(after.summary.refusedLinks.separated, 2, "the wrong link and X's link to F's visitor are refused");
      assert.equal(after.map.customerOf.get(key('device_id', 'd1')), s);
      assert.equal(after.map.customerOf.get(key('device_id', 'd2')), f, "F's device stays F's");
      assert.deepEqual(await storeProblems(store), []);
    });
  });

  it('of one of two customers the same run merged into one survivor, keeps the other with the survivor', async () => {
    const lake = threeVisitors();
    await withStoreAndLake(lake, async (store) => {
      const first = await lake.stitch({ store, now: () => 1_000 });
      const [s, y] = [first.map.customerOf.get(key('device_id', 'd1')), first.map.customerOf.get(key('device_id', 'd3'))];
      // One run: X and Y linked (the wrong link), then S and X.
      lake.events({ at: '2026-03-01T12:00:00Z', anonymousId: 'a2', deviceId: 'd3' }, { at: '2026-03-01T13:00:00Z', anonymousId: 'a1', deviceId: 'd2' });
      assert.equal((await lake.stitch({ store, now: () => 2_000 })).summary.mergedCustomers, 2);

      await unmergeFrom(store, y, 2_500);
      const after = await lake.stitch({ store, now: () => 3_000 });
      assert.equal(after.map.customerOf.get(key('device_id', 'd3')), y, 'Y is apart again');
      assert.equal(after.map.customerOf.get(key('device_id', 'd2')), s, 'X stays merged with S');
      assert.equal(after.map.customerOf.get(key('device_id', 'd1')), s);
      assert.equal(after.summary.mergedCustomers, 0);
    });
  });

  it('of the middle customer of a chain the same run made (S <- X <- Y), sends Y, linked only to X, with X', async () => {
    const lake = threeVisitors();
    await withStoreAndLake(lake, async (store) => {
      const first = await lake.stitch({ store, now: () => 1_000 });
      const [s, x] = [first.map.customerOf.get(key('device_id', 'd1')), first.map.customerOf.get(key('device_id', 'd2'))];
      // One run: X and Y linked (a right link), then S and X (the wrong one).
      lake.events({ at: '2026-03-01T12:00:00Z', anonymousId: 'a2', deviceId: 'd3' }, { at: '2026-03-01T13:00:00Z', anonymousId: 'a1', deviceId: 'd2' });
      assert.equal((await lake.stitch({ store, now: () => 2_000 })).summary.mergedCustomers, 2);
      const merge = (await store.mergesOf(x ?? '')).find((record) => record.from === x);
      assert.deepEqual(merge?.intoIdentifiers?.map(identifierKey).sort(), [key('anonymous_id', 'a1'), key('device_id', 'd1')], 'what the wrong link joined X with: S');

      await unmergeFrom(store, x, 2_500);
      const after = await lake.stitch({ store, now: () => 3_000 });
      assert.equal(after.map.customerOf.get(key('device_id', 'd3')), after.map.customerOf.get(key('device_id', 'd2')), 'Y, linked only to X, goes with X');
      assert.equal(after.map.customerOf.get(key('device_id', 'd2')), x);
      assert.equal(after.map.customerOf.get(key('device_id', 'd1')), s);
    });
  });

  it('leaves no customer live and empty when every component its lake identifiers sit in holds the other side of one of its un-merges', async () => {
    const lake = new RecordLake().events(
      { at: '2026-03-01T09:00:00Z', anonymousId: 'ax', deviceId: 'dx' },
      { at: '2026-03-01T10:00:00Z', anonymousId: 'as', deviceId: 'ds' },
      { at: '2026-03-01T11:00:00Z', anonymousId: 'ay', deviceId: 'dy' },
      { at: '2026-03-01T12:00:00Z', anonymousId: 'at', deviceId: 'dt' },
    );
    await withStoreAndLake(lake, async (store) => {
      const first = await lake.stitch({ store, now: () => 1_000 });
      const [x, s, t] = ['dx', 'ds', 'dt'].map((device) => first.map.customerOf.get(key('device_id', device)));
      // Two wrong batch merges, S into X and T into Y, both undone; then the stream merges T into X.
      lake.events({ at: '2026-03-01T13:00:00Z', anonymousId: 'ax', deviceId: 'ds' }, { at: '2026-03-01T14:00:00Z', anonymousId: 'ay', deviceId: 'dt' });
      assert.equal((await lake.stitch({ store, now: () => 2_000 })).summary.mergedCustomers, 2);
      await unmergeFrom(store, s, 2_500);
      await unmergeFrom(store, t, 2_500);
      await new IncrementalStitcher(store, new CompiledRules(DEFAULT_RULES), { now: () => 2_600 }).stitch([
        { source: 'clickstream', recordId: 's-xt', time: Date.parse('2026-03-02T08:00:00Z'), identifiers: [{ type: 'device_id', value: 'dx' }, { type: 'anonymous_id', value: 'at' }] },
      ]);
      // Late records put X's device with Y's visitor and T's device with S's visitor.
      lake.events({ at: '2026-03-01T15:00:00Z', anonymousId: 'ay', deviceId: 'dx' }, { at: '2026-03-01T15:30:00Z', anonymousId: 'as', deviceId: 'dt' });
      await lake.stitch({ store, now: () => 3_000 });
      const record = (await store.customers([x ?? ''])).get(x ?? '');
      assert.ok(record && (record.identities.length > 0 || record.mergedInto !== null), `X keeps identifiers or is recorded as merged: ${JSON.stringify(record)}`);
    });
  });
});

describe('a batch stitch with two customers whose accounts only the store knows', () => {
  it('lets the lake join neither to the other: each keeps its id, its account and its own visitor', async () => {
    const lake = new RecordLake().events({ at: '2026-03-01T09:00:00Z', anonymousId: 'a1', deviceId: 'd1' }, { at: '2026-03-01T10:00:00Z', anonymousId: 'a2', deviceId: 'd2' });
    await withStoreAndLake(lake, async (store) => {
      const first = await lake.stitch({ store, now: () => 1_000 });
      const [p, q] = [first.map.customerOf.get(key('device_id', 'd1')), first.map.customerOf.get(key('device_id', 'd2'))];
      await new IncrementalStitcher(store, new CompiledRules(DEFAULT_RULES), { now: () => 1_500 }).stitch([
        { source: 'clickstream', recordId: 'identify-u1', time: Date.parse('2026-03-02T08:00:00Z'), identifiers: [{ type: 'user_id', value: 'u1' }, { type: 'anonymous_id', value: 'a1' }] },
        { source: 'clickstream', recordId: 'identify-u2', time: Date.parse('2026-03-02T08:05:00Z'), identifiers: [{ type: 'user_id', value: 'u2' }, { type: 'anonymous_id', value: 'a2' }] },
      ]);
      // A shared tablet the lake saw both visitors on (late events of the first day), no account named.
      lake.events({ at: '2026-03-01T11:00:00Z', anonymousId: 'a1', deviceId: 'tab' }, { at: '2026-03-01T11:30:00Z', anonymousId: 'a2', deviceId: 'tab' });
      const second = await lake.stitch({ store, now: () => 2_000 });
      assert.equal(second.map.customerOf.get(key('user_id', 'u1')), p);
      assert.equal(second.map.customerOf.get(key('user_id', 'u2')), q, "u2's customer keeps its id: its id is its account's");
      assert.notEqual(p, q);
      assert.equal(second.summary.refusedLinks.storeOnly, 0);
    });
  });
});

describe('an un-merge of a stream merge after a batch left the survivor holding only the merged side', () => {
  const loginOnVisitorDevice: Identifier[] = [{ type: 'user_id', value: 'u1' }, { type: 'device_id', value: 'd1' }];
  const snapshot = async (store: EmbeddedIdentityStore) => {
    const assignments: string[] = [];
    for await (const page of store.scanAssignments()) for (const { identifier, customerId } of page) assignments.push(`${identifierKey(identifier)}=${customerId}`);
    return assignments.sort();
  };

  /**
   * Visitor S (d1, a1) and account F (u1, a2); the stream merges F into the older S when u1 logs in
   * on d1; then the lake shows another account, u2, on d1. The lake's link wins: d1 and a1 go with
   * u2, and S continues where its strongest identifier, u1, is: S holds only what F brought.
   */
  const survivorLeftWithTheMergedSide = async (store: EmbeddedIdentityStore, lake: RecordLake, options: { rules?: IdentityRules; afterMerge?: () => Promise<void> } = {}) => {
    const rules = options.rules ?? DEFAULT_RULES;
    const first = await lake.stitch({ store, now: () => 1_000 });
    const [s, f] = [first.map.customerOf.get(key('device_id', 'd1')) ?? '', first.map.customerOf.get(key('user_id', 'u1')) ?? ''];
    await new IncrementalStitcher(store, new CompiledRules(DEFAULT_RULES), { now: () => 1_500 }).stitch([
      { source: 'clickstream', recordId: 'identify-u1-d1', time: Date.parse('2026-03-02T12:00:00Z'), identifiers: loginOnVisitorDevice },
    ]);
    await options.afterMerge?.();
    lake.events({ at: '2026-03-02T09:00:00Z', userId: 'u2', anonymousId: 'a1', deviceId: 'd1' });
    const second = await lake.stitch({ store, now: () => 2_000, rules });
    assert.ok((await store.customers([s])).get(s)?.identities.every((identifier) => [key('anonymous_id', 'a1'), key('device_id', 'd1')].every((own) => identifierKey(identifier) !== own)), 'S holds nothing of its own');
    const merge = (await store.mergesOf(f)).find((record) => record.from === f);
    assert.ok(merge);
    return { s, f, mergeId: merge.mergeId, holderOfD1: second.map.customerOf.get(key('device_id', 'd1')) };
  };
  const visitorAndAccount = () =>
    new RecordLake().events({ at: '2026-03-01T09:00:00Z', anonymousId: 'a1', deviceId: 'd1' }, { at: '2026-03-01T10:00:00Z', userId: 'u1', anonymousId: 'a2' });

  it("gives F its identifiers back and merges S into the customer holding S's seed, so no live customer is empty", async () => {
    const lake = visitorAndAccount();
    await withStoreAndLake(lake, async (store) => {
      const { s, f, mergeId, holderOfD1 } = await survivorLeftWithTheMergedSide(store, lake);
      assert.ok(holderOfD1 !== undefined && holderOfD1 !== s && holderOfD1 !== f);

      const undone = await new IncrementalStitcher(store, new CompiledRules(DEFAULT_RULES), { now: () => 2_500, via: 'manual' }).unmerge(mergeId);
      assert.equal(undone.survivorRetiredInto, holderOfD1);
      assert.deepEqual([...(await storeProblems(store)), ...(await lineageProblems(store))], []);
      const stored = await store.customers([s, f, holderOfD1]);
      assert.deepEqual(stored.get(f)?.identities.map(identifierKey).sort(), [key('anonymous_id', 'a2'), key('user_id', 'u1')]);
      assert.equal(stored.get(f)?.mergedInto, null);
      assert.equal(stored.get(s)?.mergedInto, holderOfD1, "S's id leads to its own former identifiers");
      assert.deepEqual(stored.get(holderOfD1)?.mergedFrom, [s]);
      const separation = (await store.separations()).find((each) => each.mergeId === mergeId);
      assert.deepEqual(
        separation?.sides.map((side) => side.map(identifierKey).sort()),
        [
          [key('anonymous_id', 'a2'), key('user_id', 'u1')],
          [key('anonymous_id', 'a1'), key('device_id', 'd1')],
        ],
        "F's side is kept apart from what S held before, which the customer S retires into holds now",
      );
      const retirement = (await store.mergesOf(s)).find((record) => record.from === s);
      assert.ok(retirement);
      assert.deepEqual(
        { into: retirement.into, via: retirement.via, cause: retirement.cause, identifiers: retirement.identifiers, undoneAt: retirement.undoneAt },
        { into: holderOfD1, via: 'manual', cause: null, identifiers: [], undoneAt: null },
      );
      await assert.rejects(
        new IncrementalStitcher(store, new CompiledRules(DEFAULT_RULES), { now: () => 2_600 }).unmerge(retirement.mergeId),
        (error: unknown) => error instanceof DomainError && error.code === 'CONFLICT' && /brought nothing/.test(error.message),
      );

      const before = await snapshot(store);
      const after = await lake.stitch({ store, now: () => 3_000 });
      assert.deepEqual([...(await storeProblems(store)), ...(await lineageProblems(store))], []);
      assert.deepEqual(await snapshot(store), before, 'the next batch agrees');
      assert.equal(after.summary.mergedCustomers, 0);
    });
  });

  it('leads S to the holder of its seed, not to a customer an earlier un-merge gave back what S held', async () => {
    // As above, and a second visitor, G (a3), also merged into S by the stream, after F.
    const lake = visitorAndAccount().events({ at: '2026-03-01T11:00:00Z', anonymousId: 'a3' });
    await withStoreAndLake(lake, async (store) => {
      const { s, f, mergeId: mergeOfF, holderOfD1 } = await survivorLeftWithTheMergedSide(store, lake, {
        afterMerge: () =>
          new IncrementalStitcher(store, new CompiledRules(DEFAULT_RULES), { now: () => 1_600 })
            .stitch([{ source: 'clickstream', recordId: 'identify-u1-a3', time: Date.parse('2026-03-02T12:05:00Z'), identifiers: [{ type: 'user_id', value: 'u1' }, { type: 'anonymous_id', value: 'a3' }] }])
            .then(() => undefined),
      });
      const mergeOfG = (await store.mergesOf(s)).find((record) => record.into === s && record.from !== f)?.mergeId ?? '';
      const admin = new IncrementalStitcher(store, new CompiledRules(DEFAULT_RULES), { now: () => 2_500, via: 'manual' });

      assert.equal((await admin.unmerge(mergeOfF)).survivorRetiredInto, null, 'S still holds a3');
      // What S held before G's merge is half its own (d1, a1: now with u2) and half F's (u1, a2: F's again).
      const undone = await admin.unmerge(mergeOfG);
      assert.equal(undone.survivorRetiredInto, holderOfD1);
      assert.notEqual(undone.survivorRetiredInto, f);
      assert.deepEqual([...(await storeProblems(store)), ...(await lineageProblems(store))], []);
      assert.equal((await store.customers([s])).get(s)?.mergedInto, holderOfD1);
    });
  });

  it('is not needed at the end of a survivor chain: the batch already led each merged id to the holder of its seed', async () => {
    // Z (a0, d0) is older than S: after F's merge into S, the stream merges S into Z. The lake then
    // gives Z's own identifiers to account u3 and S's to account u2; Z continues on F's side (u1).
    const lake = visitorAndAccount().events({ at: '2026-03-01T08:00:00Z', anonymousId: 'a0', deviceId: 'd0' });
    await withStoreAndLake(lake, async (store) => {
      const first = await lake.stitch({ store, now: () => 1_000 });
      const [z, s, f] = [key('device_id', 'd0'), key('device_id', 'd1'), key('user_id', 'u1')].map((k) => first.map.customerOf.get(k) ?? '');
      const stream = new IncrementalStitcher(store, new CompiledRules(DEFAULT_RULES), { now: () => 1_500 });
      await stream.stitch([{ source: 'clickstream', recordId: 'identify-u1-d1', time: Date.parse('2026-03-02T12:00:00Z'), identifiers: loginOnVisitorDevice }]);
      await stream.stitch([
        { source: 'clickstream', recordId: 'alias-d1-a0', time: Date.parse('2026-03-02T12:05:00Z'), identifiers: [{ type: 'device_id', value: 'd1' }, { type: 'anonymous_id', value: 'a0' }] },
      ]);
      const [mergeOfF] = (await store.mergesOf(f)).filter((merge) => merge.from === f);
      assert.deepEqual([mergeOfF?.into, (await store.customers([s])).get(s)?.mergedInto], [s, z], 'F merged into S, S into Z');

      lake.events({ at: '2026-03-02T09:00:00Z', userId: 'u2', anonymousId: 'a1', deviceId: 'd1' }, { at: '2026-03-02T09:30:00Z', userId: 'u3', anonymousId: 'a0', deviceId: 'd0' });
      const second = await lake.stitch({ store, now: () => 2_000 });
      assert.deepEqual([key('user_id', 'u1'), key('user_id', 'u2')].map((k) => second.map.customerOf.get(k)), [z, s], "Z continues on F's side; S, whose seed d1 is u2's now, is revived there");
      assert.deepEqual([second.summary.revivedCustomers, second.summary.store?.repointedCustomers, second.summary.store?.undoneMerges], [1, 1, 2]);
      const stored = await store.customers([s, f, z]);
      assert.deepEqual(
        [stored.get(s)?.mergedInto, stored.get(s)?.mergedFrom, stored.get(f)?.mergedInto, stored.get(z)?.mergedFrom],
        [null, [], z, [f]],
        "F's id leads to u1's customer, not through S",
      );
      assert.deepEqual([...(await storeProblems(store)), ...(await lineageProblems(store))], []);
      const merges = [...(await store.mergesOf(f)), ...(await store.mergesOf(s))].filter((merge, index, all) => all.findIndex((other) => other.mergeId === merge.mergeId) === index);
      const name = (id: string) => ({ [z]: 'Z', [s]: 'S', [f]: 'F' })[id] ?? id;
      assert.deepEqual(
        merges.map((merge) => [name(merge.from), name(merge.into), merge.via, merge.cause === null, merge.undoneAt]).sort(),
        [
          ['F', 'S', 'stream', false, 2_000],
          ['F', 'Z', 'batch', true, null],
          ['S', 'Z', 'stream', false, 2_000],
        ],
        'the stream merges are undone by the batch, which records where F leads now',
      );
      await assert.rejects(new IncrementalStitcher(store, new CompiledRules(DEFAULT_RULES), { now: () => 2_500, via: 'manual' }).unmerge(mergeOfF?.mergeId ?? ''), /already undone/);
      const again = await lake.stitch({ store, now: () => 3_000 });
      assert.equal(again.summary.store?.customersWritten, 0, 'the next batch agrees');
    });
  });

  it('is refused, changing nothing, when no customer holds what S held before', async () => {
    const lake = visitorAndAccount();
    await withStoreAndLake(lake, async (store) => {
      // The batch also blocks S's own identifiers as junk: nobody holds them any more.
      const blocking: IdentityRules = { ...DEFAULT_RULES, blocklist: { ...DEFAULT_RULES.blocklist, values: [...DEFAULT_RULES.blocklist.values, 'd1', 'a1'] } };
      const { s, mergeId } = await survivorLeftWithTheMergedSide(store, lake, { rules: blocking });
      const before = await snapshot(store);
      await assert.rejects(
        new IncrementalStitcher(store, new CompiledRules(blocking), { now: () => 2_500 }).unmerge(mergeId),
        (error: unknown) => error instanceof DomainError && error.code === 'CONFLICT' && error.message.includes(s) && /no identifiers/.test(error.message),
      );
      assert.deepEqual(await snapshot(store), before);
      assert.equal((await store.merge(mergeId))?.undoneAt, null);
      assert.deepEqual([...(await storeProblems(store)), ...(await lineageProblems(store))], []);
    });
  });
});

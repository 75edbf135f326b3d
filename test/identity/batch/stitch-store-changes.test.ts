import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stitchLake } from '../../../src/identity/batch/stitch-lake';
import { customerIdFor } from '../../../src/identity/customer-id';
import { EmbeddedIdentityStore } from '../../../src/identity/embedded/embedded-identity-store';
import { identifierKey } from '../../../src/identity/identifier';
import { extendBlocklist } from '../../../src/identity/rules/blocklist';
import { IncrementalStitcher } from '../../../src/identity/incremental/incremental-stitcher';
import { CompiledRules, DEFAULT_RULES } from '../../../src/identity/rules/identity-rules';
import { RecordLake } from '../support/record-lake';
import { withStoreAndLake } from '../support/store-and-lake';
import { lineageProblems, storeProblems } from '../support/store-problems';

const key = (type: string, value: string) => identifierKey({ type, value });
const NOTHING_WRITTEN = { assigned: 0, unassigned: 0, customersWritten: 0, merges: 0, undoneMerges: 0, repointedCustomers: 0, rebasedUnits: 0, deferredUnits: 0, deferredCustomers: 0, removedCustomers: 0 };

describe('what a batch stitch changes in the identity store', () => {
  const lake = new RecordLake();
  let storeDir: string;
  let store: EmbeddedIdentityStore;

  before(async () => {
    storeDir = mkdtempSync(path.join(os.tmpdir(), 'c360-identity-store-changes-'));
    store = await EmbeddedIdentityStore.open(storeDir);
    lake
      .orders({ id: 'OD1', userId: 'u_a', phone: '9811111111', email: 'a@example.com', at: '2026-03-01T08:00:00Z' })
      .events(
        { at: '2026-03-01T09:00:00Z', userId: 'u_a', anonymousId: 'anon-1', deviceId: 'kiosk-7' },
        { at: '2026-03-01T10:00:00Z', anonymousId: 'anon-2', deviceId: 'kiosk-7' },
      );
  });
  after(async () => {
    await store.close();
    await lake.close();
    rmSync(storeDir, { recursive: true, force: true });
  });

  it('a value blocked after it was stitched leaves the store, and what it joined falls apart', async () => {
    const first = await lake.stitch({ store, now: () => 1_000 });
    const account = first.map.customerOf.get(key('user_id', 'u_a'));
    assert.equal(first.map.customerOf.get(key('anonymous_id', 'anon-2')), account, 'the kiosk joined the second visitor to the account');

    const rules = { ...DEFAULT_RULES, blocklist: extendBlocklist(DEFAULT_RULES.blocklist, [], ['^kiosk-']) };
    const second = await lake.stitch({ store, rules, now: () => 2_000 });
    assert.equal(second.map.customerOf.has(key('device_id', 'kiosk-7')), false);
    assert.equal(second.map.customerOf.get(key('user_id', 'u_a')), account, 'the account keeps its id');
    assert.notEqual(second.map.customerOf.get(key('anonymous_id', 'anon-2')), account, 'the visitor is a customer of its own again');
    assert.equal(second.summary.store?.unassigned, 1);
    assert.equal(second.summary.blockedValues, 2);

    assert.equal((await store.lookup([{ type: 'device_id', value: 'kiosk-7' }])).size, 0);
    const stored = (await store.customers([account ?? ''])).get(account ?? '');
    assert.deepEqual(stored?.identities.map(identifierKey), [key('user_id', 'u_a'), key('email', 'a@example.com'), key('phone', '+919811111111'), key('anonymous_id', 'anon-1')]);
    assert.equal(stored?.updatedAt, 2_000);
  });
});

describe('a customer every identifier of which is blocked after it was stitched', () => {
  it('is removed from the store, and a re-run writes nothing', async () => {
    // A visitor seen only through a kiosk's id, beside a visitor of its own.
    const lake = new RecordLake().events({ at: '2026-03-01T09:00:00Z', anonymousId: 'kiosk-anon-1' }, { at: '2026-03-01T11:00:00Z', anonymousId: 'anon-3', deviceId: 'd3' });
    await withStoreAndLake(lake, async (store) => {
      const first = await lake.stitch({ store, now: () => 1_000 });
      const [kiosk, visitor] = [first.map.customerOf.get(key('anonymous_id', 'kiosk-anon-1')) ?? '', first.map.customerOf.get(key('device_id', 'd3')) ?? ''];

      const rules = { ...DEFAULT_RULES, blocklist: extendBlocklist(DEFAULT_RULES.blocklist, [], ['^kiosk-']) };
      const second = await lake.stitch({ store, rules, now: () => 2_000 });
      assert.deepEqual(second.summary.store, { ...NOTHING_WRITTEN, unassigned: 1, removedCustomers: 1 });
      assert.deepEqual([...(await store.customers([kiosk, visitor])).keys()], [visitor], 'the customer of a blocked value only is gone');
      assert.deepEqual(await storeProblems(store), []);
      assert.deepEqual(await lineageProblems(store), []);
      assert.deepEqual((await lake.stitch({ store, rules, now: () => 3_000 })).summary.store, NOTHING_WRITTEN);
    });
  });
});

describe('an account whose identifiers another account takes over', () => {
  it('keeps its id, and the other account gets one of its own', async () => {
    const lake = new RecordLake().events(
      { at: '2026-03-01T10:00:00Z', userId: 'u1', anonymousId: 'a1', deviceId: 'd1' },
      { at: '2026-03-01T10:01:00Z', userId: 'u1', anonymousId: 'a1', deviceId: 'd2' },
      { at: '2026-03-01T10:02:00Z', userId: 'u1', anonymousId: 'a1', deviceId: 'd3' },
    );
    await withStoreAndLake(lake, async (store) => {
      const first = await lake.stitch({ store, now: () => 1_000 });
      const u1 = first.map.customerOf.get(key('user_id', 'u1'));
      assert.equal(u1, customerIdFor({ type: 'user_id', value: 'u1' }, DEFAULT_RULES.idSalt));
      // Late events of the same morning, landed a day later: account u2 used the three devices first.
      lake.events(
        { at: '2026-03-01T09:00:00Z', userId: 'u2', anonymousId: 'a2', deviceId: 'd1' },
        { at: '2026-03-01T09:01:00Z', userId: 'u2', anonymousId: 'a2', deviceId: 'd2' },
        { at: '2026-03-01T09:02:00Z', userId: 'u2', anonymousId: 'a2', deviceId: 'd3' },
      );
      const second = await lake.stitch({ store, now: () => 2_000 });
      assert.equal(second.map.customerOf.get(key('user_id', 'u1')), u1, 'the account keeps its id: it holds fewer of its old identifiers, but its account id');
      const u2 = second.map.customerOf.get(key('user_id', 'u2'));
      assert.notEqual(u2, u1);
      assert.equal(second.map.customerOf.get(key('device_id', 'd1')), u2, 'the devices go with the account that used them first');
      assert.equal(second.summary.mergedCustomers, 0);
      assert.equal((await store.lookup([{ type: 'user_id', value: 'u2' }])).get(key('user_id', 'u2')), u2);
    });
  });
});

describe('a new customer whose first ids are taken', () => {
  const d1 = { type: 'device_id', value: 'd1' };
  const attempt = (n: number) => customerIdFor(d1, DEFAULT_RULES.idSalt, n);
  const stored = (customerId: string, identities: Array<{ type: string; value: string }>, mergedInto: string | null) =>
    ({ customerId, identities, seed: d1, firstSeen: Date.parse('2026-03-01T09:00:00Z'), mergedInto, mergedFrom: [], updatedAt: 500 });
  const twoVisits = () => new RecordLake().events({ at: '2026-03-01T09:00:00Z', anonymousId: 'a1', deviceId: 'd1' }, { at: '2026-03-01T10:00:00Z', userId: 'u1', anonymousId: 'a2' }, { at: '2026-03-01T11:00:00Z', userId: 'u2', anonymousId: 'a3' });

  it('draws the next attempt until one is free, as the stream does, when live customers hold them', async () => {
    const lake = twoVisits();
    await withStoreAndLake(lake, async (store) => {
      // The store as earlier runs can leave it: d1's first ids went to customers that continued
      // elsewhere when the lake split d1 off them.
      const [u1, u2] = [{ type: 'user_id', value: 'u1' }, { type: 'user_id', value: 'u2' }];
      await store.apply({
        assign: [{ identifier: u1, customerId: attempt(0) }, { identifier: u2, customerId: attempt(1) }],
        unassign: [],
        customers: [stored(attempt(0), [u1], null), stored(attempt(1), [u2], null)],
        removeCustomers: [],
        merges: [],
        separations: [],
      });
      const stitched = await lake.stitch({ store, now: () => 1_000 });
      assert.deepEqual([key('user_id', 'u1'), key('user_id', 'u2'), key('device_id', 'd1')].map((k) => stitched.map.customerOf.get(k)), [attempt(0), attempt(1), attempt(2)]);
      assert.deepEqual([stitched.summary.newCustomers, stitched.summary.revivedCustomers], [1, 0]);
    });
  });

  it('gives it the id of a customer merged away whose seed it has: that customer is revived, not named anew', async () => {
    const lake = twoVisits();
    await withStoreAndLake(lake, async (store) => {
      // d1's first customer was merged into the second, which holds u1 now and not d1.
      const u1 = { type: 'user_id', value: 'u1' };
      await store.apply({
        assign: [{ identifier: u1, customerId: attempt(1) }],
        unassign: [],
        customers: [stored(attempt(0), [], attempt(1)), { ...stored(attempt(1), [u1], null), mergedFrom: [attempt(0)] }],
        removeCustomers: [],
        merges: [],
        separations: [],
      });
      const stitched = await lake.stitch({ store, now: () => 1_000 });
      assert.equal(stitched.map.customerOf.get(key('device_id', 'd1')), attempt(0));
      assert.deepEqual([stitched.summary.newCustomers, stitched.summary.revivedCustomers], [1, 1], 'u2 is new; d1 revives its customer');
      const customers = await store.customers([attempt(0), attempt(1)]);
      assert.deepEqual([customers.get(attempt(0))?.mergedInto, customers.get(attempt(1))?.mergedFrom], [null, []]);
      assert.deepEqual(await storeProblems(store), []);
    });
  });
});

describe('two customers merged away with the same seed', () => {
  it("revives the one with the seed's first id", async () => {
    const lake = new RecordLake().events({ at: '2026-03-01T09:00:00Z', anonymousId: 'a1', deviceId: 'd1' }, { at: '2026-03-01T10:00:00Z', userId: 'u1', anonymousId: 'a2' });
    await withStoreAndLake(lake, async (store) => {
      const d1 = { type: 'device_id', value: 'd1' };
      const u1 = { type: 'user_id', value: 'u1' };
      const attempt = (n: number) => customerIdFor(d1, DEFAULT_RULES.idSalt, n);
      const merged = (customerId: string) => ({ customerId, identities: [], seed: d1, firstSeen: Date.parse('2026-03-01T09:00:00Z'), mergedInto: attempt(2), mergedFrom: [], updatedAt: 500 });
      // Both of d1's first ids were merged into a third customer, which holds u1 now and not d1.
      await store.apply({
        assign: [{ identifier: u1, customerId: attempt(2) }],
        unassign: [],
        customers: [merged(attempt(1)), merged(attempt(0)), { ...merged(attempt(2)), identities: [u1], mergedInto: null, mergedFrom: [attempt(0), attempt(1)] }],
        removeCustomers: [],
        merges: [],
        separations: [],
      });
      const stitched = await lake.stitch({ store, now: () => 1_000 });
      assert.equal(stitched.map.customerOf.get(key('device_id', 'd1')), attempt(0));
      const customers = await store.customers([attempt(0), attempt(1), attempt(2)]);
      assert.deepEqual(
        [customers.get(attempt(1))?.mergedInto, customers.get(attempt(0))?.mergedFrom, customers.get(attempt(2))?.mergedFrom],
        [attempt(0), [attempt(1)], []],
        "d1's second id leads where d1 is now: to the customer revived under its first",
      );
      assert.equal(stitched.summary.store?.repointedCustomers, 1);
      assert.deepEqual(await lineageProblems(store), []);
    });
  });
});

describe('a customer merged away whose identifiers the lake splits off the survivor again', () => {
  /**
   * Visitors S (a1, d1) and F (a2, d2); the stream merges F into the older S on an alias of a1 and
   * d2. The lake then shows accounts u1 on a1 and u2 on a2 and d2: the alias would join two
   * accounts, so the batch splits what the stream joined.
   */
  it('revives it under its own id: its merge is undone and the survivor forgets it', async () => {
    const lake = new RecordLake().events({ at: '2026-03-01T09:00:00Z', anonymousId: 'a1', deviceId: 'd1' }, { at: '2026-03-01T10:00:00Z', anonymousId: 'a2', deviceId: 'd2' });
    await withStoreAndLake(lake, async (store) => {
      const first = await lake.stitch({ store, now: () => 1_000 });
      const [s, f] = [first.map.customerOf.get(key('device_id', 'd1')) ?? '', first.map.customerOf.get(key('device_id', 'd2')) ?? ''];
      await new IncrementalStitcher(store, new CompiledRules(DEFAULT_RULES), { now: () => 1_500 }).stitch([
        { source: 'clickstream', recordId: 'alias-a1-d2', time: Date.parse('2026-03-02T12:00:00Z'), identifiers: [{ type: 'anonymous_id', value: 'a1' }, { type: 'device_id', value: 'd2' }] },
      ]);
      const [merge] = await store.mergesOf(f);
      assert.equal(merge?.into, s, 'the stream merged F into S');

      lake.events({ at: '2026-03-02T09:00:00Z', userId: 'u1', anonymousId: 'a1' }, { at: '2026-03-02T09:00:00Z', userId: 'u2', anonymousId: 'a2', deviceId: 'd2' });
      const split = await lake.stitch({ store, now: () => 2_000 });
      for (const identifier of [key('anonymous_id', 'a2'), key('device_id', 'd2'), key('user_id', 'u2')]) assert.equal(split.map.customerOf.get(identifier), f, `${identifier} is F's again`);
      assert.equal(split.map.customerOf.get(key('user_id', 'u1')), s);
      assert.deepEqual([split.summary.newCustomers, split.summary.revivedCustomers, split.summary.store?.undoneMerges], [0, 1, 1]);
      assert.deepEqual(await storeProblems(store), []);
      const customers = await store.customers([s, f]);
      assert.equal(customers.get(f)?.mergedInto, null, "F's id leads to F, not to S");
      assert.deepEqual(customers.get(s)?.mergedFrom, []);
      assert.equal((await store.merge(merge?.mergeId ?? ''))?.undoneAt, 2_000, 'the merge is undone, by the batch');
      await assert.rejects(new IncrementalStitcher(store, new CompiledRules(DEFAULT_RULES), { now: () => 2_500 }).unmerge(merge?.mergeId ?? ''), /already undone/);

      assert.deepEqual(await lineageProblems(store), []);

      const again = await lake.stitch({ store, now: () => 3_000 });
      assert.deepEqual(again.summary.store, NOTHING_WRITTEN);
    });
  });

  const kiosks = (...patterns: string[]) => ({ ...DEFAULT_RULES, blocklist: extendBlocklist(DEFAULT_RULES.blocklist, [], patterns) });
  /** Z (a0, d0), S (a1, d1), F (a2, d2), then kiosk-1 joins F to S and kiosk-2 S to Z: two batch merges. */
  const chainOfKioskMerges = async (store: EmbeddedIdentityStore, lake: RecordLake) => {
    lake.events(
      { at: '2026-03-01T08:00:00Z', anonymousId: 'a0', deviceId: 'd0' },
      { at: '2026-03-01T09:00:00Z', anonymousId: 'a1', deviceId: 'd1' },
      { at: '2026-03-01T10:00:00Z', anonymousId: 'a2', deviceId: 'd2' },
    );
    const first = await lake.stitch({ store, now: () => 1_000 });
    const [z, s, f] = ['d0', 'd1', 'd2'].map((device) => first.map.customerOf.get(key('device_id', device)) ?? '');
    lake.events({ at: '2026-03-02T09:00:00Z', anonymousId: 'a2', deviceId: 'kiosk-1' }, { at: '2026-03-02T09:05:00Z', anonymousId: 'a1', deviceId: 'kiosk-1' });
    await lake.stitch({ store, now: () => 2_000 });
    lake.events({ at: '2026-03-03T09:00:00Z', anonymousId: 'a1', deviceId: 'kiosk-2' }, { at: '2026-03-03T09:05:00Z', anonymousId: 'a0', deviceId: 'kiosk-2' });
    await lake.stitch({ store, now: () => 3_000 });
    const stored = await store.customers([z, s, f]);
    assert.deepEqual([stored.get(f)?.mergedInto, stored.get(s)?.mergedInto], [s, z], 'F merged into S, S into Z');
    return { z, s, f };
  };

  it('on a chain of merges, revives the customer that absorbed nobody, and every customer on its chain forgets it', async () => {
    const lake = new RecordLake();
    await withStoreAndLake(lake, async (store) => {
      const { z, s, f } = await chainOfKioskMerges(store, lake);
      const split = await lake.stitch({ store, now: () => 4_000, rules: kiosks('^kiosk-1$') });
      assert.equal(split.map.customerOf.get(key('device_id', 'd2')), f);
      assert.equal(split.summary.revivedCustomers, 1);
      assert.deepEqual(await storeProblems(store), []);
      assert.deepEqual(await lineageProblems(store), []);
      const stored = await store.customers([z, s, f]);
      assert.deepEqual([stored.get(z)?.mergedFrom, stored.get(s)?.mergedFrom, stored.get(s)?.mergedInto], [[s], [], z], 'S, merged into Z, forgets F too');
    });
  });

  it('revives a customer that had absorbed others, and what it absorbed still leads to it where it holds their seeds', async () => {
    // Z holds more devices of its own than S and F have together: it keeps its own part (chooseComponents).
    const lake = new RecordLake().events({ at: '2026-03-01T08:30:00Z', anonymousId: 'a0', deviceId: 'd0b' }, { at: '2026-03-01T08:40:00Z', anonymousId: 'a0', deviceId: 'd0c' });
    await withStoreAndLake(lake, async (store) => {
      const { z, s, f } = await chainOfKioskMerges(store, lake);
      // kiosk-2 blocked: S's part, with F's that kiosk-1 joined to it, starts a customer of S's seed again.
      const split = await lake.stitch({ store, now: () => 4_000, rules: kiosks('^kiosk-2$') });
      assert.equal(split.map.customerOf.get(key('device_id', 'd1')), s, 'S is revived');
      assert.equal(split.map.customerOf.get(key('device_id', 'd2')), s, "F's identifiers stay with S");
      assert.deepEqual([split.summary.revivedCustomers, split.summary.store?.repointedCustomers, split.summary.store?.undoneMerges], [1, 0, 1]);
      assert.deepEqual([...(await storeProblems(store)), ...(await lineageProblems(store))], []);
      const stored = await store.customers([z, s, f]);
      assert.deepEqual(
        [stored.get(s)?.mergedInto, stored.get(s)?.mergedFrom, stored.get(f)?.mergedInto, stored.get(z)?.mergedFrom],
        [null, [f], s, []],
        'F still leads to S, and Z forgets both',
      );
    });
  });

  it('revives each customer of a chain whose seed starts a customer again: all three are apart', async () => {
    const lake = new RecordLake();
    await withStoreAndLake(lake, async (store) => {
      const { z, s, f } = await chainOfKioskMerges(store, lake);
      const split = await lake.stitch({ store, now: () => 4_000, rules: kiosks('^kiosk-') });
      assert.deepEqual(['d0', 'd1', 'd2'].map((device) => split.map.customerOf.get(key('device_id', device))), [z, s, f]);
      assert.equal(split.summary.revivedCustomers, 2);
      assert.deepEqual([...(await storeProblems(store)), ...(await lineageProblems(store))], []);
      const stored = await store.customers([z, s, f]);
      assert.deepEqual([z, s, f].map((id) => [stored.get(id)?.mergedInto, stored.get(id)?.mergedFrom]), [[null, []], [null, []], [null, []]]);
      assert.deepEqual(
        (await store.mergesOf(f)).concat(await store.mergesOf(z)).filter((merge) => merge.undoneAt === null),
        [],
        'both merges are undone',
      );
    });
  });

  it('records a second merge of the same two customers apart from the first, which stays undone', async () => {
    const lake = new RecordLake().events({ at: '2026-03-01T09:00:00Z', anonymousId: 'a1', deviceId: 'd1' }, { at: '2026-03-01T10:00:00Z', anonymousId: 'a2', deviceId: 'd2' });
    await withStoreAndLake(lake, async (store) => {
      const first = await lake.stitch({ store, now: () => 1_000 });
      const [s, f] = ['d1', 'd2'].map((device) => first.map.customerOf.get(key('device_id', device)) ?? '');
      lake.events({ at: '2026-03-02T09:00:00Z', anonymousId: 'a2', deviceId: 'kiosk-1' }, { at: '2026-03-02T09:05:00Z', anonymousId: 'a1', deviceId: 'kiosk-1' });
      await lake.stitch({ store, now: () => 2_000 });
      await lake.stitch({ store, now: () => 4_000, rules: kiosks('^kiosk-1$') });
      assert.equal((await store.customers([f])).get(f)?.mergedInto, null, 'revived');
      await lake.stitch({ store, now: () => 5_000 });
      const merges = (await store.mergesOf(f)).filter((merge) => merge.from === f && merge.into === s);
      assert.deepEqual(merges.map((merge) => [merge.at, merge.undoneAt]).sort(), [[2_000, 4_000], [5_000, null]]);
      assert.equal(new Set(merges.map((merge) => merge.mergeId)).size, 2);
      assert.deepEqual(await lineageProblems(store), []);
    });
  });
});

describe('a merge the stream made on a record the lake does not have yet', () => {
  const identifyU1 = { at: '2026-03-02T08:00:00Z', type: 'identify' as const, userId: 'u1', anonymousId: 'a1', messageId: 'identify-u1-a1' };
  const streamed = (store: EmbeddedIdentityStore) =>
    new IncrementalStitcher(store, new CompiledRules(DEFAULT_RULES), { now: () => 1_500 }).stitch([
      { source: 'clickstream', recordId: identifyU1.messageId, time: Date.parse(identifyU1.at), identifiers: [{ type: 'user_id', value: 'u1' }, { type: 'anonymous_id', value: 'a1' }] },
    ]);

  it('is kept by the batch until the lake has the record, and can still be undone', async () => {
    const lake = new RecordLake().events({ at: '2026-03-01T09:00:00Z', anonymousId: 'a1', deviceId: 'd1' }, { at: '2026-03-01T10:00:00Z', userId: 'u1', anonymousId: 'a2' });
    await withStoreAndLake(lake, async (store) => {
      const first = await lake.stitch({ store, now: () => 1_000 });
      const d1 = first.map.customerOf.get(key('device_id', 'd1'));
      const u1 = first.map.customerOf.get(key('user_id', 'u1'));
      assert.notEqual(d1, u1);
      const [outcome] = await streamed(store);
      assert.deepEqual(outcome?.merges.map((merge) => [merge.from, merge.into]), [[u1, d1]], 'the stream merged the younger customer into the older');

      const second = await lake.stitch({ store, now: () => 2_000 });
      for (const [type, value] of [['user_id', 'u1'], ['anonymous_id', 'a2'], ['anonymous_id', 'a1'], ['device_id', 'd1']]) {
        assert.equal(second.map.customerOf.get(key(type ?? '', value ?? '')), d1, `${type}:${value} stays with the merged customer`);
      }
      assert.equal(second.summary.newCustomers, 0);
      assert.equal(second.summary.store?.assigned ?? 0, 0, 'the store is left as the stream left it');

      // The lake catches up: the same record, now with its own link, changes nothing.
      lake.events(identifyU1);
      const third = await lake.stitch({ store, now: () => 3_000 });
      assert.deepEqual(third.map.customerOf, second.map.customerOf);

      // The merge stays the stream's own, which an operator can undo.
      const undone = await new IncrementalStitcher(store, new CompiledRules(DEFAULT_RULES), { now: () => 3_500 }).unmerge(outcome?.merges[0]?.mergeId ?? '');
      assert.deepEqual([undone.restoredCustomerId, undone.survivorId, undone.restored], [u1, d1, 2]);
    });
  });

  it('is not applied once an un-merge has put its two ends in different customers', async () => {
    // P absorbs R (the wrong merge, undone below), then Q through one of R's devices.
    const lake = new RecordLake().events(
      { at: '2026-03-01T08:00:00Z', anonymousId: 'a_p', deviceId: 'd_p' },
      { at: '2026-03-01T09:00:00Z', anonymousId: 'a_q', deviceId: 'd_q1' },
      { at: '2026-03-01T09:05:00Z', anonymousId: 'a_q', deviceId: 'd_q2' },
      { at: '2026-03-01T10:00:00Z', anonymousId: 'a_r', deviceId: 'd_r' },
    );
    await withStoreAndLake(lake, async (store) => {
      const first = await lake.stitch({ store, now: () => 1_000 });
      const r = first.map.customerOf.get(key('device_id', 'd_r'));
      const stitcher = new IncrementalStitcher(store, new CompiledRules(DEFAULT_RULES), { now: () => 1_500 });
      const link = (recordId: string, at: string, a: [string, string], b: [string, string]) =>
        stitcher.stitch([{ source: 'clickstream', recordId, time: Date.parse(at), identifiers: [{ type: a[0], value: a[1] }, { type: b[0], value: b[1] }] }]);
      const [wrong] = await link('s-r', '2026-03-02T08:00:00Z', ['device_id', 'd_p'], ['anonymous_id', 'a_r']);
      await link('s-q', '2026-03-02T09:00:00Z', ['device_id', 'd_r'], ['anonymous_id', 'a_q']);
      const undone = await stitcher.unmerge(wrong?.merges[0]?.mergeId ?? '');
      assert.equal(undone.restoredCustomerId, r);

      const second = await lake.stitch({ store, now: () => 2_000 });
      assert.equal(second.map.customerOf.get(key('device_id', 'd_r')), r, 'R stays apart from P');
      assert.equal(second.map.customerOf.get(key('anonymous_id', 'a_r')), r);
      assert.notEqual(second.map.customerOf.get(key('device_id', 'd_p')), r);
      assert.equal(second.summary.mergedCustomers, 0);
      assert.equal((await store.merge(undone.mergeId))?.undoneAt, 1_500, 'the undone merge stays undone');
    });
  });

  it('applies after the lake\'s links: a stream-learned account does not make earlier lake links indirect', async () => {
    // u1's customer U, and an OTP request C (device, phone, email, no account) an hour later; the
    // login on C's device merges C into U in the stream. The lake has the OTP request, not the login.
    const lake = new RecordLake()
      .events({ at: '2026-03-01T08:00:00Z', userId: 'u1', anonymousId: 'a2' })
      .apiCalls({ at: '2026-03-01T09:00:00Z', deviceId: 'd1', phone: '9811111111', email: 'e1@example.com' });
    await withStoreAndLake(lake, async (store) => {
      const first = await lake.stitch({ store, now: () => 1_000 });
      const u = first.map.customerOf.get(key('user_id', 'u1'));
      const identify = [{ type: 'user_id', value: 'u1' }, { type: 'device_id', value: 'd1' }, { type: 'anonymous_id', value: 'a1' }];
      await new IncrementalStitcher(store, new CompiledRules(DEFAULT_RULES), { now: () => 1_500 }).stitch([{ source: 'clickstream', recordId: 'identify-u1', time: Date.parse('2026-03-01T10:00:00Z'), identifiers: identify }]);
      const second = await lake.stitch({ store, now: () => 2_000 });
      for (const [type, value] of [['device_id', 'd1'], ['email', 'e1@example.com'], ['phone', '+919811111111'], ['anonymous_id', 'a1']]) {
        assert.equal(second.map.customerOf.get(key(type ?? '', value ?? '')), u, `${type} stays with the account`);
      }
      assert.deepEqual(second.summary.store, NOTHING_WRITTEN, 'the store is left as the stream left it');
    });
  });

  it("yields to the lake's own earlier records, as the caught-up lake will", async () => {
    // Account u0 used a1 an hour before u1's identify, on a record the stream never saw (an order's
    // API call, say). The lake links in time order, u0 first, and the stream's merge, applied after
    // the lake's links, is refused (one account per customer); with the identify in the lake, the
    // same: the identify comes after u0's record.
    const lake = new RecordLake().events({ at: '2026-03-01T09:00:00Z', anonymousId: 'a1', deviceId: 'd1' }, { at: '2026-03-01T10:00:00Z', userId: 'u1', anonymousId: 'a2' });
    await withStoreAndLake(lake, async (store) => {
      await lake.stitch({ store, now: () => 1_000 });
      await streamed(store);
      lake.events({ at: '2026-03-02T07:00:00Z', userId: 'u0', anonymousId: 'a1' });
      const pending = await lake.stitch({ store, now: () => 2_000 });
      assert.equal(pending.map.customerOf.get(key('anonymous_id', 'a1')), pending.map.customerOf.get(key('user_id', 'u0')), 'u0 used a1 first');
      assert.notEqual(pending.map.customerOf.get(key('user_id', 'u0')), pending.map.customerOf.get(key('user_id', 'u1')));
      assert.equal(pending.summary.refusedLinks.pendingStream, 1);

      lake.events(identifyU1);
      const caughtUp = await lake.stitch({ store, now: () => 3_000 });
      assert.deepEqual(caughtUp.map.customerOf, pending.map.customerOf);
      assert.equal(caughtUp.summary.refusedLinks.pendingStream, 0, 'the record is in the lake now: nothing pending');
    });
  });
});

describe('a batch stitch that fails', () => {
  it('leaves the lake engine as it found it: insertion order kept for whatever runs next', async () => {
    const lake = new RecordLake();
    try {
      lake.events({ at: '2026-03-01T09:00:00Z', userId: 'u_a', anonymousId: 'anon-1' });
      await lake.process();
      // A processed file that is not Parquet fails the stitch's first statement, which runs with insertion order off.
      writeFileSync(path.join(lake.layout.processedPartition('clickstream', '2026-03-01'), 'broken.parquet'), 'not parquet');
      const engine = await lake.lake();
      await assert.rejects(stitchLake(engine, lake.layout), /broken\.parquet/);
      const [row] = await engine.query("SELECT current_setting('preserve_insertion_order') AS ordered");
      assert.equal(row?.ordered, true);
    } finally {
      await lake.close();
    }
  });
});

describe('identifiers the stream assigned that the lake has not shown yet', () => {
  const stitcherFor = (store: EmbeddedIdentityStore) => new IncrementalStitcher(store, new CompiledRules(DEFAULT_RULES), { now: () => 1_500 });
  const userIdsByCustomer = (customerOf: ReadonlyMap<string, string>) => {
    const accounts = new Map<string, string[]>();
    for (const [identifier, customerId] of customerOf) if (identifier.startsWith('user_id:')) accounts.set(customerId, [...(accounts.get(customerId) ?? []), identifier]);
    return accounts;
  };

  it('join after the lake\'s links: a stream-learned account does not make earlier lake links indirect', async () => {
    // 09:00 an OTP request from d1 with a phone and an email, no account; 10:00 the login on d1, which
    // only the stream has seen, brings u1 and a1 to that customer.
    const lake = new RecordLake().apiCalls({ at: '2026-03-01T09:00:00Z', deviceId: 'd1', phone: '9811111111', email: 'e1@example.com' });
    await withStoreAndLake(lake, async (store) => {
      const first = await lake.stitch({ store, now: () => 1_000 });
      const c = first.map.customerOf.get(key('email', 'e1@example.com'));
      const identify = [{ type: 'user_id', value: 'u1' }, { type: 'device_id', value: 'd1' }, { type: 'anonymous_id', value: 'a1' }];
      await stitcherFor(store).stitch([{ source: 'clickstream', recordId: 'identify-u1', time: Date.parse('2026-03-01T10:00:00Z'), identifiers: identify }]);
      const second = await lake.stitch({ store, now: () => 2_000 });
      for (const [type, value] of [['user_id', 'u1'], ['phone', '+919811111111'], ['device_id', 'd1'], ['anonymous_id', 'a1']]) {
        assert.equal(second.map.customerOf.get(key(type ?? '', value ?? '')), c, `${type} stays with the customer`);
      }
      assert.equal(second.summary.refusedLinks.indirect, 0);
      assert.deepEqual(second.summary.store, NOTHING_WRITTEN);
    });
  });

  it('follow their customer where it continues when the lake splits it (a value newly blocked)', async () => {
    const lake = new RecordLake().events(
      { at: '2026-03-01T08:00:00Z', anonymousId: 'kiosk-a', deviceId: 'd1' },
      { at: '2026-03-01T08:10:00Z', anonymousId: 'kiosk-a', deviceId: 'd2' },
      { at: '2026-03-01T08:20:00Z', anonymousId: 'a_b', deviceId: 'd2' },
      { at: '2026-03-01T08:30:00Z', anonymousId: 'a_b', deviceId: 'd3' },
    );
    await withStoreAndLake(lake, async (store) => {
      const first = await lake.stitch({ store, now: () => 1_000 });
      const p = first.map.customerOf.get(key('device_id', 'd3'));
      await stitcherFor(store).stitch([
        { source: 'clickstream', recordId: 's-1', time: Date.parse('2026-03-02T08:00:00Z'), identifiers: [{ type: 'device_id', value: 'd3' }, { type: 'anonymous_id', value: 'a9' }] },
      ]);
      const rules = { ...DEFAULT_RULES, blocklist: extendBlocklist(DEFAULT_RULES.blocklist, [], ['^kiosk-']) };
      const second = await lake.stitch({ store, rules, now: () => 2_000 });
      assert.equal(second.map.customerOf.get(key('device_id', 'd3')), p, 'the customer continues with two of its three devices');
      assert.equal(second.map.customerOf.get(key('anonymous_id', 'a9')), p, 'a9, seen on d3, with them');
      assert.notEqual(second.map.customerOf.get(key('device_id', 'd1')), p);
    });
  });

  it('keep their customer under the caps: a late record of the lake merges no second account into it', async () => {
    const lake = new RecordLake().events({ at: '2026-03-01T09:00:00Z', userId: 'u0', anonymousId: 'a0' }, { at: '2026-03-01T09:30:00Z', anonymousId: 'a1', deviceId: 'd1' });
    await withStoreAndLake(lake, async (store) => {
      const first = await lake.stitch({ store, now: () => 1_000 });
      const u0 = first.map.customerOf.get(key('user_id', 'u0'));
      const a1 = first.map.customerOf.get(key('anonymous_id', 'a1'));
      assert.notEqual(u0, a1);
      // The stream: account u1 logs in on a1, with its email. The lake has not caught up with that identify.
      const identify = [{ type: 'user_id', value: 'u1' }, { type: 'email', value: 'u1@example.com' }, { type: 'anonymous_id', value: 'a1' }];
      await stitcherFor(store).stitch([{ source: 'clickstream', recordId: 'identify-u1', time: Date.parse('2026-03-02T08:00:00Z'), identifiers: identify }]);
      // What it has caught up with: a late event of the first morning puts account u0 on a1's device.
      lake.events({ at: '2026-03-01T09:10:00Z', userId: 'u0', anonymousId: 'a0', deviceId: 'd1' });
      const second = await lake.stitch({ store, now: () => 2_000 });

      for (const [customerId, accounts] of userIdsByCustomer(second.map.customerOf)) assert.equal(accounts.length, 1, `${customerId} holds ${accounts.join(', ')}`);
      assert.equal(second.map.customerOf.get(key('user_id', 'u0')), u0);
      assert.equal(second.map.customerOf.get(key('user_id', 'u1')), a1, 'the account the stream put on a1 keeps the id it joined');
      assert.equal(second.map.customerOf.get(key('email', 'u1@example.com')), a1, 'the email came with the account, in the record that named it');
      // The lake saw d1 with u0 before a1 with d1: a1 goes with u0, as it will once the lake has the identify too.
      assert.equal(second.map.customerOf.get(key('anonymous_id', 'a1')), u0);
      lake.events({ at: '2026-03-02T08:00:00Z', type: 'identify', userId: 'u1', anonymousId: 'a1', traits: { email: 'u1@example.com' }, messageId: 'identify-u1' });
      const caughtUp = await lake.stitch({ store, now: () => 3_000 });
      assert.deepEqual(caughtUp.map.customerOf, second.map.customerOf, 'the caught-up lake says the same');
      assert.deepEqual(caughtUp.summary.store, { assigned: 0, unassigned: 0, customersWritten: 0, merges: 0, undoneMerges: 0, repointedCustomers: 0, rebasedUnits: 0, deferredUnits: 0, deferredCustomers: 0, removedCustomers: 0 });
      assert.equal(second.summary.mergedCustomers, 0);
      assert.equal(second.summary.refusedLinks.storeOnly, 0);
      const stored = await store.customers([u0 ?? '', a1 ?? '']);
      const accountsOf = (customerId: string | undefined) => stored.get(customerId ?? '')?.identities.filter((identifier) => identifier.type === 'user_id').map(identifierKey);
      assert.deepEqual(accountsOf(u0), [key('user_id', 'u0')]);
      assert.deepEqual(accountsOf(a1), [key('user_id', 'u1')]);
    });
  });
});

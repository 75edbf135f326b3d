import { strict as assert } from 'node:assert';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { identifierKey, type Identifier } from '../../../src/identity/identifier';
import {
  emptyChanges,
  IdentityConflictError,
  type Assignment,
  type IdentityChanges,
  type IdentityStore,
  type MergeRecord,
  type Separation,
  type StoredCustomer,
} from '../../../src/identity/identity-store.port';

/** One adapter instance under test, on a location of its own or shared with unique ids. */
export interface IdentityStoreHarness {
  store: IdentityStore;
  /** A second, independent store instance on the same location (folder, keyspace). */
  reopen(): Promise<IdentityStore>;
  /** Closes what the harness opened and removes what it created. */
  cleanup(): Promise<void>;
}

const T0 = Date.UTC(2025, 0, 1);
const MINUTE = 60_000;

async function collect<T>(pages: AsyncIterable<T[]>, pageSize: number): Promise<T[]> {
  const all: T[] = [];
  for await (const page of pages) {
    assert.ok(page.length > 0 && page.length <= pageSize, `a page holds 1..${pageSize} items, got ${page.length}`);
    all.push(...page);
  }
  return all;
}

const changes = (partial: Partial<IdentityChanges>): IdentityChanges => ({ ...emptyChanges(), ...partial });

/**
 * The behaviour every IdentityStore adapter shares. Ids are unique per test (a random prefix), so
 * adapters may share one location (a Cassandra keyspace) across tests; whole-store reads (scans,
 * separations) are filtered to the test's own ids.
 */
export function describeIdentityStoreContract(name: string, open: () => Promise<IdentityStoreHarness>): void {
  describe(`${name}: IdentityStore contract`, () => {
    let harness: IdentityStoreHarness;
    let store: IdentityStore;
    let prefix: string;
    const id = (type: string, value: string): Identifier => ({ type, value: `${prefix}-${value}` });
    const cid = (suffix: string) => `c_${prefix}_${suffix}`;
    const mine = (text: string) => text.includes(prefix);
    const customer = (suffix: string, identities: Identifier[], extra: Partial<StoredCustomer> = {}): StoredCustomer => ({
      customerId: cid(suffix),
      identities,
      seed: identities[0] ?? id('anonymous_id', `seed-${suffix}`),
      firstSeen: T0,
      mergedInto: null,
      mergedFrom: [],
      updatedAt: T0,
      ...extra,
    });
    const merge = (from: string, into: string, at: number, extra: Partial<MergeRecord> = {}): MergeRecord => ({
      mergeId: `m_${prefix}_${from}_${into}`,
      into: cid(into),
      from: cid(from),
      at,
      via: 'stream',
      cause: { source: 'clickstream', recordId: `msg-${from}`, time: at - 1000, link: [id('user_id', 'u1'), id('anonymous_id', `a-${from}`)] },
      identifiers: [id('anonymous_id', `a-${from}`)],
      undoneAt: null,
      ...extra,
    });

    beforeEach(async () => {
      harness = await open();
      store = harness.store;
      prefix = `t${randomUUID().replaceAll('-', '').slice(0, 16)}`;
    });
    afterEach(() => harness.cleanup());

    it('looks identifiers up by type and value, keyed by identifierKey, omitting unknown ones', async () => {
      const user = id('user_id', 'u1');
      const email = id('email', 'jane@example.com');
      const odd = id('device_id', 'Łódź:東京 🚀 "x" \\ y');
      await store.apply(changes({ assign: [user, email, odd].map((identifier) => ({ identifier, customerId: cid('a') })) }));
      const found = await store.lookup([user, email, odd, id('user_id', 'nobody'), { type: 'email', value: user.value }, user]);
      assert.deepEqual(
        new Map([...found].sort()),
        new Map([identifierKey(user), identifierKey(email), identifierKey(odd)].map((key) => [key, cid('a')] as const).sort()),
        'the same value under another type is another identifier',
      );
      assert.equal((await store.lookup([])).size, 0);
    });

    it('round-trips customer records, merged-away ones too, and omits unknown ids', async () => {
      const survivor = customer('a', [id('user_id', 'u1'), id('email', 'jane@example.com'), id('anonymous_id', 'a1')], { mergedFrom: [cid('b')], firstSeen: T0 - MINUTE, updatedAt: T0 + 5 });
      const absorbed = customer('b', [], { seed: id('anonymous_id', 'a1'), mergedInto: cid('a'), updatedAt: T0 + 5 });
      await store.apply(changes({ customers: [survivor, absorbed] }));
      const found = await store.customers([cid('a'), cid('b'), cid('nobody'), cid('a')]);
      assert.deepEqual(found, new Map([[cid('a'), survivor], [cid('b'), absorbed]]));
      assert.equal((await store.customers([])).size, 0);
    });

    it('moves, unassigns and removes: removals apply before writes', async () => {
      const a1 = id('anonymous_id', 'a1');
      const a2 = id('anonymous_id', 'a2');
      await store.apply(changes({ assign: [{ identifier: a1, customerId: cid('a') }, { identifier: a2, customerId: cid('a') }], customers: [customer('a', [a1, a2]), customer('gone', [])] }));
      await store.apply(
        changes({
          assign: [{ identifier: a1, customerId: cid('b') }, { identifier: a2, customerId: cid('b') }],
          unassign: [a2],
          customers: [customer('b', [a1, a2]), customer('a', [], { updatedAt: T0 + 1 })],
          removeCustomers: [cid('gone'), cid('a')],
        }),
      );
      assert.deepEqual(await store.lookup([a1, a2]), new Map([[identifierKey(a1), cid('b')], [identifierKey(a2), cid('b')]]), 'an identifier both unassigned and assigned ends up assigned');
      const found = await store.customers([cid('a'), cid('b'), cid('gone')]);
      assert.deepEqual([...found.keys()].sort(), [cid('a'), cid('b')], 'a customer both removed and written ends up written');
      await store.apply(changes({ unassign: [a1, a2], removeCustomers: [cid('a'), cid('b')] }));
      assert.equal((await store.lookup([a1, a2])).size, 0);
      assert.equal((await store.customers([cid('a'), cid('b')])).size, 0);
    });

    it('applies a change whose expectations hold, assignments and customers alike', async () => {
      const a1 = id('anonymous_id', 'a1');
      const u1 = id('user_id', 'u1');
      await store.apply(changes({ assign: [{ identifier: a1, customerId: cid('a') }], customers: [customer('a', [a1])], expected: [{ identifier: a1, customerId: null }], expectedCustomers: [{ customerId: cid('a'), updatedAt: null }] }));
      await store.apply(
        changes({
          assign: [{ identifier: u1, customerId: cid('a') }],
          customers: [customer('a', [u1, a1], { updatedAt: T0 + 1 })],
          expected: [{ identifier: a1, customerId: cid('a') }, { identifier: u1, customerId: null }],
          expectedCustomers: [{ customerId: cid('a'), updatedAt: T0 }],
        }),
      );
      assert.deepEqual((await store.customers([cid('a')])).get(cid('a'))?.identities, [u1, a1]);
      assert.equal((await store.lookup([u1])).get(identifierKey(u1)), cid('a'));
    });

    it('refuses a change planned on stale assignments or customers, and applies none of it', async () => {
      const a1 = id('anonymous_id', 'a1');
      const a2 = id('anonymous_id', 'a2');
      await store.apply(changes({ assign: [{ identifier: a1, customerId: cid('a') }], customers: [customer('a', [a1])] }));
      const planned = (expected: IdentityChanges['expected'], expectedCustomers: IdentityChanges['expectedCustomers']) =>
        changes({
          assign: [{ identifier: a1, customerId: cid('b') }, { identifier: a2, customerId: cid('b') }],
          customers: [customer('b', [a1, a2])],
          merges: [merge('a', 'b', T0)],
          separations: [{ separationId: `s_${prefix}`, mergeId: 'm', at: T0, sides: [[a1], [a2]] }],
          removeCustomers: [cid('a')],
          expected,
          expectedCustomers,
        });
      const cases: Array<[string, IdentityChanges]> = [
        ['an assignment moved', planned([{ identifier: a2, customerId: null }, { identifier: a1, customerId: cid('other') }], [])],
        ['an identifier expected unassigned is assigned', planned([{ identifier: a1, customerId: null }], [])],
        ['an identifier expected assigned is not', planned([{ identifier: a2, customerId: cid('a') }], [])],
        ['a customer was rewritten', planned([], [{ customerId: cid('a'), updatedAt: T0 - 1 }])],
        ['a customer expected absent exists', planned([], [{ customerId: cid('a'), updatedAt: null }])],
        ['a customer expected present is absent', planned([], [{ customerId: cid('b'), updatedAt: T0 }])],
      ];
      for (const [what, change] of cases) {
        await assert.rejects(store.apply(change), (error: unknown) => error instanceof IdentityConflictError, what);
        assert.deepEqual(await store.lookup([a1, a2]), new Map([[identifierKey(a1), cid('a')]]), `${what}: no assignment changed`);
        assert.deepEqual([...(await store.customers([cid('a'), cid('b')])).keys()], [cid('a')], `${what}: no customer changed`);
        assert.deepEqual(await store.mergesOf(cid('a')), [], `${what}: no merge recorded`);
        assert.deepEqual((await store.separations()).filter((s) => mine(s.separationId)), [], `${what}: no separation recorded`);
      }
    });

    it('applies only one of racing changes planned on the same state, from one store instance or two', async () => {
      const second = await harness.reopen();
      try {
        for (let round = 0; round < 8; round++) {
          // Two accounts log in on one new tablet at once, on two consumers, and a third on this one.
          const tablet = id('anonymous_id', `tablet-${round}`);
          const login = (writer: IdentityStore, account: string) =>
            writer.apply(changes({ assign: [{ identifier: tablet, customerId: cid(`${account}-${round}`) }], expected: [{ identifier: tablet, customerId: null }] }));
          const logins = await Promise.allSettled([login(store, 'mum'), login(second, 'kid'), login(store, 'dad')]);
          assert.equal(logins.filter((result) => result.status === 'fulfilled').length, 1, `round ${round}: one login takes the tablet`);
          for (const result of logins) if (result.status === 'rejected') assert.ok(result.reason instanceof IdentityConflictError, String(result.reason));
          // Two merges into one customer, each planned on its record as read.
          const survivor = customer(`s-${round}`, [id('user_id', `s-${round}`)]);
          await store.apply(changes({ customers: [survivor] }));
          const absorb = (writer: IdentityStore, from: string) =>
            writer.apply(changes({ customers: [{ ...survivor, mergedFrom: [cid(from)], updatedAt: T0 + 1 }], expectedCustomers: [{ customerId: survivor.customerId, updatedAt: T0 }] }));
          const merges = await Promise.allSettled([absorb(store, `x-${round}`), absorb(second, `y-${round}`)]);
          assert.equal(merges.filter((result) => result.status === 'fulfilled').length, 1, `round ${round}: one merge is planned on the record as it is`);
        }
      } finally {
        await second.close();
      }
    });

    it('applies a change of any size whole: a change racing it on the same customer is refused, never written in between', async () => {
      const second = await harness.reopen();
      try {
        const survivor = customer('big', [id('user_id', 'big')]);
        await store.apply(changes({ customers: [survivor] }));
        // A batch page carrying one large unit: more writes than a store might be tempted to split.
        const many = Array.from({ length: 21_000 }, (_, index) => ({ identifier: id('anonymous_id', `big-${index}`), customerId: survivor.customerId }));
        const large = store.apply(
          changes({ assign: many, customers: [{ ...survivor, updatedAt: T0 + 1 }], expectedCustomers: [{ customerId: survivor.customerId, updatedAt: T0 }] }),
        );
        const racing = second.apply(
          changes({ customers: [{ ...survivor, mergedFrom: [cid('racer')], updatedAt: T0 + 2 }], expectedCustomers: [{ customerId: survivor.customerId, updatedAt: T0 }] }),
        );
        const [largeResult, racingResult] = await Promise.allSettled([large, racing]);
        for (const result of [largeResult, racingResult]) if (result.status === 'rejected') assert.ok(result.reason instanceof IdentityConflictError, String(result.reason));
        assert.equal([largeResult, racingResult].filter((result) => result.status === 'fulfilled').length, 1, 'one of the two was planned on the record as it is');
        const stored = (await store.customers([survivor.customerId])).get(survivor.customerId);
        const sample = [many[0], many[10_000], many[20_999]].map((assignment) => assignment.identifier);
        if (largeResult.status === 'fulfilled') {
          assert.equal(stored?.updatedAt, T0 + 1, 'the large change wrote its customer');
          assert.equal((await store.lookup(sample)).size, 3, 'and all of its assignments');
        } else {
          assert.equal(stored?.updatedAt, T0 + 2, 'the racing change wrote its customer');
          assert.equal((await store.lookup(sample)).size, 0, 'and none of the large change was written');
        }
      } finally {
        await second.close();
      }
    });

    it('keeps the merge history: both sides, oldest first, by id, each merge once', async () => {
      const first = merge('b', 'a', T0 + MINUTE);
      const second = merge('c', 'a', T0 + 2 * MINUTE, { via: 'batch', cause: null });
      const third = merge('a', 'z', T0 + 3 * MINUTE, { via: 'manual' });
      // Written in another order than their times.
      await store.apply(changes({ merges: [third, first] }));
      await store.apply(changes({ merges: [second] }));
      assert.deepEqual(await store.mergesOf(cid('a')), [first, second, third]);
      assert.deepEqual(await store.mergesOf(cid('b')), [first]);
      assert.deepEqual(await store.mergesOf(cid('z')), [third]);
      assert.deepEqual(await store.mergesOf(cid('nobody')), []);
      assert.deepEqual(await store.merge(second.mergeId), second);
      assert.equal(await store.merge(`m_${prefix}_missing`), undefined);

      // An un-merge rewrites the record; a later run may even re-record it at another time.
      const undone = { ...first, undoneAt: T0 + 10 * MINUTE };
      await store.apply(changes({ merges: [undone] }));
      await store.apply(changes({ merges: [{ ...undone, at: T0 + 4 * MINUTE }] }));
      const history = await store.mergesOf(cid('b'));
      assert.equal(history.length, 1, 'one entry per merge');
      assert.equal(history[0]?.undoneAt, T0 + 10 * MINUTE);
      assert.deepEqual(
        (await store.mergesOf(cid('a'))).map((record) => [record.mergeId, record.at]),
        [
          [second.mergeId, second.at],
          [third.mergeId, third.at],
          [first.mergeId, T0 + 4 * MINUTE],
        ],
        'a re-recorded merge takes its place by its new time',
      );
    });

    it('keeps separations', async () => {
      const separations: Separation[] = [
        { separationId: `s_${prefix}_1`, mergeId: 'm1', at: T0, sides: [[id('anonymous_id', 'a1'), id('device_id', 'd1')], [id('user_id', 'u1')]] },
        { separationId: `s_${prefix}_2`, mergeId: 'm2', at: T0 + 1, sides: [[id('email', 'x@example.com')], []] },
      ];
      await store.apply(changes({ separations }));
      await store.apply(changes({ separations: [separations[0]!] }));
      const found = (await store.separations()).filter((s) => mine(s.separationId)).sort((a, b) => a.separationId.localeCompare(b.separationId));
      assert.deepEqual(found, separations);
    });

    it('scans every assignment and customer in pages', async () => {
      const assignments: Assignment[] = Array.from({ length: 23 }, (_, index) => ({ identifier: id(index % 2 === 0 ? 'anonymous_id' : 'device_id', `x${index}`), customerId: cid(`k${index % 5}`) }));
      const customers = Array.from({ length: 7 }, (_, index) => customer(`k${index}`, [id('anonymous_id', `x${index}`)]));
      await store.apply(changes({ assign: assignments, customers }));
      const byKey = (a: Assignment, b: Assignment) => identifierKey(a.identifier).localeCompare(identifierKey(b.identifier));
      const scanned = (await collect(store.scanAssignments(4), 4)).filter((a) => mine(a.identifier.value)).sort(byKey);
      assert.deepEqual(scanned, [...assignments].sort(byKey));
      const scannedCustomers = (await collect(store.scanCustomers(3), 3)).filter((c) => mine(c.customerId)).sort((a, b) => a.customerId.localeCompare(b.customerId));
      assert.deepEqual(scannedCustomers, customers);
    });

    it('scans every merge in pages, undone ones and every way of merging included', async () => {
      const merges: MergeRecord[] = [
        merge('s1', 'k1', T0),
        merge('s2', 'k1', T0 + 1, { via: 'batch', cause: null }),
        merge('s3', 'k2', T0 + 2, { via: 'manual', undoneAt: T0 + 3 }),
        merge('s4', 'k2', T0 + 4),
        merge('s5', 'k3', T0 + 5),
      ];
      await store.apply(changes({ merges }));
      const scanned = (await collect(store.scanMerges(2), 2)).filter((m) => mine(m.mergeId)).sort((a, b) => a.mergeId.localeCompare(b.mergeId));
      assert.deepEqual(scanned, [...merges].sort((a, b) => a.mergeId.localeCompare(b.mergeId)));
    });

    it('is seen by a second store instance on the same location', async () => {
      const a1 = id('anonymous_id', 'a1');
      await store.apply(changes({ assign: [{ identifier: a1, customerId: cid('a') }], customers: [customer('a', [a1])], merges: [merge('b', 'a', T0)] }));
      const second = await harness.reopen();
      try {
        assert.equal((await second.lookup([a1])).get(identifierKey(a1)), cid('a'));
        assert.deepEqual((await second.customers([cid('a')])).get(cid('a')), customer('a', [a1]));
        assert.equal((await second.mergesOf(cid('a'))).length, 1);
        await second.apply(changes({ assign: [{ identifier: a1, customerId: cid('b') }], expected: [{ identifier: a1, customerId: cid('a') }] }));
      } finally {
        await second.close();
      }
      assert.equal((await store.lookup([a1])).get(identifierKey(a1)), cid('b'));
    });

    it('finishes in-flight work on close and refuses work afterwards', async () => {
      const assign = Array.from({ length: 50 }, (_, index) => ({ identifier: id('anonymous_id', `c${index}`), customerId: cid('a') }));
      const writing = store.apply(changes({ assign }));
      await store.close();
      await writing;
      await assert.rejects(store.lookup([assign[0]!.identifier]), /closed/);
      const second = await harness.reopen();
      try {
        assert.equal((await second.lookup(assign.map((a) => a.identifier))).size, 50);
      } finally {
        await second.close();
      }
    });
  });
}

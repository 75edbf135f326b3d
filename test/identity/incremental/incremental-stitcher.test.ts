import { strict as assert } from 'node:assert';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { customerIdFor } from '../../../src/identity/customer-id';
import { EmbeddedIdentityStore } from '../../../src/identity/embedded/embedded-identity-store';
import { LinkOutcome } from '../../../src/identity/graph/constrained-union-find';
import { identifierKey, type Identifier } from '../../../src/identity/identifier';
import { IdentityConflictError, IdentityStoreBusyError } from '../../../src/identity/identity-store.port';
import type { IdentityRecord } from '../../../src/identity/incremental/identity-record';
import { IncrementalStitcher } from '../../../src/identity/incremental/incremental-stitcher';
import { CompiledRules, DEFAULT_RULES } from '../../../src/identity/rules/identity-rules';
import { DomainError } from '../../../src/shared/domain-error';

const T0 = Date.UTC(2025, 4, 1);
const MINUTE = 60_000;
const NOW = Date.UTC(2025, 4, 2);
const rules = new CompiledRules(DEFAULT_RULES);
const salt = DEFAULT_RULES.idSalt;

const user = (value: string): Identifier => ({ type: 'user_id', value });
const anon = (value: string): Identifier => ({ type: 'anonymous_id', value });
const device = (value: string): Identifier => ({ type: 'device_id', value });
const email = (value: string): Identifier => ({ type: 'email', value });

let sequence = 0;
function record(minute: number, ...identifiers: Identifier[]): IdentityRecord {
  return { source: 'clickstream', recordId: `msg-${++sequence}`, time: T0 + minute * MINUTE, identifiers };
}

describe('incremental stitching: one record at a time', () => {
  let dir: string;
  let store: EmbeddedIdentityStore;
  let stitcher: IncrementalStitcher;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'c360-stitcher-'));
    store = await EmbeddedIdentityStore.open(dir);
    stitcher = new IncrementalStitcher(store, rules, { now: () => NOW });
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  const customerOf = async (identifier: Identifier) => (await store.lookup([identifier])).get(identifierKey(identifier));
  const stitchOne = async (input: IdentityRecord) => (await stitcher.stitch([input]))[0]!;

  it('gives a new identifier a customer whose id derives from its seed, so every run names it alike', async () => {
    await stitchOne(record(0, anon('a1')));
    assert.equal(await customerOf(anon('a1')), customerIdFor(anon('a1'), salt));
    const customer = (await store.customers([customerIdFor(anon('a1'), salt)])).get(customerIdFor(anon('a1'), salt));
    assert.deepEqual({ ...customer, updatedAt: 0 }, { customerId: customerIdFor(anon('a1'), salt), identities: [anon('a1')], seed: anon('a1'), firstSeen: T0, mergedInto: null, mergedFrom: [], updatedAt: 0 });
    // The record's strongest identifier seeds a customer made of several.
    await stitchOne(record(1, device('d9'), user('u9'), anon('a9')));
    assert.equal(await customerOf(device('d9')), customerIdFor(user('u9'), salt));
  });

  it('merges the anonymous customer into the account on identify: the older keeps its id, the merge keeps its cause', async () => {
    await stitchOne(record(0, user('u1')));
    await stitchOne(record(5, anon('a1'), device('d1')));
    const identify = record(10, anon('a1'), user('u1'));
    const outcome = await stitchOne(identify);
    const account = customerIdFor(user('u1'), salt);
    // A device outranks an anonymous id: it seeds the anonymous customer.
    const anonymous = customerIdFor(device('d1'), salt);
    assert.equal(outcome.merges.length, 1);
    assert.deepEqual(outcome.merges[0], {
      mergeId: outcome.merges[0]!.mergeId,
      into: account,
      from: anonymous,
      at: NOW,
      via: 'stream',
      cause: { source: 'clickstream', recordId: identify.recordId, time: T0 + 10 * MINUTE, link: [user('u1'), anon('a1')] },
      identifiers: [device('d1'), anon('a1')],
      intoIdentifiers: [user('u1')],
      undoneAt: null,
    });
    for (const identifier of [user('u1'), anon('a1'), device('d1')]) assert.equal(await customerOf(identifier), account);
    const stored = await store.customers([account, anonymous]);
    assert.deepEqual(stored.get(account)?.identities, [user('u1'), device('d1'), anon('a1')], 'strongest type first');
    assert.deepEqual(stored.get(account)?.mergedFrom, [anonymous]);
    assert.equal(stored.get(anonymous)?.mergedInto, account);
    assert.deepEqual(stored.get(anonymous)?.identities, []);
    assert.deepEqual(await store.mergesOf(account), outcome.merges);
    assert.deepEqual(await store.mergesOf(anonymous), outcome.merges);
  });

  it('keeps the older customer even when it is the anonymous one', async () => {
    await stitchOne(record(0, anon('a2')));
    await stitchOne(record(30, user('u2')));
    const outcome = await stitchOne(record(31, user('u2'), anon('a2')));
    assert.equal(outcome.merges[0]?.into, customerIdFor(anon('a2'), salt));
    assert.equal(outcome.merges[0]?.from, customerIdFor(user('u2'), salt));
    assert.equal(await customerOf(user('u2')), customerIdFor(anon('a2'), salt));
  });

  it('never merges two accounts: a shared tablet joins the first account only', async () => {
    await stitchOne(record(0, user('mum'), device('tablet')));
    const outcome = await stitchOne(record(5, user('kid'), device('tablet')));
    assert.deepEqual(outcome.merges, []);
    assert.deepEqual(outcome.refused, [{ link: [user('kid'), device('tablet')], outcome: LinkOutcome.CAPPED }]);
    assert.equal(await customerOf(device('tablet')), customerIdFor(user('mum'), salt));
    assert.equal(await customerOf(user('kid')), customerIdFor(user('kid'), salt));
  });

  it('lets no email or phone into an account through a record that names no account', async () => {
    await stitchOne(record(0, user('u3'), device('d3')));
    const outcome = await stitchOne(record(1, device('d3'), email('other@example.com')));
    assert.deepEqual(outcome.refused.map((refusal) => refusal.outcome), [LinkOutcome.INDIRECT]);
    assert.notEqual(await customerOf(email('other@example.com')), customerIdFor(user('u3'), salt));
  });

  it('links nothing through junk values, and normalizes before comparing', async () => {
    const outcome = await stitchOne(record(0, user('null'), anon('00000000-0000-0000-0000-000000000000'), email('test@test.com'), device('  d4 ')));
    assert.deepEqual([...outcome.customerOf.keys()], [identifierKey(device('d4'))]);
    assert.equal((await store.lookup([user('null'), anon('00000000-0000-0000-0000-000000000000'), email('test@test.com')])).size, 0);
    await stitchOne(record(1, user('u4'), email(' Jane@Example.COM')));
    assert.equal(await customerOf(email('jane@example.com')), customerIdFor(user('u4'), salt));
  });

  it('links no two strangers through any default junk value, however it is written', async () => {
    // What the issue names as junk at least (not read from the blocklist under test), as clients send it.
    const spec = ['null', 'undefined', 'none', 'nan', '0', '-1', '', '00000000-0000-0000-0000-000000000000', '0000', '---', 'test@test.com', 'anonymous', 'unknown'];
    const junk = [...spec, ...spec.map((value) => ` ${value.toUpperCase()}`), 'NaN', 'NİL'];
    for (const [index, value] of junk.entries()) {
      for (const type of ['user_id', 'email', 'phone', 'device_id', 'anonymous_id']) {
        const shared: Identifier = { type, value };
        const [a, b] = [anon(`a-${type}-${index}`), anon(`b-${type}-${index}`)];
        await stitchOne(record(index, shared, a));
        await stitchOne(record(index, shared, b));
        assert.notEqual(await customerOf(a), await customerOf(b), `strangers linked through ${type} ${JSON.stringify(value)}`);
      }
    }
  });

  it('holds each type to its cap, keeping the first identifiers it saw', async () => {
    const capped = new IncrementalStitcher(store, new CompiledRules({ ...DEFAULT_RULES, maxPerType: { ...DEFAULT_RULES.maxPerType, device_id: 2 } }), { now: () => NOW });
    for (const [minute, name] of [[0, 'd-a'], [1, 'd-b'], [2, 'd-c']] as const) await capped.stitch([record(minute, user('u5'), device(name))]);
    assert.equal(await customerOf(device('d-b')), customerIdFor(user('u5'), salt));
    assert.equal(await customerOf(device('d-c')), customerIdFor(device('d-c'), salt));
  });

  it('changes nothing when the same records come again (a redelivered stream batch)', async () => {
    const batch = [record(0, anon('a6')), record(1, user('u6')), record(2, user('u6'), anon('a6'), device('d6'))];
    await stitcher.stitch(batch);
    const again = await stitcher.plan(batch);
    assert.deepEqual(again.changes.assign, []);
    assert.deepEqual(again.changes.customers, []);
    assert.deepEqual(again.changes.merges, []);
    assert.ok(again.outcomes.every((outcome) => outcome.merges.length === 0));
  });

  it('re-plans when another writer changed what a plan was made on', async () => {
    await stitchOne(record(0, user('u7')));
    const planned = await stitcher.plan([record(1, user('u7'), anon('a7'))]);
    // Meanwhile another consumer gives a7 a customer of its own.
    await new IncrementalStitcher(store, rules).stitch([record(1, anon('a7'), device('d7'))]);
    await assert.rejects(stitcher.apply(planned.changes), IdentityConflictError);
    const [outcome] = await stitcher.stitch([record(1, user('u7'), anon('a7'))]);
    assert.equal(outcome?.merges.length, 1, 'planned again: now a merge of two customers');
    assert.equal(await customerOf(device('d7')), customerIdFor(user('u7'), salt));
  });

  describe('un-merge', () => {
    it('gives the merged customer its identifiers back and keeps the two apart from then on', async () => {
      await stitchOne(record(0, user('u8'), email('u8@example.com')));
      await stitchOne(record(1, anon('a8'), device('shared-phone')));
      const { merges } = await stitchOne(record(2, user('u8'), anon('a8')));
      const account = customerIdFor(user('u8'), salt);
      const anonymous = customerIdFor(device('shared-phone'), salt);
      const mergeId = merges[0]!.mergeId;
      const undone = await stitcher.unmerge(mergeId);
      assert.deepEqual(undone, { mergeId, restoredCustomerId: anonymous, survivorId: account, restored: 2, separationId: undone.separationId, survivorRetiredInto: null, repointedCustomers: [] });
      assert.equal(await customerOf(anon('a8')), anonymous);
      assert.equal(await customerOf(device('shared-phone')), anonymous);
      assert.equal(await customerOf(user('u8')), account);
      const stored = await store.customers([account, anonymous]);
      assert.deepEqual(stored.get(anonymous)?.identities, [device('shared-phone'), anon('a8')]);
      assert.equal(stored.get(anonymous)?.mergedInto, null);
      assert.deepEqual(stored.get(account)?.identities, [user('u8'), email('u8@example.com')]);
      assert.deepEqual(stored.get(account)?.mergedFrom, []);
      assert.equal((await store.merge(mergeId))?.undoneAt, NOW);
      assert.deepEqual(await store.separations(), [{ separationId: undone.separationId, mergeId, at: NOW, sides: [[device('shared-phone'), anon('a8')], [user('u8'), email('u8@example.com')]] }]);

      // The same identify again, or one through another identifier of either side, merges nothing.
      const replay = await stitchOne(record(3, user('u8'), anon('a8')));
      assert.deepEqual(replay.merges, []);
      assert.deepEqual(replay.refused.map((refusal) => refusal.outcome), [LinkOutcome.SEPARATED]);
      const sideways = await stitchOne(record(4, device('shared-phone'), anon('new-tab')));
      assert.equal(sideways.customerOf.get(identifierKey(anon('new-tab'))), anonymous, 'new identifiers still join the restored customer');
      const across = await stitchOne(record(5, user('u8'), anon('new-tab')));
      assert.deepEqual(across.refused.map((refusal) => refusal.outcome), [LinkOutcome.SEPARATED]);

      await assert.rejects(stitcher.unmerge(mergeId), (error: unknown) => error instanceof DomainError && error.code === 'CONFLICT');
      await assert.rejects(stitcher.unmerge('m_nope'), (error: unknown) => error instanceof DomainError && error.code === 'NOT_FOUND');
    });

    it('tells the person asking to try again when other writers keep changing the two customers, or keep the store busy', async () => {
      await stitchOne(record(0, user('u6'), email('u6@example.com')));
      await stitchOne(record(1, anon('a6'), device('d6')));
      const { merges } = await stitchOne(record(2, user('u6'), anon('a6')));
      // Every apply loses its race (another consumer always writes first), then the store's lease stays taken.
      for (const [failure, code] of [
        [new IdentityConflictError({ customerId: 'c_other' }), 'CONFLICT'],
        [new IdentityStoreBusyError('the write lease is held by another process'), 'UNAVAILABLE'],
      ] as const) {
        let attempts = 0;
        const contended = Object.create(store, { apply: { value: async () => (attempts++, Promise.reject(failure)) } }) as EmbeddedIdentityStore;
        const error = await new IncrementalStitcher(contended, rules, { now: () => NOW, attempts: 3 }).unmerge(merges[0]!.mergeId).catch((caught: unknown) => caught);
        assert.ok(error instanceof DomainError, String(error));
        assert.equal(error.code, code);
        assert.match(error.message, /nothing was changed, try again/);
        assert.equal(attempts, code === 'CONFLICT' ? 3 : 1, 'a conflict is planned again; a busy store is not');
      }
      assert.equal((await store.merge(merges[0]!.mergeId))?.undoneAt, null, 'the merge stands');
    });

    it('keeps apart only what the survivor held before the merge: what joined it since, through the merged side, is not held apart', async () => {
      await stitchOne(record(0, user('u7'), email('u7@example.com')));
      await stitchOne(record(1, anon('a7'), device('d7')));
      const { merges } = await stitchOne(record(2, user('u7'), anon('a7')));
      const [account, anonymous] = [customerIdFor(user('u7'), salt), customerIdFor(device('d7'), salt)];
      assert.deepEqual(merges.map((merge) => [merge.from, merge.into, merge.intoIdentifiers]), [[anonymous, account, [user('u7'), email('u7@example.com')]]]);
      // After the wrong merge, a new tab on the merged side's device joins the account's customer.
      await stitchOne(record(3, device('d7'), anon('tab')));
      assert.equal(await customerOf(anon('tab')), account);

      const undone = await stitcher.unmerge(merges[0]!.mergeId);
      const [separation] = await store.separations();
      assert.deepEqual(separation?.sides, [[device('d7'), anon('a7')], [user('u7'), email('u7@example.com')]], 'the tab is on neither side');
      assert.equal(await customerOf(anon('tab')), undone.survivorId, 'it stays where it is until a stitch places it');
    });

    it('keeps the two apart when a customer new in the same batch absorbs one side (a late event)', async () => {
      await stitchOne(record(10, user('u8'), email('u8@example.com')));
      await stitchOne(record(11, anon('a8'), device('d8')));
      const { merges } = await stitchOne(record(12, user('u8'), anon('a8')));
      await stitcher.unmerge(merges[0]!.mergeId);
      // One stream batch: a late event (minute 1) makes a customer older than the restored one, which
      // it absorbs through d8; then an identify links it with the account.
      const outcomes = await stitcher.stitch([record(1, anon('late')), record(13, anon('late'), device('d8')), record(14, user('u8'), anon('late'))]);
      assert.deepEqual(outcomes[1]?.merges.map((merge) => merge.into), [customerIdFor(anon('late'), salt)], 'the late customer absorbs the restored side');
      assert.deepEqual(outcomes[2]?.merges, []);
      assert.deepEqual(outcomes[2]?.refused.map((refusal) => refusal.outcome), [LinkOutcome.SEPARATED]);
      assert.notEqual(await customerOf(user('u8')), await customerOf(anon('a8')));
    });

    it('un-merges along a chain: the survivor was merged again since', async () => {
      await stitchOne(record(0, anon('oldest')));
      await stitchOne(record(1, anon('a9')));
      await stitchOne(record(2, user('u9')));
      const first = (await stitchOne(record(3, user('u9'), anon('a9')))).merges[0]!;
      const second = (await stitchOne(record(4, user('u9'), anon('oldest')))).merges[0]!;
      assert.equal(first.into, customerIdFor(anon('a9'), salt), 'a9 is older than u9');
      assert.equal(second.into, customerIdFor(anon('oldest'), salt));
      assert.equal(second.from, customerIdFor(anon('a9'), salt));
      // Undo the first: u9's customer takes back u9, from the final survivor.
      const undone = await stitcher.unmerge(first.mergeId);
      assert.equal(undone.survivorId, customerIdFor(anon('oldest'), salt));
      assert.equal(await customerOf(user('u9')), customerIdFor(user('u9'), salt));
      assert.equal(await customerOf(anon('a9')), customerIdFor(anon('oldest'), salt));
      const stored = await store.customers([customerIdFor(anon('oldest'), salt), customerIdFor(anon('a9'), salt)]);
      assert.deepEqual(stored.get(customerIdFor(anon('oldest'), salt))?.mergedFrom, [customerIdFor(anon('a9'), salt)]);
      assert.deepEqual(stored.get(customerIdFor(anon('a9'), salt))?.mergedFrom, []);
    });
  });
});

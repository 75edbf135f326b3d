import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import type { Client } from 'cassandra-driver';
import { CassandraIdentityStore } from '../../../src/identity/cassandra/cassandra-identity-store';
import { WriteJournal } from '../../../src/identity/cassandra/write-journal';
import { IdentityLeaseLostError, WriteLease, type HeldLease } from '../../../src/identity/cassandra/write-lease';
import { identifierKey } from '../../../src/identity/identifier';
import { emptyChanges, IdentityChangeInterruptedError, type IdentityChanges, type IdentityStore } from '../../../src/identity/identity-store.port';
import { IncrementalStitcher } from '../../../src/identity/incremental/incremental-stitcher';
import { planUnmerge } from '../../../src/identity/incremental/unmerge-plan';
import { CompiledRules, DEFAULT_RULES } from '../../../src/identity/rules/identity-rules';
import { createCassandraClient } from '../../../src/store/cassandra/cassandra-client';
import { requireService } from '../../support/services';
import { dropKeyspaces, testCassandraConfig } from '../../store/support/cassandra-test-keyspace';
import { RecordLake, streamIdentifiersOf, type FixtureEvent } from '../support/record-lake';
import { lineageProblems, storeProblems } from '../support/store-problems';

const key = (type: string, value: string) => identifierKey({ type, value });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const rules = new CompiledRules(DEFAULT_RULES);

/** What Cassandra holds when apply() stops after its first phases (a timeout, a lost node, a killed process): the journal entry and those phases. */
async function cutOff(journal: WriteJournal, store: IdentityStore, changes: IdentityChanges, written: Partial<IdentityChanges>): Promise<void> {
  await journal.open(changes, { timestamp: Date.now() * 1000 });
  await store.apply({ ...emptyChanges(), ...written });
}

async function problemsOf(store: IdentityStore): Promise<string[]> {
  return [...(await storeProblems(store)), ...(await lineageProblems(store))];
}

/** Visitors S (a1, d1) and X (a2, d2), then a record of a1 on d2: the batch merges X into S. */
async function wronglyMerged(store: IdentityStore, lake: RecordLake): Promise<{ s: string; x: string; mergeId: string }> {
  lake.events({ at: '2026-03-01T09:00:00Z', anonymousId: 'a1', deviceId: 'd1' }, { at: '2026-03-01T10:00:00Z', anonymousId: 'a2', deviceId: 'd2' });
  const first = await lake.stitch({ store, now: () => 1_000 });
  const [s, x] = [first.map.customerOf.get(key('device_id', 'd1')) ?? '', first.map.customerOf.get(key('device_id', 'd2')) ?? ''];
  lake.events({ at: '2026-03-01T11:00:00Z', anonymousId: 'a1', deviceId: 'd2' });
  await lake.stitch({ store, now: () => 2_000 });
  const merge = (await store.mergesOf(x)).find((record) => record.from === x);
  assert.ok(merge);
  return { s, x, mergeId: merge.mergeId };
}

describe('cassandra identity store: a planned change cut off between its phases', async () => {
  describe('against the real server', await requireService('cassandra'), () => {
    const config = testCassandraConfig('journal');
    let client: Client;
    const keyspaces = [config.keyspace];
    before(async () => {
      await (await CassandraIdentityStore.connect(config)).close(); // creates the tables
      client = createCassandraClient(config);
      await client.connect();
    });
    after(async () => {
      await client.shutdown();
      await dropKeyspaces(config, keyspaces);
    });

    it('is finished by the next planned change, before it: an un-merge stopped after its assignments', async () => {
      const own = testCassandraConfig('journalunmerge');
      keyspaces.push(own.keyspace);
      const store = await CassandraIdentityStore.connect(own);
      const ownClient = createCassandraClient(own);
      const lake = new RecordLake();
      try {
        const { s, x, mergeId } = await wronglyMerged(store, lake);
        const { changes } = await planUnmerge(store, rules, mergeId, 2_500);
        await cutOff(new WriteJournal(ownClient, own.keyspace), store, changes, { separations: changes.separations, assign: changes.assign });
        assert.notDeepEqual(await problemsOf(store), [], 'half written: X holds its identifiers, but its record says merged');

        // Any planned change: a new visitor on the stream.
        await new IncrementalStitcher(store, rules, { now: () => 2_600 }).stitch([{ source: 'clickstream', recordId: 'm-new', time: 3_000, identifiers: [{ type: 'anonymous_id', value: 'a9' }, { type: 'device_id', value: 'd9' }] }]);
        assert.deepEqual(await problemsOf(store), []);
        assert.notEqual((await store.merge(mergeId))?.undoneAt ?? null, null, 'the merge is undone');
        assert.equal((await store.customers([x])).get(x)?.mergedInto, null);
        assert.equal((await store.lookup([{ type: 'device_id', value: 'd1' }])).get(key('device_id', 'd1')), s);
        assert.equal(await new WriteJournal(ownClient, own.keyspace).unfinished(), undefined, 'the entry is closed');
      } finally {
        await Promise.all([store.close(), lake.close(), ownClient.shutdown()]);
      }
    });

    it('is finished by the next process that connects, with no write at all: a stream merge stopped after its assignments', async () => {
      const own = testCassandraConfig('journalstream');
      keyspaces.push(own.keyspace);
      const store = await CassandraIdentityStore.connect(own);
      const ownClient = createCassandraClient(own);
      const lake = new RecordLake().events({ at: '2026-03-01T09:00:00Z', anonymousId: 'a1', deviceId: 'd1' }, { at: '2026-03-01T10:00:00Z', anonymousId: 'a2', deviceId: 'd2' });
      let reopened: IdentityStore | undefined;
      try {
        await lake.stitch({ store, now: () => 1_000 });
        const event: FixtureEvent = { at: '2026-03-01T11:00:00Z', anonymousId: 'a1', deviceId: 'd2', messageId: 'm-link' };
        const { changes } = await new IncrementalStitcher(store, rules, { now: () => 1_500 }).plan([{ source: 'clickstream', recordId: 'm-link', time: Date.parse(event.at), identifiers: streamIdentifiersOf(event) }]);
        assert.equal(changes.merges.length, 1);
        await cutOff(new WriteJournal(ownClient, own.keyspace), store, changes, { assign: changes.assign });
        // Redelivered, the event finds every identifier on one customer and writes nothing: only the journal can repair this.
        assert.notDeepEqual(await problemsOf(store), []);

        reopened = await CassandraIdentityStore.connect(own);
        assert.deepEqual(await problemsOf(reopened), []);
        assert.equal((await reopened.mergesOf(changes.merges[0]!.from)).length, 1, 'the merge is on record');
      } finally {
        await Promise.all([store.close(), reopened?.close(), lake.close(), ownClient.shutdown()]);
      }
    });

    it('keeps an entry of any size whole, and tells a closed entry and stale chunks of a longer one from an unfinished one', async () => {
      const journal = new WriteJournal(client, config.keyspace);
      const wide = Array.from({ length: 30_000 }, (_, index) => ({ identifier: { type: 'anonymous_id', value: `anon-${index}-${'x'.repeat(20)}` }, customerId: `c_${index}` }));
      const large: IdentityChanges = { ...emptyChanges(), assign: wide };
      const at = Date.now() * 1000;
      await journal.open(large, { timestamp: at });
      assert.deepEqual((await journal.unfinished())?.assign, wide, 'over a megabyte, in chunks');
      const small: IdentityChanges = { ...emptyChanges(), removeCustomers: ['c_gone'] };
      await journal.open(small, { timestamp: at + 1 });
      assert.deepEqual(await journal.unfinished(), { ...small, expected: [], expectedCustomers: [] }, "the large entry's chunks are stale");
      await journal.close({ timestamp: at + 2 });
      assert.equal(await journal.unfinished(), undefined);
    });

    it('stops a holder whose renewals fail before the lease can lapse, so no two writers ever write at once', async () => {
      const holderClient = createCassandraClient(config);
      await holderClient.connect();
      try {
        // The holder's renewals time out (an overloaded node): each lightweight UPDATE fails.
        const failingRenewals = new Proxy(holderClient, {
          get: (target, property, receiver) =>
            property === 'execute'
              ? async (...args: Parameters<Client['execute']>) => {
                  if (String(args[0]).startsWith('UPDATE')) throw new Error('Server timeout during write query at consistency SERIAL');
                  return target.execute(...args);
                }
              : Reflect.get(target, property, receiver),
        });
        // A 3 s lease renewed every 0.5 s: the holder is surely its owner for 2 s (a second less, for the TTL's granularity) less a third.
        const timing = { leaseSeconds: 3, renewMs: 500 };
        const [holder, other] = [new WriteLease(failingRenewals, config.keyspace, timing), new WriteLease(client, config.keyspace, timing)];
        let inside = 0;
        let overlaps = 0;
        let written = 0;
        const phases = async (lease: HeldLease, count: number) => {
          inside++;
          try {
            for (let phase = 0; phase < count; phase++) {
              lease.assertHeld();
              if (inside > 1) overlaps++;
              written++;
              await sleep(250);
            }
          } finally {
            inside--;
          }
        };
        // A long change, phase by phase (a batch page on a slow node): 5 s, longer than the lease.
        const holding = holder.hold((lease) => phases(lease, 20));
        await sleep(200);
        const otherDone = other.hold((lease) => phases(lease, 1));
        await assert.rejects(holding, IdentityLeaseLostError);
        await otherDone;
        assert.equal(overlaps, 0, 'phases written while another writer held the lease too');
        assert.ok(written >= 3 && written < 20, `the holder wrote while its lease was surely its own, then stopped (${written} phases)`);
      } finally {
        await holderClient.shutdown();
      }
    });

    it("never lets a holder whose lease lapsed during a request overwrite the next holder's writes", { timeout: 60_000 }, async () => {
      // One request at a time, one row each: a phase of ten assignments is ten requests in a row.
      const a = await CassandraIdentityStore.connect(config, { concurrency: 1, partitionsPerBatch: 1 });
      const b = await CassandraIdentityStore.connect(config);
      try {
        // A's network is congested: its lease renewals time out, and its writes reach Cassandra 4 s after
        // they are sent, after its lease lapsed and B wrote. The store's client and lease are swapped in
        // place: a fault on the wire, not a stand-in for Cassandra.
        const timing = { leaseSeconds: 3, renewMs: 500 };
        const real = (a as unknown as { client: Client }).client;
        const slow = new Proxy(real, {
          get: (target, property, receiver) =>
            property === 'execute'
              ? async (...args: Parameters<Client['execute']>) => {
                  const query = String(args[0]);
                  if (query.startsWith('UPDATE') && query.includes('identity_write_lease')) throw new Error('Server timeout during write query at consistency SERIAL');
                  if (query.includes('identity_assignments') && query.startsWith('INSERT')) await sleep(4_000);
                  return target.execute(...args);
                }
              : Reflect.get(target, property, receiver),
        });
        Object.assign(a, { client: slow, lease: new WriteLease(slow, config.keyspace, timing) });
        Object.assign(b, { lease: new WriteLease(client, config.keyspace, timing) });

        const ids = Array.from({ length: 10 }, (_, index) => ({ type: 'anonymous_id', value: `lapse-${index}` }));
        const changeA: IdentityChanges = { ...emptyChanges(), assign: ids.map((identifier) => ({ identifier, customerId: 'cA' })), expected: ids.map((identifier) => ({ identifier, customerId: null })) };
        // B plans on A's change (it finishes A's journal entry first) and moves every identifier to cB.
        const changeB: IdentityChanges = { ...emptyChanges(), assign: ids.map((identifier) => ({ identifier, customerId: 'cB' })), expected: ids.map((identifier) => ({ identifier, customerId: 'cA' })) };
        const writingA = a.apply(changeA).then(() => 'applied', (error: unknown) => error);
        await sleep(200);
        await b.apply(changeB);
        assert.ok((await writingA) instanceof IdentityChangeInterruptedError, 'A stopped, its change left to the journal');
        const found = await b.lookup(ids);
        assert.deepEqual(
          ids.filter((identifier) => found.get(identifierKey(identifier)) !== 'cB').map((identifier) => `${identifier.value}=${found.get(identifierKey(identifier))}`),
          [],
          'B wrote last, holding the lease: every identifier is cB',
        );
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });

    it('keeps a holder going through a renewal that times out now and then: the lease is surely its own for longer than a renewal period', { timeout: 30_000 }, async () => {
      let renewals = 0;
      const oneTimeout = new Proxy(client, {
        get: (target, property, receiver) =>
          property === 'execute'
            ? async (...args: Parameters<Client['execute']>) => {
                if (String(args[0]).startsWith('UPDATE') && ++renewals === 2) throw new Error('Server timeout during write query at consistency SERIAL');
                return target.execute(...args);
              }
            : Reflect.get(target, property, receiver),
      });
      // Production's proportions (a 30 s lease renewed every 5 s), scaled to 6 s renewed every second.
      const lease = new WriteLease(oneTimeout, config.keyspace, { leaseSeconds: 6, renewMs: 1_000 });
      const refused: number[] = [];
      await lease.hold(async (held) => {
        const started = Date.now();
        while (Date.now() - started < 4_500) {
          try {
            held.assertHeld();
          } catch (error) {
            if (!(error instanceof IdentityLeaseLostError)) throw error;
            refused.push(Date.now() - started);
          }
          await sleep(5);
        }
      });
      assert.ok(renewals >= 3, `renewals sent: ${renewals}`);
      assert.deepEqual(refused, [], 'one failed renewal stops nobody');
    });
  });
});

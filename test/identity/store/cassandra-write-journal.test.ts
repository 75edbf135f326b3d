import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import type { Client } from 'cassandra-driver';
import { CassandraIdentityStore } from '../../../src/identity/cassandra/cassandra-identity-store';
import { WriteJournal } from '../../../src/identity/cassandra/write-journal';
import { IdentityLeaseLostError, WriteLease, type HeldLease } from '../../../src/identity/cassandra/write-lease';
import { identifierKey } from '../../../src/identity/identifier';
import { emptyChanges, type IdentityChanges, type IdentityStore } from '../../../src/identity/identity-store.port';
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
  await journal.open(changes);
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
      await journal.open(large);
      assert.deepEqual((await journal.unfinished())?.assign, wide, 'over a megabyte, in chunks');
      const small: IdentityChanges = { ...emptyChanges(), removeCustomers: ['c_gone'] };
      await journal.open(small);
      assert.deepEqual(await journal.unfinished(), { ...small, expected: [], expectedCustomers: [] }, "the large entry's chunks are stale");
      await journal.close();
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
        // Production's 30 s lease renewed every 10 s, scaled down: 2 s renewed every 0.5 s.
        const timing = { leaseSeconds: 2, renewMs: 500 };
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
        // A long change, phase by phase (a batch page on a slow node): 3.5 s, longer than the lease.
        const holding = holder.hold((lease) => phases(lease, 14));
        await sleep(200);
        const otherDone = other.hold((lease) => phases(lease, 1));
        await assert.rejects(holding, IdentityLeaseLostError);
        await otherDone;
        assert.equal(overlaps, 0, 'phases written while another writer held the lease too');
        assert.ok(written >= 3 && written < 14, `the holder wrote while its lease was surely its own, then stopped (${written} phases)`);
      } finally {
        await holderClient.shutdown();
      }
    });
  });
});

import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { CassandraIdentityStore } from '../../../src/identity/cassandra/cassandra-identity-store';
import { identifierKey, type Identifier } from '../../../src/identity/identifier';
import type { IdentityStore } from '../../../src/identity/identity-store.port';
import { IncrementalStitcher } from '../../../src/identity/incremental/incremental-stitcher';
import { CompiledRules, DEFAULT_RULES } from '../../../src/identity/rules/identity-rules';
import { createCassandraClient } from '../../../src/store/cassandra/cassandra-client';
import { onBothStores, withOpenStore, type OpenStore } from '../support/on-both-stores';
import { RecordLake } from '../support/record-lake';
import { storeProblems } from '../support/store-problems';
import { throughThePort } from '../support/through-the-port';

const key = (type: string, value: string) => identifierKey({ type, value });

/**
 * The store as a batch stitch sees it, with `write` done by another writer once, after the stitch
 * has read the store and before it writes its first change: the stream, running while a daily
 * stitch does.
 */
function withWriteBeforeSync(store: IdentityStore, write: () => Promise<void>): IdentityStore {
  let pending: (() => Promise<void>) | undefined = write;
  return {
    ...throughThePort(store),
    apply: async (changes) => {
      const interleaved = pending;
      pending = undefined;
      if (interleaved) await interleaved();
      return store.apply(changes);
    },
  };
}

/**
 * The store as a batch stitch sees it, with `write` done by another writer once, between the
 * stitch's reads of the customers and of the assignments, whichever it reads first.
 */
function withWriteBetweenReads(store: IdentityStore, write: () => Promise<void>): IdentityStore {
  let pending: (() => Promise<void>) | undefined = write;
  async function* thenWrite<T>(pages: AsyncIterable<T[]>): AsyncIterable<T[]> {
    yield* pages;
    const interleaved = pending;
    pending = undefined;
    if (interleaved) await interleaved();
  }
  return {
    ...throughThePort(store),
    scanAssignments: (pageSize) => thenWrite(store.scanAssignments(pageSize)),
    scanCustomers: (pageSize) => thenWrite(store.scanCustomers(pageSize)),
  };
}

/** What the stream does with one identify event of `identifiers`. */
async function streamed(store: IdentityStore, recordId: string, identifiers: Identifier[]): Promise<void> {
  await new IncrementalStitcher(store, new CompiledRules(DEFAULT_RULES), { now: () => 1_500 }).stitch([
    { source: 'clickstream', recordId, time: Date.parse('2026-03-02T12:00:00Z'), identifiers },
  ]);
}

const customerOf = async (store: IdentityStore, type: string, value: string) => (await store.lookup([{ type, value }])).get(key(type, value));

/** The behaviour, on a store of its own per case that `open` gives. */
function describeStitchBesideTheStream(name: string, open: OpenStore): void {
  describe(`${name}: a batch stitch while the stream writes to the identity store`, () => {
    const withStore = (lake: RecordLake, work: (store: IdentityStore) => Promise<void>) => withOpenStore(open, lake, work);

    it("writes a customer the stream added identifiers to after the stitch read it, keeping the stream's", async () => {
      const lake = new RecordLake().events({ at: '2026-03-01T09:00:00Z', userId: 'u1', anonymousId: 'a1' });
      await withStore(lake, async (store) => {
        const first = await lake.stitch({ store, now: () => 1_000 });
        const account = first.map.customerOf.get(key('user_id', 'u1'));
        // The day's lake gives the account a device and brings a new visitor; the stream gives the account a2 meanwhile.
        lake.events({ at: '2026-03-02T09:00:00Z', userId: 'u1', anonymousId: 'a1', deviceId: 'd1' }, { at: '2026-03-02T09:30:00Z', anonymousId: 'a5', deviceId: 'd5' });
        const raced = withWriteBeforeSync(store, () => streamed(store, 'identify-u1-a2', [{ type: 'user_id', value: 'u1' }, { type: 'anonymous_id', value: 'a2' }]));

        const second = await lake.stitch({ store: raced, now: () => 2_000 });
        assert.deepEqual(await storeProblems(store), []);
        assert.deepEqual([second.summary.store?.rebasedUnits, second.summary.store?.deferredUnits], [1, 0]);
        assert.deepEqual(
          (await store.customers([account ?? ''])).get(account ?? '')?.identities.map(identifierKey).sort(),
          [key('anonymous_id', 'a1'), key('anonymous_id', 'a2'), key('device_id', 'd1'), key('user_id', 'u1')],
          "the account's new device is written, and the stream's identifier kept",
        );
        assert.equal(await customerOf(store, 'device_id', 'd1'), account);
        assert.equal(await customerOf(store, 'anonymous_id', 'a5'), second.map.customerOf.get(key('anonymous_id', 'a5')), 'the new visitor, another unit, is written');
        const written = (await store.customers([account ?? ''])).get(account ?? '');
        assert.deepEqual(written?.identities.map(identifierKey), [key('user_id', 'u1'), key('device_id', 'd1'), key('anonymous_id', 'a1'), key('anonymous_id', 'a2')], 'strongest type first, as every record');
        assert.equal(written?.updatedAt, 2_000);
        assert.equal((await lake.stitch({ store, now: () => 3_000 })).summary.store?.customersWritten, 0, 'the next stitch has nothing left to write');
      });
    });

    it('defers a unit whose customer the stream gave an account or personal data: the plan might have refused it', async () => {
      const lake = new RecordLake().events({ at: '2026-03-01T09:00:00Z', anonymousId: 'a1' });
      await withStore(lake, async (store) => {
        const first = await lake.stitch({ store, now: () => 1_000 });
        const visitor = first.map.customerOf.get(key('anonymous_id', 'a1')) ?? '';
        // The lake sees the visitor log in as u1; the stream, meanwhile, as u2.
        lake.events({ at: '2026-03-02T09:00:00Z', type: 'identify', userId: 'u1', anonymousId: 'a1' });
        const raced = withWriteBeforeSync(store, () => streamed(store, 'identify-u2-a1', [{ type: 'user_id', value: 'u2' }, { type: 'anonymous_id', value: 'a1' }]));

        const second = await lake.stitch({ store: raced, now: () => 2_000 });
        assert.deepEqual(await storeProblems(store), [], 'never two accounts in one customer');
        assert.deepEqual([second.summary.store?.rebasedUnits, second.summary.store?.deferredUnits], [0, 1]);
        assert.deepEqual((await store.customers([visitor])).get(visitor)?.identities.map(identifierKey), [key('user_id', 'u2'), key('anonymous_id', 'a1')]);
      });
    });

    it("writes a customer at a version above the one it read, though its clock is behind the stream's", async () => {
      const lake = new RecordLake().events({ at: '2026-03-01T09:00:00Z', userId: 'u1', anonymousId: 'a1' });
      await withStore(lake, async (store) => {
        const first = await lake.stitch({ store, now: () => 1_000 });
        const account = first.map.customerOf.get(key('user_id', 'u1')) ?? '';
        await streamed(store, 'identify-u1-a2', [{ type: 'user_id', value: 'u1' }, { type: 'anonymous_id', value: 'a2' }]);
        assert.equal((await store.customers([account])).get(account)?.updatedAt, 1_500);
        lake.events({ at: '2026-03-02T09:00:00Z', userId: 'u1', anonymousId: 'a1', deviceId: 'd1' });
        await lake.stitch({ store, now: () => 1_200 });
        assert.equal((await store.customers([account])).get(account)?.updatedAt, 1_501, 'a stream writer that read version 1,500 must plan again');
      });
    });

    it('notices a change the stream made between its reads of the customers and of the assignments', async () => {
      const lake = new RecordLake().events({ at: '2026-03-01T09:00:00Z', userId: 'u1', anonymousId: 'a1' });
      await withStore(lake, async (store) => {
        const first = await lake.stitch({ store, now: () => 1_000 });
        const account = first.map.customerOf.get(key('user_id', 'u1'));
        lake.events({ at: '2026-03-02T09:00:00Z', userId: 'u1', anonymousId: 'a1', deviceId: 'd1' });
        const raced = withWriteBetweenReads(store, () => streamed(store, 'identify-u1-a2', [{ type: 'user_id', value: 'u1' }, { type: 'anonymous_id', value: 'a2' }]));

        await lake.stitch({ store: raced, now: () => 2_000 });
        assert.deepEqual(await storeProblems(store), []);
        assert.equal(await customerOf(store, 'anonymous_id', 'a2'), account);
      });
    });

    it("keeps an identifier the stream gave one customer while the stitch gave it to another with the stream's", async () => {
      const lake = new RecordLake().events({ at: '2026-03-01T09:00:00Z', userId: 'u1', anonymousId: 'a1' });
      await withStore(lake, async (store) => {
        const first = await lake.stitch({ store, now: () => 1_000 });
        const account = first.map.customerOf.get(key('user_id', 'u1'));
        // The lake sees device d3 with a visitor; the stream sees the account log in on it.
        lake.events({ at: '2026-03-02T09:00:00Z', anonymousId: 'a3', deviceId: 'd3' });
        const login = { at: '2026-03-02T12:00:00Z', type: 'identify' as const, userId: 'u1', anonymousId: 'a1', deviceId: 'd3', messageId: 'identify-u1-d3' };
        const raced = withWriteBeforeSync(store, () => streamed(store, login.messageId, [{ type: 'user_id', value: 'u1' }, { type: 'anonymous_id', value: 'a1' }, { type: 'device_id', value: 'd3' }]));

        const second = await lake.stitch({ store: raced, now: () => 2_000 });
        assert.deepEqual(await storeProblems(store), []);
        assert.equal(second.summary.store?.deferredUnits, 1);
        assert.equal(await customerOf(store, 'device_id', 'd3'), account, "the device stays the stream's");
        assert.equal(await customerOf(store, 'anonymous_id', 'a3'), undefined, 'the visitor the stitch made of it waits');

        lake.events(login);
        await lake.stitch({ store, now: () => 3_000 });
        assert.deepEqual(await storeProblems(store), []);
        assert.equal(await customerOf(store, 'anonymous_id', 'a3'), account, 'with the login in the lake, the visitor joins the account');
      });
    });

    it('does not bring back a customer the stream merged away after the stitch read it', async () => {
      const lake = new RecordLake().events({ at: '2026-03-01T09:00:00Z', userId: 'u1', anonymousId: 'a1' }, { at: '2026-03-01T10:00:00Z', anonymousId: 'a2', deviceId: 'd2' });
      await withStore(lake, async (store) => {
        const first = await lake.stitch({ store, now: () => 1_000 });
        const account = first.map.customerOf.get(key('user_id', 'u1'));
        const visitor = first.map.customerOf.get(key('anonymous_id', 'a2'));
        assert.notEqual(visitor, account);
        // The lake gives the visitor another device; the stream sees the visitor log in to the account.
        lake.events({ at: '2026-03-02T09:00:00Z', anonymousId: 'a2', deviceId: 'd9' });
        const raced = withWriteBeforeSync(store, () => streamed(store, 'identify-u1-a2', [{ type: 'user_id', value: 'u1' }, { type: 'anonymous_id', value: 'a2' }]));

        const second = await lake.stitch({ store: raced, now: () => 2_000 });
        assert.deepEqual(await storeProblems(store), []);
        assert.equal(second.summary.store?.deferredUnits, 1);
        assert.equal((await store.customers([visitor ?? ''])).get(visitor ?? '')?.mergedInto, account, 'the visitor stays merged into the account');
        assert.equal(await customerOf(store, 'device_id', 'd2'), account);

        const third = await lake.stitch({ store, now: () => 3_000 });
        assert.equal(third.summary.store?.deferredUnits, 0);
        assert.deepEqual(await storeProblems(store), []);
        assert.equal(await customerOf(store, 'device_id', 'd9'), account, "the lake's new device follows the visitor into the account");
      });
    });
  });
}

onBothStores('stitch_race', describeStitchBesideTheStream, (keyspace) => {
  it("waits out a write lease a dead stream writer left, instead of failing the stitch", { timeout: 120_000 }, async () => {
    const config = keyspace('stitch_lease');
    const store = await CassandraIdentityStore.connect(config);
    const client = createCassandraClient(config);
    const lake = new RecordLake().events({ at: '2026-03-01T09:00:00Z', userId: 'u1', anonymousId: 'a1' });
    try {
      await client.connect();
      await lake.stitch({ store, now: () => 1_000 });
      lake.events({ at: '2026-03-02T09:00:00Z', userId: 'u1', anonymousId: 'a1', deviceId: 'd1' });
      // A consumer took the lease and was killed: it lapses after 18 s, past the 15 s a writer waits for it.
      await client.execute(`INSERT INTO ${config.keyspace}.identity_write_lease (name, owner) VALUES ('planned_changes', 'dead-consumer') IF NOT EXISTS USING TTL 18`, [], { prepare: true });
      const second = await lake.stitch({ store, now: () => 2_000 });
      assert.equal(second.summary.store?.assigned, 1);
      assert.equal(await customerOf(store, 'device_id', 'd1'), second.map.customerOf.get(key('user_id', 'u1')));
    } finally {
      await Promise.all([store.close(), client.shutdown(), lake.close()]);
    }
  });
});

import { strict as assert } from 'node:assert';
import { randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { types } from 'cassandra-driver';
import { CassandraIdentityStore } from '../../../src/identity/cassandra/cassandra-identity-store';
import { identifierKey, type Identifier } from '../../../src/identity/identifier';
import { emptyChanges, type IdentityChanges, type IdentityStore, type MergeRecord, type StoredCustomer } from '../../../src/identity/identity-store.port';
import type { Logger } from '../../../src/shared/logger.port';
import type { CassandraStoreOptions } from '../../../src/store/cassandra/cassandra-client';
import { createCassandraClient } from '../../../src/store/cassandra/cassandra-client';
import { textRoutingKey } from '../../../src/store/cassandra/replica-batches';
import { requireService } from '../../support/services';
import { dropKeyspaces, testCassandraConfig } from '../../store/support/cassandra-test-keyspace';
import { describeIdentityStoreContract } from './identity-store.contract';
import { WriteLease } from '../../../src/identity/cassandra/write-lease';

const T0 = Date.UTC(2025, 0, 1);

/** What the stream's first event of a customer writes: its three identifiers and its record, all expected new. */
function newCustomers(prefix: string, count: number, identitiesEach = 3): { changes: IdentityChanges; customers: StoredCustomer[] } {
  const customers = Array.from({ length: count }, (_, index): StoredCustomer => {
    const identities: Identifier[] = [
      { type: 'user_id', value: `${prefix}-user-${index}` },
      { type: 'anonymous_id', value: `${prefix}-anon-${index}` },
      { type: 'device_id', value: `${prefix}-device-${index}` },
      ...Array.from({ length: identitiesEach - 3 }, (_, extra) => ({ type: 'email', value: `${prefix}-${index}-${extra}@example.com` })),
    ];
    return { customerId: `c_${prefix}_${index}`, identities, seed: identities[0]!, firstSeen: T0 + index, mergedInto: null, mergedFrom: [], updatedAt: T0 + index };
  });
  const assign = customers.flatMap((customer) => customer.identities.map((identifier) => ({ identifier, customerId: customer.customerId })));
  return {
    customers,
    changes: {
      ...emptyChanges(),
      assign,
      customers,
      expected: assign.map(({ identifier }) => ({ identifier, customerId: null })),
      expectedCustomers: customers.map(({ customerId }) => ({ customerId, updatedAt: null })),
    },
  };
}

describe('cassandra identity store', async () => {
  describe('against the real server', await requireService('cassandra'), () => {
    // One keyspace for the run; the contract keeps tests apart with unique ids.
    const config = testCassandraConfig('identity');
    after(() => dropKeyspaces(config, [config.keyspace]));

    describeIdentityStoreContract('cassandra', async () => {
      const opened: IdentityStore[] = [];
      const reopen = async () => {
        const store = await CassandraIdentityStore.connect(config);
        opened.push(store);
        return store;
      };
      const store = await reopen();
      return { store, reopen, cleanup: async () => void (await Promise.all(opened.map((each) => each.close()))) };
    });

    /** Applies the change on a store whose driver warnings (Cassandra's included) are collected. */
    const applyCollectingWarnings = async (changes: IdentityChanges, options: CassandraStoreOptions = {}): Promise<{ warnings: string[]; store: CassandraIdentityStore }> => {
      const warnings: string[] = [];
      const logger: Logger = { info: () => undefined, warn: (message) => warnings.push(message), error: (message) => warnings.push(message) };
      const store = await CassandraIdentityStore.connect(config, { ...options, logger });
      await store.apply(changes);
      return { warnings, store };
    };

    it('stores a change creating many customers completely, in batches Cassandra takes without a warning', async () => {
      const prefix = `many${randomUUID().replaceAll('-', '').slice(0, 12)}`;
      const small = newCustomers(`${prefix}s`, 700);
      // Customers with many identifiers: records of 1–3 KiB fill a batch's bytes before its partitions.
      const wide = newCustomers(`${prefix}w`, 40, 40);
      // A record larger than a shared batch may be.
      const huge = newCustomers(`${prefix}h`, 1, 150);
      const merges: MergeRecord[] = small.customers.slice(0, 30).map((from, index) => ({
        mergeId: `m_${prefix}_${index}`,
        into: wide.customers[0]!.customerId,
        from: from.customerId,
        at: T0 + index,
        via: 'stream',
        cause: null,
        identifiers: from.identities,
        undoneAt: null,
      }));
      const change: IdentityChanges = {
        ...emptyChanges(),
        assign: [small, wide, huge].flatMap(({ changes }) => changes.assign),
        customers: [small, wide, huge].flatMap(({ customers }) => customers),
        merges,
        separations: [{ separationId: `s_${prefix}`, mergeId: merges[0]!.mergeId, at: T0, sides: [small.customers[0]!.identities, small.customers[1]!.identities] }],
        expected: [small, wide, huge].flatMap(({ changes }) => changes.expected ?? []),
        expectedCustomers: [small, wide, huge].flatMap(({ changes }) => changes.expectedCustomers ?? []),
      };
      assert.ok(JSON.stringify(huge.customers[0]).length > 5120 && JSON.stringify(wide.customers[0]).length > 1024, 'the records are as large as meant');

      const { warnings, store } = await applyCollectingWarnings(change);
      try {
        assert.deepEqual(warnings, [], 'no batch-size or cross-partition warnings from Cassandra');
        const found = await store.lookup(change.assign.map(({ identifier }) => identifier));
        assert.equal(found.size, change.assign.length);
        for (const { identifier, customerId } of change.assign) assert.equal(found.get(identifierKey(identifier)), customerId, identifierKey(identifier));
        assert.deepEqual(await store.customers(change.customers.map(({ customerId }) => customerId)), new Map(change.customers.map((customer) => [customer.customerId, customer])));
        assert.deepEqual(await store.mergesOf(wide.customers[0]!.customerId), merges);
        assert.deepEqual(await store.mergesOf(merges[7]!.from), [merges[7]]);
        assert.deepEqual((await store.separations()).filter(({ separationId }) => separationId === `s_${prefix}`), change.separations);
      } finally {
        await store.close();
      }
    });

    it('is warned by Cassandra when batches exceed its thresholds, so the warning check above can fail', async () => {
      const { changes } = newCustomers(`over${randomUUID().replaceAll('-', '').slice(0, 12)}`, 200, 12);
      const { warnings, store } = await applyCollectingWarnings(changes, { partitionsPerBatch: 40, batchBytes: 64 * 1024 });
      await store.close();
      assert.ok(
        warnings.some((message) => /batch/i.test(message)),
        `expected a batch warning, got ${JSON.stringify(warnings.slice(0, 3))}`,
      );
    });

    it('writes a planned change only while it holds the write lease, which another process may hold', async () => {
      const client = createCassandraClient(config);
      const store = await CassandraIdentityStore.connect(config);
      try {
        await client.connect();
        const lease = `${config.keyspace}.identity_write_lease`;
        // Another process holds the lease (taken as WriteLease takes it).
        const taken = await client.execute(`INSERT INTO ${lease} (name, owner) VALUES ('planned_changes', 'other') IF NOT EXISTS USING TTL 30`, [], { serialConsistency: types.consistencies.localSerial });
        assert.equal(taken.first()?.get('[applied]'), true);
        const identifier = { type: 'anonymous_id', value: `lease-${randomUUID()}` };
        let settled = false;
        const applying = store.apply({ ...emptyChanges(), assign: [{ identifier, customerId: 'c_lease' }], expected: [{ identifier, customerId: null }] }).then(() => (settled = true));
        await new Promise((resolve) => setTimeout(resolve, 400));
        assert.equal(settled, false, 'waits for the lease');
        assert.equal((await store.lookup([identifier])).size, 0, 'writes nothing meanwhile');
        await client.execute(`DELETE FROM ${lease} WHERE name = 'planned_changes' IF owner = 'other'`, [], { serialConsistency: types.consistencies.localSerial });
        await applying;
        assert.equal((await store.lookup([identifier])).get(identifierKey(identifier)), 'c_lease');
        assert.equal((await client.execute(`SELECT owner FROM ${lease} WHERE name = 'planned_changes'`)).rowLength, 0, 'and gives it back');
      } finally {
        await store.close();
        await client.shutdown();
      }
    });

    it('lets a writer of another process in between the long holds of one that keeps taking the lease (a batch sync beside the stream)', async () => {
      const store = await CassandraIdentityStore.connect(config); // creates the lease table
      const [batchClient, streamClient] = [createCassandraClient(config), createCassandraClient(config)];
      try {
        await Promise.all([batchClient.connect(), streamClient.connect()]);
        const [batch, stream] = [new WriteLease(batchClient, config.keyspace), new WriteLease(streamClient, config.keyspace)];
        const turns: string[] = [];
        const held = (name: string, ms: number) => async () => {
          turns.push(name);
          await new Promise((resolve) => setTimeout(resolve, ms));
        };
        const pages = Array.from({ length: 6 }, (_, page) => batch.hold(held(`page ${page}`, 700), { bulk: true }));
        await new Promise((resolve) => setTimeout(resolve, 100));
        await stream.hold(held('stream', 10));
        await Promise.all(pages);
        assert.ok(turns.indexOf('stream') < turns.indexOf('page 3'), `the stream's change waits for at most two more pages: ${turns.join(', ')}`);
      } finally {
        await Promise.all([store.close(), batchClient.shutdown(), streamClient.shutdown()]);
      }
    });

    it('renews the lease while a holder works, so it does not lapse under a long hold', async () => {
      const store = await CassandraIdentityStore.connect(config); // creates the lease table
      const [holderClient, otherClient] = [createCassandraClient(config), createCassandraClient(config)];
      try {
        await Promise.all([holderClient.connect(), otherClient.connect()]);
        // A lease that lives 2 s, renewed every 0.5 s, held for 3.5 s.
        const timing = { leaseSeconds: 2, renewMs: 500 };
        const [holder, other] = [new WriteLease(holderClient, config.keyspace, timing), new WriteLease(otherClient, config.keyspace, timing)];
        const events: string[] = [];
        const holding = holder.hold(async () => {
          events.push('holder starts');
          await new Promise((resolve) => setTimeout(resolve, 3_500));
          events.push('holder ends');
        });
        await new Promise((resolve) => setTimeout(resolve, 200));
        await other.hold(async () => void events.push('other starts'));
        await holding;
        assert.deepEqual(events, ['holder starts', 'holder ends', 'other starts']);
      } finally {
        await Promise.all([store.close(), holderClient.shutdown(), otherClient.shutdown()]);
      }
    });

    it("leaves the handover gap only after a bulk hold, and only while a writer of another process waits: the stream's own changes and a batch alone follow at once", async () => {
      const store = await CassandraIdentityStore.connect(config); // creates the lease table
      const client = createCassandraClient(config);
      try {
        await client.connect();
        const lease = new WriteLease(client, config.keyspace);
        const table = `${config.keyspace}.identity_write_lease`;
        const delayAfter = async (bulk: boolean, waiter: 'another process waits' | 'nobody waits') => {
          await lease.hold(async () => {
            // As a writer of another process marks its wait when it finds the lease taken.
            if (waiter === 'another process waits') await client.execute(`INSERT INTO ${table} (name, owner) VALUES ('waiting', 'other') USING TTL 2`);
            await new Promise((resolve) => setTimeout(resolve, 300));
          }, { bulk });
          const asked = Date.now();
          let started = 0;
          await lease.hold(async () => void (started = Date.now()));
          await client.execute(`DELETE FROM ${table} WHERE name = 'waiting'`);
          return started - asked;
        };
        const afterStream = await delayAfter(false, 'another process waits');
        const afterLoneBulk = await delayAfter(true, 'nobody waits');
        const afterBulk = await delayAfter(true, 'another process waits');
        assert.ok(afterBulk >= 150, `a bulk hold with a writer waiting leaves 150 ms (waited ${afterBulk} ms)`);
        assert.ok(afterStream < afterBulk, `a stream change waits for no gap (waited ${afterStream} ms, ${afterBulk} ms after a bulk hold)`);
        assert.ok(afterLoneBulk < afterBulk, `nor does a bulk hold nobody waited for (waited ${afterLoneBulk} ms, ${afterBulk} ms with a waiter)`);
      } finally {
        await Promise.all([store.close(), client.shutdown()]);
      }
    });

    it('marks a wait for the lease while it lasts, however slow the attempts, and clears the mark once in', async () => {
      const store = await CassandraIdentityStore.connect(config); // creates the lease table
      const [holderClient, waiterClient] = [createCassandraClient(config), createCassandraClient(config)];
      try {
        await Promise.all([holderClient.connect(), waiterClient.connect()]);
        const table = `${config.keyspace}.identity_write_lease`;
        // Each of the waiter's attempts at the lease takes 2 s, as on a busy node.
        const slowAttempts = new Proxy(waiterClient, {
          get: (target, property, receiver) =>
            property === 'execute'
              ? async (...args: Parameters<typeof waiterClient.execute>) => {
                  if (String(args[0]).includes('IF NOT EXISTS')) await new Promise((resolve) => setTimeout(resolve, 2_000));
                  return target.execute(...args);
                }
              : Reflect.get(target, property, receiver),
        });
        const [holder, waiter] = [new WriteLease(holderClient, config.keyspace), new WriteLease(slowAttempts, config.keyspace)];
        const marked = async () => (await holderClient.execute(`SELECT owner FROM ${table} WHERE name = 'waiting'`)).rowLength;
        const samples: number[] = [];
        let waiting: Promise<void> | undefined;
        await holder.hold(async () => {
          waiting = waiter.hold(async () => undefined);
          await new Promise((resolve) => setTimeout(resolve, 2_500));
          for (let sample = 0; sample < 20; sample++) {
            samples.push(await marked());
            await new Promise((resolve) => setTimeout(resolve, 200));
          }
        });
        await waiting;
        await new Promise((resolve) => setTimeout(resolve, 200));
        assert.deepEqual(samples, samples.map(() => 1), 'marked at every sample while it waited');
        assert.equal(await marked(), 0, 'cleared once it got in');
      } finally {
        await Promise.all([store.close(), holderClient.shutdown(), waiterClient.shutdown()]);
      }
    });

    it('routes by the partition key the server hashes: the token of textRoutingKey is the column token', async () => {
      const store = await CassandraIdentityStore.connect(config);
      const client = createCassandraClient(config);
      try {
        await client.connect();
        const identifier = { type: 'email', value: `routing-${randomUUID()}@Łódź.example` };
        const customerId = `c_routing_${randomUUID()}`;
        await store.apply({ ...emptyChanges(), assign: [{ identifier, customerId }], customers: [{ customerId, identities: [identifier], seed: identifier, firstSeen: T0, mergedInto: null, mergedFrom: [], updatedAt: T0 }] });
        const tokenOf = async (query: string, params: string[]) => String((await client.execute(query, params, { prepare: true })).first()?.get('t'));
        const composite = await tokenOf(`SELECT token(id_type, id_value) AS t FROM ${config.keyspace}.identity_assignments WHERE id_type = ? AND id_value = ?`, [identifier.type, identifier.value]);
        assert.equal(client.metadata.newToken(textRoutingKey([identifier.type, identifier.value])).toString(), composite);
        const single = await tokenOf(`SELECT token(customer_id) AS t FROM ${config.keyspace}.identity_customers WHERE customer_id = ?`, [customerId]);
        assert.equal(client.metadata.newToken(textRoutingKey([customerId])).toString(), single);
      } finally {
        await client.shutdown();
        await store.close();
      }
    });
  });
});

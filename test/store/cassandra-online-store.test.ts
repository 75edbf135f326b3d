import { strict as assert } from 'node:assert';
import { randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { CassandraOnlineStore } from '../../src/store/cassandra/cassandra-online-store';
import type { FeatureRow, OnlineStore } from '../../src/store/online-store.port';
import type { Logger } from '../../src/shared/logger.port';
import { requireService } from '../support/services';
import { describeOnlineStoreContract } from './online-store.contract';
import { dropKeyspaces, testCassandraConfig } from './support/cassandra-test-keyspace';

describe('cassandra online store', async () => {
  describe('against the real server', await requireService('cassandra'), () => {
    // One keyspace for the run; the contract keeps tests apart with unique entity keys.
    const config = testCassandraConfig();
    after(() => dropKeyspaces(config, [config.keyspace]));

    describeOnlineStoreContract('cassandra', async () => {
      const opened: OnlineStore[] = [];
      const reopen = async () => {
        const store = await CassandraOnlineStore.connect(config);
        opened.push(store);
        return store;
      };
      const store = await reopen();
      return { store, reopen, cleanup: async () => void (await Promise.all(opened.map((each) => each.close()))) };
    });

    it('writes many small entities in shared batches that Cassandra takes without a warning, and big ones alone', async () => {
      const warnings: string[] = [];
      const logger: Logger = { info: () => undefined, warn: (message) => warnings.push(message), error: (message) => warnings.push(message) };
      const store = await CassandraOnlineStore.connect(config, { logger });
      try {
        const prefix = `batched-${randomUUID()}`;
        const T0 = Date.UTC(2025, 0, 1);
        // Streamed customers' shapes: a few cells, some with a state cell of a busy day's message ids.
        const rows: FeatureRow[] = Array.from({ length: 600 }, (_, index) => ({
          entityKey: `${prefix}:${index}`,
          eventTime: T0 + index,
          features: {
            last_seen_at: new Date(T0 + index).toISOString(),
            orders_30d: index % 5,
            '_stream:slot:3': JSON.stringify({ d: '2025-01-01', ids: Array.from({ length: index % 40 }, (_, id) => `${prefix}-${index}-${id}`) }),
          },
        }));
        // Many short cells (a customer's served values and state cells): Cassandra's per-cell overhead dominates.
        for (let index = 0; index < 60; index++) {
          rows.push({ entityKey: `${prefix}:short-${index}`, eventTime: T0, features: Object.fromEntries(Array.from({ length: 12 }, (_, cell) => [`feature_${cell}`, cell * index])) });
        }
        // One entity larger than a shared batch may be, and one with more cells than one batch holds.
        rows.push({ entityKey: `${prefix}:big`, eventTime: T0, features: { blob: 'x'.repeat(20_000) } });
        rows.push({ entityKey: `${prefix}:wide`, eventTime: T0, features: Object.fromEntries(Array.from({ length: 250 }, (_, index) => [`f${index}`, index])) });
        await store.writeBatch(rows);
        assert.deepEqual(warnings, [], 'no batch-size or cross-partition warnings from Cassandra');
        const read = await store.read(rows.map((row) => row.entityKey));
        assert.equal(read.size, rows.length);
        for (const row of rows) {
          const stored = read.get(row.entityKey);
          assert.equal(stored?.size, Object.keys(row.features).length, row.entityKey);
          for (const [name, value] of Object.entries(row.features)) assert.deepEqual(stored?.get(name), { value, eventTime: row.eventTime });
        }
      } finally {
        await store.close();
      }
    });
  });
});

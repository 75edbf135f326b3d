import { strict as assert } from 'node:assert';
import { after, describe, it } from 'node:test';
import { types, type Client } from 'cassandra-driver';
import { createCassandraClient, type CassandraConfig } from '../../src/store/cassandra/cassandra-client';
import { CASSANDRA_MIGRATIONS, type CassandraMigration } from '../../src/store/cassandra/cassandra-migrations';
import { migrate, type MigrateOptions } from '../../src/store/cassandra/migrate';
import { requireService } from '../support/services';
import { dropKeyspaces, testCassandraConfig } from './support/cassandra-test-keyspace';

const PROBE: CassandraMigration = { version: 2, name: 'create_probe', statements: ['CREATE TABLE IF NOT EXISTS {keyspace}.probe (id int PRIMARY KEY)'] };

async function tables(client: Client, keyspace: string): Promise<string[]> {
  const result = await client.execute('SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?', [keyspace], { prepare: true });
  return result.rows.map((row) => String(row.get('table_name'))).sort();
}

describe('cassandra schema migrations', async () => {
  describe('against the real server', await requireService('cassandra'), () => {
    const base = testCassandraConfig('migrations');
    const keyspaces: string[] = [];
    const options = (extra: Partial<MigrateOptions> = {}): MigrateOptions => ({
      replication: { class: 'SimpleStrategy', replicationFactor: 1 },
      localDataCenter: base.localDataCenter,
      schemaTimeoutMs: 120_000,
      ...extra,
    });
    const freshKeyspace = (): string => {
      const keyspace = testCassandraConfig('migrations').keyspace;
      keyspaces.push(keyspace);
      return keyspace;
    };
    const withClient = async <T>(use: (client: Client) => Promise<T>, config: CassandraConfig = base): Promise<T> => {
      const client = createCassandraClient(config);
      try {
        return await use(client);
      } finally {
        await client.shutdown();
      }
    };
    after(() => dropKeyspaces(base, keyspaces));

    it('creates the keyspace, applies pending versions once, records them, and re-running is a no-op', async () => {
      const keyspace = freshKeyspace();
      await withClient(async (client) => {
        assert.deepEqual(await migrate(client, keyspace, CASSANDRA_MIGRATIONS, options()), { applied: [1], alreadyApplied: [] });
        assert.deepEqual(await tables(client, keyspace), ['features', 'schema_migrations']);
        assert.deepEqual(await migrate(client, keyspace, CASSANDRA_MIGRATIONS, options()), { applied: [], alreadyApplied: [1] });
        assert.deepEqual(await migrate(client, keyspace, [...CASSANDRA_MIGRATIONS, PROBE], options()), { applied: [2], alreadyApplied: [1] });
        const recorded = await client.execute(`SELECT version, name, state, applied_at FROM ${keyspace}.schema_migrations`);
        const rows = recorded.rows.map((row) => [row.get('version'), row.get('name'), row.get('state'), row.get('applied_at') instanceof Date]).sort();
        assert.deepEqual(rows, [
          [1, 'create_features', 'applied', true],
          [2, 'create_probe', 'applied', true],
        ]);
        const replication = (await client.execute('SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = ?', [keyspace], { prepare: true })).first().get('replication');
        assert.equal(replication.replication_factor, '1');
      });
    });

    it('refuses to run when an applied migration was edited afterwards', async () => {
      const keyspace = freshKeyspace();
      await withClient(async (client) => {
        await migrate(client, keyspace, [PROBE], options());
        const edited = { ...PROBE, statements: ['CREATE TABLE IF NOT EXISTS {keyspace}.probe (id int PRIMARY KEY, extra text)'] };
        await assert.rejects(migrate(client, keyspace, [edited], options()), /changed after it was applied/);
      });
    });

    it('lets exactly one of several processes starting together apply each version', async () => {
      const keyspace = freshKeyspace();
      const reports = await Promise.all([1, 2, 3].map(() => withClient((client) => migrate(client, keyspace, [...CASSANDRA_MIGRATIONS, PROBE], options()))));
      for (const version of [1, 2]) {
        assert.equal(reports.filter((report) => report.applied.includes(version)).length, 1, `version ${version} applied once`);
        assert.ok(reports.every((report) => report.applied.includes(version) || report.alreadyApplied.includes(version)));
      }
      assert.deepEqual(await withClient((client) => tables(client, keyspace)), ['features', 'probe', 'schema_migrations']);
    });

    it('takes over a migration whose runner died mid-way', async () => {
      const keyspace = freshKeyspace();
      await withClient(async (client) => {
        await migrate(client, keyspace, [], options());
        const dead = types.Uuid.random();
        const claimedAt = new Date(Date.now() - 60_000);
        await client.execute(`INSERT INTO ${keyspace}.schema_migrations (version, name, checksum, state, owner, claimed_at) VALUES (1, 'create_features', 'x', 'running', ?, ?) IF NOT EXISTS`, [dead, claimedAt], { prepare: true });
        assert.deepEqual(await migrate(client, keyspace, CASSANDRA_MIGRATIONS, options({ staleClaimMs: 30_000 })), { applied: [1], alreadyApplied: [] });
        assert.ok((await tables(client, keyspace)).includes('features'));
      });
    });

    it('rejects a keyspace name that is not a plain identifier', async () => {
      await withClient(async (client) => {
        await assert.rejects(migrate(client, 'bad; DROP KEYSPACE system', CASSANDRA_MIGRATIONS, options()), /invalid Cassandra keyspace name/);
      });
    });
  });
});

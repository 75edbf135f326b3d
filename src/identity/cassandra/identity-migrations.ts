import type { CassandraMigration } from '../../store/cassandra/cassandra-migrations';

/**
 * The identity store's tables, applied by the store's migration runner (src/store/cassandra/migrate.ts)
 * into the same keyspace and `schema_migrations` table. The runner keys migrations by version only,
 * so identity owns versions 1000–1999 and never collides with the feature store's (1, 2, …).
 *
 * Customers, merges and separations are whole-record JSON: they are only ever read and written by
 * key, as a unit, and their shape follows the domain without a schema change per field.
 */
export const IDENTITY_MIGRATIONS: readonly CassandraMigration[] = [
  {
    version: 1001,
    name: 'create_identity_tables',
    statements: [
      // One partition per identifier: a lookup is one partition read on the replica token-aware routing picks.
      `CREATE TABLE IF NOT EXISTS {keyspace}.identity_assignments (
        id_type text, id_value text, customer_id text,
        PRIMARY KEY ((id_type, id_value))
      ) WITH comment = 'c360 identity: identifier -> customer id'`,
      `CREATE TABLE IF NOT EXISTS {keyspace}.identity_customers (
        customer_id text PRIMARY KEY, record text
      ) WITH comment = 'c360 identity: customer -> identifiers, seed, merge lineage (JSON)'`,
      `CREATE TABLE IF NOT EXISTS {keyspace}.identity_merges (
        merge_id text PRIMARY KEY, record text
      ) WITH comment = 'c360 identity: merge history (JSON)'`,
      // A customer's merges, in time order, both the ones it absorbed and the one that absorbed it.
      `CREATE TABLE IF NOT EXISTS {keyspace}.identity_customer_merges (
        customer_id text, at timestamp, merge_id text, other_customer_id text,
        PRIMARY KEY ((customer_id), at, merge_id)
      ) WITH CLUSTERING ORDER BY (at ASC, merge_id ASC)`,
      `CREATE TABLE IF NOT EXISTS {keyspace}.identity_separations (
        separation_id text PRIMARY KEY, record text
      ) WITH comment = 'c360 identity: un-merges that keep two sides apart (JSON)'`,
    ],
  },
  {
    version: 1002,
    name: 'create_identity_write_lease',
    statements: [
      // One row, taken and given back with lightweight transactions: see WriteLease.
      `CREATE TABLE IF NOT EXISTS {keyspace}.identity_write_lease (
        name text PRIMARY KEY, owner text
      ) WITH comment = 'c360 identity: the lease a writer of planned changes holds'`,
    ],
  },
  {
    version: 1003,
    name: 'create_identity_write_journal',
    statements: [
      // One partition, written by the lease's holder only: see WriteJournal.
      `CREATE TABLE IF NOT EXISTS {keyspace}.identity_write_journal (
        name text, chunk int, entry_id text, chunks int, body blob,
        PRIMARY KEY ((name), chunk)
      ) WITH comment = 'c360 identity: the change the lease holder is writing, until all of it is written'`,
    ],
  },
];

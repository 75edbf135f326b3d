import type { CassandraMigration } from '../../store/cassandra/cassandra-migrations';

/**
 * The segment repository's tables, applied by the store's migration runner into the same keyspace;
 * segments own versions 2000–2999. One partition per segment holds its current record (static
 * columns) and its audit trail (one row per version), so a change and its audit entry are one
 * conditional batch on one partition: a lightweight transaction, atomic and isolated.
 */
export const SEGMENT_MIGRATIONS: readonly CassandraMigration[] = [
  {
    version: 2001,
    name: 'create_segment_tables',
    statements: [
      `CREATE TABLE IF NOT EXISTS {keyspace}.segments (
        segment_id text, version int STATIC, record text STATIC, entry int, audit text,
        PRIMARY KEY ((segment_id), entry)
      ) WITH CLUSTERING ORDER BY (entry ASC)
        AND comment = 'c360 segments: the current definition (static, JSON) and one audit entry per version (JSON)'`,
      `CREATE TABLE IF NOT EXISTS {keyspace}.segment_names (
        name_key text PRIMARY KEY, segment_id text
      ) WITH comment = 'c360 segments: unique names, claimed with lightweight transactions'`,
    ],
  },
];

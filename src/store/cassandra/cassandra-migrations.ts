/**
 * A versioned schema change. Statements name `{keyspace}`; every one is idempotent (IF NOT
 * EXISTS) so a migration whose runner died half-way can be run again by whoever takes it over.
 * Never edit an applied migration (its checksum is recorded); add the next version instead.
 */
export interface CassandraMigration {
  version: number;
  name: string;
  statements: readonly string[];
}

export const CASSANDRA_MIGRATIONS: readonly CassandraMigration[] = [
  {
    version: 1,
    name: 'create_features',
    statements: [
      // One partition per entity, features clustered by name: read() is one partition query.
      // Writes carry USING TIMESTAMP = event time, so Cassandra's own cell reconciliation is the
      // last-write-wins rule. Leveled compaction: the table is read-heavy and values are
      // overwritten, so a read should touch few SSTables.
      `CREATE TABLE IF NOT EXISTS {keyspace}.features (
        entity_key text,
        feature text,
        value text,
        PRIMARY KEY ((entity_key), feature)
      ) WITH CLUSTERING ORDER BY (feature ASC)
        AND compaction = {'class': 'LeveledCompactionStrategy'}
        AND comment = 'c360 online features: value is JSON, WRITETIME(value) is the event time in microseconds'`,
    ],
  },
];

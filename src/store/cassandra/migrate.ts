import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { types, type Client, type Host } from 'cassandra-driver';
import type { KeyspaceReplication } from './cassandra-client';
import type { CassandraMigration } from './cassandra-migrations';

export interface MigrationReport {
  applied: number[];
  alreadyApplied: number[];
}

export interface MigrateOptions {
  replication: KeyspaceReplication;
  localDataCenter: string;
  /** Bounds each schema change and the wait for a migration another process is running. */
  schemaTimeoutMs: number;
  /** A claim older than this is presumed dead (its process crashed) and taken over. */
  staleClaimMs?: number;
}

interface MigrationRow {
  state: string;
  checksum: string;
  owner: types.Uuid;
  claimedAt: Date;
}

const KEYSPACE_NAME = /^[a-z][a-z0-9_]{0,47}$/;
const POLL_MS = 500;

/** The keyspace is spliced into CQL text, so it must be a plain identifier. */
export function assertKeyspaceName(keyspace: string): void {
  if (!KEYSPACE_NAME.test(keyspace)) throw new Error(`invalid Cassandra keyspace name ${JSON.stringify(keyspace)}: must match ${KEYSPACE_NAME}`);
}

function replicationCql(replication: KeyspaceReplication): string {
  if (replication.class === 'SimpleStrategy') return `{'class': 'SimpleStrategy', 'replication_factor': ${Math.trunc(replication.replicationFactor)}}`;
  const dataCenters = Object.entries(replication.dataCenters).map(([dc, factor]) => `'${dc.replaceAll("'", "''")}': ${Math.trunc(factor)}`);
  return `{'class': 'NetworkTopologyStrategy', ${dataCenters.join(', ')}}`;
}

function checksum(migration: CassandraMigration): string {
  return createHash('sha256').update(JSON.stringify([migration.name, migration.statements])).digest('hex');
}

/**
 * Creates the keyspace if absent and applies pending migrations in version order, recording each
 * in `schema_migrations`. Processes starting together agree through a lightweight transaction on the
 * version row: one claims and runs it, the others wait until it is marked applied.
 */
export async function migrate(client: Client, keyspace: string, migrations: readonly CassandraMigration[], options: MigrateOptions): Promise<MigrationReport> {
  assertKeyspaceName(keyspace);
  const table = `${keyspace}.schema_migrations`;
  const owner = types.Uuid.random();
  const staleClaimMs = options.staleClaimMs ?? 2 * options.schemaTimeoutMs;
  // Schema changes all go to one coordinator (the same for every process), where they are
  // serialized: concurrent CREATE TABLE IF NOT EXISTS through different nodes can race.
  const schemaHost = pickSchemaHost(client, options.localDataCenter);
  const ddl = (cql: string) => client.execute(cql, [], { prepare: false, host: schemaHost, readTimeout: options.schemaTimeoutMs });
  const lwt = { prepare: true, consistency: types.consistencies.quorum, serialConsistency: types.consistencies.serial, readTimeout: options.schemaTimeoutMs };

  await ddl(`CREATE KEYSPACE IF NOT EXISTS ${keyspace} WITH replication = ${replicationCql(options.replication)}`);
  await ddl(`CREATE TABLE IF NOT EXISTS ${table} (
    version int PRIMARY KEY, name text, checksum text, state text, owner uuid, claimed_at timestamp, applied_at timestamp)`);

  const readRow = async (version: number): Promise<MigrationRow | undefined> => {
    // SERIAL reads finish any half-done transaction on the row before answering.
    const result = await client.execute(`SELECT state, checksum, owner, claimed_at FROM ${table} WHERE version = ?`, [version], { ...lwt, consistency: types.consistencies.serial, isIdempotent: true });
    const row = result.first();
    return row ? { state: row.get('state'), checksum: row.get('checksum'), owner: row.get('owner'), claimedAt: row.get('claimed_at') } : undefined;
  };
  const claim = async (migration: CassandraMigration, current: MigrationRow | undefined): Promise<boolean> => {
    if (current === undefined) {
      const insert = `INSERT INTO ${table} (version, name, checksum, state, owner, claimed_at) VALUES (?, ?, ?, 'running', ?, ?) IF NOT EXISTS`;
      return (await client.execute(insert, [migration.version, migration.name, checksum(migration), owner, new Date()], lwt)).wasApplied();
    }
    if (Date.now() - current.claimedAt.getTime() < staleClaimMs) return false;
    const takeOver = `UPDATE ${table} SET owner = ?, claimed_at = ? WHERE version = ? IF owner = ? AND state = 'running'`;
    return (await client.execute(takeOver, [owner, new Date(), migration.version, current.owner], lwt)).wasApplied();
  };

  const report: MigrationReport = { applied: [], alreadyApplied: [] };
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    const deadline = Date.now() + options.schemaTimeoutMs;
    for (;;) {
      const current = await readRow(migration.version);
      if (current?.state === 'applied') {
        if (current.checksum !== checksum(migration)) {
          throw new Error(`Cassandra migration ${migration.version} (${migration.name}) changed after it was applied to ${keyspace}; add a new migration instead`);
        }
        report.alreadyApplied.push(migration.version);
        break;
      }
      if (await claim(migration, current)) {
        for (const statement of migration.statements) await ddl(statement.replaceAll('{keyspace}', keyspace));
        // Conditional on still owning the claim; if someone took it over they mark it themselves.
        await client.execute(`UPDATE ${table} SET state = 'applied', applied_at = ? WHERE version = ? IF owner = ?`, [new Date(), migration.version, owner], lwt);
        report.applied.push(migration.version);
        break;
      }
      if (Date.now() > deadline) {
        throw new Error(`Cassandra migration ${migration.version} (${migration.name}) in ${keyspace} is still being applied by another process after ${options.schemaTimeoutMs} ms`);
      }
      await sleep(POLL_MS);
    }
  }
  return report;
}

function pickSchemaHost(client: Client, localDataCenter: string): Host | undefined {
  const candidates = client.hosts.values().filter((host) => host.isUp() && host.datacenter === localDataCenter);
  return candidates.sort((a, b) => a.address.localeCompare(b.address))[0];
}


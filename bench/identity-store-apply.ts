// The Cassandra identity store's apply() alone, on what the stream's first pass over new customers
// writes: each change creates `--customers` customers (user, anonymous and device id assigned, a
// customer record), all expected absent (the expectation reads are part of apply). One request per
// row (partitionsPerBatch 1, as apply() wrote before it batched) and replica-grouped batches at the
// defaults, alternated round by round in one process on one keyspace.
//   node dist-x/bench/identity-store-apply.js [--customers 250] [--changes 8] [--rounds 3] [--concurrency 64]
// --concurrency is the store's requests in flight per call (the stream consumer's default is 64).
// Needs scripts/services' Cassandra; creates and then drops its own keyspace.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { loadConfig, readEnvironment } from '../src/config/load-config';
import { CassandraIdentityStore } from '../src/identity/cassandra/cassandra-identity-store';
import { customerIdFor } from '../src/identity/customer-id';
import type { Identifier } from '../src/identity/identifier';
import { emptyChanges, type IdentityChanges, type StoredCustomer } from '../src/identity/identity-store.port';
import type { Logger } from '../src/shared/logger.port';
import { createCassandraClient } from '../src/store/cassandra/cassandra-client';

const { values: args } = parseArgs({
  options: {
    customers: { type: 'string', default: '250' },
    changes: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '64' },
  },
});
const CUSTOMERS = Number(args.customers);
const CHANGES = Number(args.changes);
const ROUNDS = Number(args.rounds);
const CONCURRENCY = Number(args.concurrency);

let next = 0;
/** A change as the stream plans one for new customers: every identifier and record expected absent. */
function newCustomersChange(run: string, now: number): IdentityChanges {
  const customers = Array.from({ length: CUSTOMERS }, (): StoredCustomer => {
    const n = next++;
    const identities: Identifier[] = [
      { type: 'user_id', value: `bu-${run}-${n}` },
      { type: 'anonymous_id', value: `ba-${run}-${n}` },
      { type: 'device_id', value: `bd-${run}-${n}` },
    ];
    return { customerId: customerIdFor(identities[0], 'bench-salt'), identities, seed: identities[0], firstSeen: now, mergedInto: null, mergedFrom: [], updatedAt: now };
  });
  const assign = customers.flatMap((customer) => customer.identities.map((identifier) => ({ identifier, customerId: customer.customerId })));
  return {
    ...emptyChanges(),
    assign,
    customers,
    expected: assign.map(({ identifier }) => ({ identifier, customerId: null })),
    expectedCustomers: customers.map(({ customerId }) => ({ customerId, updatedAt: null })),
  };
}

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main(): Promise<void> {
  const run = `idapply${randomBytes(3).toString('hex')}`;
  // The environment's Cassandra (C360_CASSANDRA_CONTACT_POINTS, …), in a keyspace of the run's own.
  const config = loadConfig({ ...readEnvironment(), C360_CASSANDRA_KEYSPACE: `c360_${run}` }).cassandra;
  const warnings: string[] = [];
  const logger: Logger = { info: () => undefined, warn: (message) => warnings.push(message), error: (message) => warnings.push(message) };
  const modes = [
    { label: 'one request per row', store: await CassandraIdentityStore.connect(config, { logger, concurrency: CONCURRENCY, partitionsPerBatch: 1 }) },
    { label: 'replica-grouped batches', store: await CassandraIdentityStore.connect(config, { logger, concurrency: CONCURRENCY }) },
  ];
  const perChangeMs = new Map<string, number[]>(modes.map(({ label }) => [label, []]));
  const customersPerSecond = new Map<string, number[]>(modes.map(({ label }) => [label, []]));
  // This process's CPU (the driver's encoding and bookkeeping, as the stream consumer pays it), per new customer.
  const clientCpuMicros = new Map<string, number[]>(modes.map(({ label }) => [label, []]));
  try {
    // Warm-up: prepared statements and connections, in both modes.
    for (const { store } of modes) await store.apply(newCustomersChange(run, Date.now()));
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate which mode goes first, so neither always follows the other's compactions.
      for (const { label, store } of round % 2 === 0 ? modes : [...modes].reverse()) {
        const changes = Array.from({ length: CHANGES }, () => newCustomersChange(run, Date.now()));
        const started = performance.now();
        const cpu = process.cpuUsage();
        for (const change of changes) {
          const before = performance.now();
          await store.apply(change);
          perChangeMs.get(label)!.push(performance.now() - before);
        }
        const rate = Math.round((CHANGES * CUSTOMERS * 1000) / (performance.now() - started));
        const used = process.cpuUsage(cpu);
        clientCpuMicros.get(label)!.push(Math.round((used.user + used.system) / (CHANGES * CUSTOMERS)));
        customersPerSecond.get(label)!.push(rate);
        process.stderr.write(`round ${round + 1} ${label}: ${rate} new customers/s\n`);
      }
    }
    const result = {
      customersPerChange: CUSTOMERS,
      changesPerRound: CHANGES,
      rounds: ROUNDS,
      concurrency: CONCURRENCY,
      modes: Object.fromEntries(
        modes.map(({ label }) => {
          const times = [...perChangeMs.get(label)!].sort((a, b) => a - b);
          return [label, { newCustomersPerSecondByRound: customersPerSecond.get(label), medianNewCustomersPerSecond: median(customersPerSecond.get(label)!), applyMs: { p50: Math.round(median(times)), max: Math.round(times[times.length - 1]) }, medianClientCpuMicrosPerCustomer: median(clientCpuMicros.get(label)!) }];
        }),
      ),
      cassandraWarnings: warnings.length,
      firstWarnings: warnings.slice(0, 3),
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await Promise.all(modes.map(({ store }) => store.close()));
    const client = createCassandraClient(config);
    await client.execute(`DROP KEYSPACE IF EXISTS ${config.keyspace}`, [], { readTimeout: 120_000 }).catch(() => undefined);
    await client.shutdown();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});

import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stitchLake } from '../src/identity/batch/stitch-lake';
import { CassandraIdentityStore } from '../src/identity/cassandra/cassandra-identity-store';
import { EmbeddedIdentityStore } from '../src/identity/embedded/embedded-identity-store';
import type { IdentityStore } from '../src/identity/identity-store.port';
import { IDENTITY_STITCH_MEMORY_LIMIT } from '../src/identity/identity-config';
import { DuckDbLakeEngine } from '../src/lake/duckdb/duckdb-lake-engine';
import { LakeLayout } from '../src/lake/lake-layout';
import { lakeRelation } from '../src/lake/lake-relation';
import { createCassandraClient, type CassandraConfig } from '../src/store/cassandra/cassandra-client';
import type { Logger } from '../src/shared/logger.port';
import { synthesizeIdentityBenchLake } from './identity-stitch-lake';
import { waitedChildrenCpuSeconds } from './support-process-cpu';

// Usage: npm run build && node dist/bench/identity-stitch.bench.js
//   C360_BENCH_PEOPLE (default 2,300,000: about 10M edges), C360_BENCH_DIR (keeps the synthesized lake between runs),
//   C360_BENCH_MEMORY (DuckDB memory limit, default 2000MB as C360_IDENTITY_STITCH_MEMORY_LIMIT), C360_BENCH_THREADS (default 2),
//   C360_BENCH_STORE=embedded also times a first and a repeated stitch that sync the embedded identity store;
//   C360_BENCH_STORE=cassandra does the same with the Cassandra identity store, in a keyspace of its own
//   (C360_BENCH_CASSANDRA_KEYSPACE, default c360_bench_identity, dropped first; C360_CASSANDRA_CONTACT_POINTS, C360_CASSANDRA_LOCAL_DC).
// Each timed stitch runs in a child process of its own, so its peak RSS is its own (DuckDB's memory included).

const people = Number(process.env.C360_BENCH_PEOPLE ?? 2_300_000);
const dir = process.env.C360_BENCH_DIR ?? path.join(os.tmpdir(), `c360-bench-identity-${people}`);
const memoryLimit = process.env.C360_BENCH_MEMORY ?? IDENTITY_STITCH_MEMORY_LIMIT;
const threads = Number(process.env.C360_BENCH_THREADS ?? 2);
const lakeRoot = path.join(dir, 'lake');
const storeDir = path.join(dir, 'identity-store');
const storeKind = process.env.C360_BENCH_STORE;
const cassandra: CassandraConfig = {
  contactPoints: (process.env.C360_CASSANDRA_CONTACT_POINTS ?? '127.0.0.1:9042').split(','),
  localDataCenter: process.env.C360_CASSANDRA_LOCAL_DC ?? 'datacenter1',
  keyspace: process.env.C360_BENCH_CASSANDRA_KEYSPACE ?? 'c360_bench_identity',
};

function openStore(): Promise<IdentityStore> {
  return storeKind === 'cassandra' ? CassandraIdentityStore.connect(cassandra) : EmbeddedIdentityStore.open(storeDir);
}

/** Removes the store a previous invocation left, so the first stitch starts from an empty one. */
async function removeStore(): Promise<void> {
  rmSync(storeDir, { recursive: true, force: true });
  if (storeKind !== 'cassandra') return;
  const client = createCassandraClient(cassandra);
  try {
    await client.execute(`DROP KEYSPACE IF EXISTS ${cassandra.keyspace}`, [], { prepare: false, readTimeout: 120_000 });
  } finally {
    await client.shutdown();
  }
}

async function openEngine(): Promise<DuckDbLakeEngine> {
  return DuckDbLakeEngine.open({ lakeRoot, memoryLimit, threads });
}

/**
 * Peak anonymous and file-backed resident memory, sampled: maxRSS alone cannot tell DuckDB's and Node's memory from a
 * store's mapped file. `phaseDone` closes a phase: the anonymous peak since the previous one is reported under its name.
 */
function sampleResidentMemory(): { phaseDone: (phase: string) => void; stop: () => { anonMiB: number; fileMiB: number; anonMiBByPhase: Record<string, number> } } {
  const peak = { anonMiB: 0, fileMiB: 0 };
  const anonMiBByPhase: Record<string, number> = {};
  let phasePeak = 0;
  const sample = () => {
    const status = readFileSync('/proc/self/status', 'utf8');
    const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
    const anon = Math.round(kib('RssAnon') / 1024);
    phasePeak = Math.max(phasePeak, anon);
    peak.anonMiB = Math.max(peak.anonMiB, anon);
    peak.fileMiB = Math.max(peak.fileMiB, Math.round(kib('RssFile') / 1024));
  };
  const timer = setInterval(sample, 100);
  return {
    phaseDone: (phase) => {
      sample();
      anonMiBByPhase[phase] = phasePeak;
      phasePeak = 0;
    },
    stop: () => (clearInterval(timer), sample(), { ...peak, anonMiBByPhase }),
  };
}

/** Child mode: one stitch, then one JSON line with its wall time and the process's peak RSS. */
async function timeOneStitch(label: string, withStore: boolean): Promise<void> {
  const resident = sampleResidentMemory();
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  // The embedded store's reader and writer run as children, whose CPU process.cpuUsage() leaves out.
  const childrenCpuStarted = waitedChildrenCpuSeconds();
  const engine = await openEngine();
  let store: IdentityStore | undefined;
  try {
    store = withStore ? await openStore() : undefined;
    // The stitch logs each phase as it ends; the sampler attributes its memory peak to it.
    const logger: Logger = {
      info: (message, fields) => {
        if (message === 'identity.stitch: phase done') resident.phaseDone(String(fields?.phase));
      },
      warn: (message, fields) => console.error(message, fields),
      error: (message, fields) => console.error(message, fields),
    };
    const summary = await stitchLake(engine, new LakeLayout(lakeRoot), { store, logger });
    const wallMs = Math.round(performance.now() - started);
    const cpu = process.cpuUsage(cpuStarted);
    const { records, identifiers, edges, customers, mergedCustomers, refusedLinks, blockedValues, ms } = summary;
    console.log(
      JSON.stringify({
        bench: 'identity stitch',
        label,
        memoryLimit,
        threads,
        wallMs,
        // CPU seconds of all threads (DuckDB's and Node's): steadier than wall time on a shared machine.
        cpuMs: Math.round((cpu.user + cpu.system) / 1000 + (waitedChildrenCpuSeconds() - childrenCpuStarted) * 1000),
        peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
        // Sampled every 100 ms: anonymous (DuckDB, Node) and file-backed (the embedded store's memory map) peaks, and the anonymous peak of each phase.
        peakResident: resident.stop(),
        records,
        identifiers,
        edges,
        customers,
        mergedCustomers,
        refusedLinks,
        blockedValues,
        store: summary.store,
        phasesMs: ms,
      }),
    );
  } finally {
    await store?.close();
    await engine.close();
  }
}

function child(label: string, withStore: boolean): void {
  const run = spawnSync(process.execPath, [__filename, '--child', label, withStore ? 'store' : 'lake'], { stdio: 'inherit', env: process.env });
  if (run.status !== 0) throw new Error(`${label}: exit ${run.status}`);
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child') return timeOneStitch(process.argv[3], process.argv[4] === 'store');
  mkdirSync(lakeRoot, { recursive: true });
  const engine = await openEngine();
  try {
    const started = performance.now();
    const layout = new LakeLayout(lakeRoot);
    await synthesizeIdentityBenchLake(engine, layout, { people, days: 30, toDay: '2026-11-22' });
    const rows: Record<string, number> = {};
    for (const table of ['clickstream', 'orders', 'api_logs']) {
      const [count] = await engine.query(`SELECT count(*) AS n FROM ${lakeRelation(engine, layout, 'processed', table)}`);
      rows[table] = Number(count?.n);
    }
    console.log(JSON.stringify({ bench: 'identity lake', people, rows, cores: os.availableParallelism(), preparedMs: Math.round(performance.now() - started) }));
  } finally {
    await engine.close();
  }
  child('lake only (identity zone written, no store)', false);
  if (storeKind !== 'embedded' && storeKind !== 'cassandra') child('lake only, again', false);
  else {
    await removeStore();
    child(`first stitch into an empty ${storeKind} identity store`, true);
    child(`re-stitch with the ${storeKind} store (nothing changed)`, true);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

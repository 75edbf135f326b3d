// Latency and throughput of feature serving over loopback: Feast's REST endpoint and GraphQL, each
// for 1 customer × 50 features and 100 × 50, from the cache (hot customers) and through it to the
// store (customers never asked for before), beside a raw read of the same rows from the store
// adapter in the same run. The API runs in a child process (features-serving-server.ts); this
// process only generates load, sequentially for latency (the cases and the raw read taken in turn,
// a slice at a time) and with --concurrency for throughput.
//
// Usage, after a tsc build (e.g. `C360_DIST=dist-serving npm test -- features/serving`):
//   node dist-serving/bench/features-serving.bench.js [--store embedded|cassandra|both] [--requests 2000]
//     [--cold-requests 200] [--seconds 5] [--concurrency 8] [--apis 'REST,GraphQL,GraphQL objects,GraphQL objects+name']
//     [--shapes 1,100] [--without SegmentsModule]
//     [--profile DIR]
// `cassandra` is the production pairing: Cassandra (127.0.0.1:9042) with Redis (127.0.0.1:6379) as
// the cache; it creates and drops its own keyspace and Redis key prefix. --profile runs the API
// under `node --cpu-prof` and leaves the profiles in DIR (summarize them with
// features-serving-profile.js).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import type { AppConfig } from '../src/config/app-config';
import { loadConfig } from '../src/config/load-config';
import { customerEntityKey, type FeatureDefinition } from '../src/features/feature-definition';
import { FeatureRegistry } from '../src/features/feature-registry';
import { createCassandraClient } from '../src/store/cassandra/cassandra-client';
import type { FeatureScalar, OnlineStore } from '../src/store/online-store.port';
import { openOnlineStore } from '../src/store/open-online-store';
import { LoadClient, processCpuMs, sequentialLatency, sequentialSamples, summarize, throughput } from './features-serving-load';

const { values: args } = parseArgs({
  options: {
    store: { type: 'string', default: 'both' },
    requests: { type: 'string', default: '2000' },
    'cold-requests': { type: 'string', default: '200' },
    seconds: { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '8' },
    apis: { type: 'string', default: 'REST,GraphQL,GraphQL objects,GraphQL objects+name' },
    shapes: { type: 'string', default: '1,100' },
    profile: { type: 'string' },
    // Domain modules to leave out of the API under test (features-serving-server.ts), comma-separated.
    without: { type: 'string', default: '' },
  },
});
// Narrowing the cases keeps a profile about one path (e.g. --apis GraphQL --shapes 100).
const APIS = new Set(args.apis.split(','));
const SHAPES = args.shapes.split(',').map(Number);
const REQUESTS = Number(args.requests);
const COLD_REQUESTS = Number(args['cold-requests']);
const SECONDS = Number(args.seconds);
const CONCURRENCY = Number(args.concurrency);
const KEY = 'bench-serving-key-0123456789abcdef';
const HOT_CUSTOMERS = 1000;
// Requests of every case before any is measured, so none pays for V8's warm-up of the others.
const WARM_UP = 500;
// The sequential requests of each case are measured in this many slices, taken in turn.
const ROUNDS = 10;
const FEATURES: readonly FeatureDefinition[] = new FeatureRegistry().all().slice(0, 50);
const NAMES = FEATURES.map((feature) => feature.name);
const REFS = FEATURES.map((feature) => `${feature.view}:${feature.name}`);
// The same information as Feast's answer (value, status and event time of each requested feature,
// in the order asked): in columns as Feast has it, as one object per value, and as objects that
// repeat each feature's name, as a client might also ask.
const GRAPHQL = 'query($ids: [ID!]!, $names: [String!]!) { features(entityIds: $ids, names: $names) { entityId values statuses eventTimes } }';
const GRAPHQL_OBJECTS = 'query($ids: [ID!]!, $names: [String!]!) { features(entityIds: $ids, names: $names) { entityId features { status value eventTime } } }';
const GRAPHQL_NAMED = 'query($ids: [ID!]!, $names: [String!]!) { features(entityIds: $ids, names: $names) { entityId features { name status value eventTime } } }';

/** A small seeded generator, so every run asks for the same customers. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function valueOf(feature: FeatureDefinition, n: number): FeatureScalar {
  switch (feature.type) {
    case 'int':
      return n % 97;
    case 'float':
      return Math.round(n * 7.31) / 100;
    case 'string':
      return `category_${n % 13}`;
    case 'bool':
      return n % 2 === 0;
    case 'timestamp':
      return new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString();
    case 'string_list':
      return [`p${n % 11}`, `p${n % 17}`, `p${n % 23}`];
  }
}

async function seed(store: OnlineStore, ids: readonly string[]): Promise<void> {
  const eventTime = Date.now() - 60_000;
  for (let start = 0; start < ids.length; start += 1000) {
    await store.writeBatch(
      ids.slice(start, start + 1000).map((id, offset) => ({
        entityKey: customerEntityKey(id),
        eventTime,
        features: Object.fromEntries(FEATURES.map((feature, index) => [feature.name, valueOf(feature, start + offset + index)])),
      })),
    );
  }
}

function startServer(env: Record<string, string>, profileDir: string | undefined): Promise<{ child: ChildProcess; port: number }> {
  const flags = profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [];
  const child = spawn(process.execPath, [...flags, path.join(__dirname, 'features-serving-server.js')], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const line = output.split('\n').find((each) => each.startsWith('{"port"'));
      if (line) resolve({ child, port: (JSON.parse(line) as { port: number }).port });
    });
    child.once('exit', (code) => reject(new Error(`API process exited with ${code} before listening`)));
  });
}

function stopServer(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

const restBody = (ids: readonly string[]) => JSON.stringify({ features: REFS, entities: { customer_id: ids } });
const graphqlBody = (ids: readonly string[]) => JSON.stringify({ query: GRAPHQL, variables: { ids, names: NAMES } });
const graphqlObjectsBody = (ids: readonly string[]) => JSON.stringify({ query: GRAPHQL_OBJECTS, variables: { ids, names: NAMES } });
const graphqlNamedBody = (ids: readonly string[]) => JSON.stringify({ query: GRAPHQL_NAMED, variables: { ids, names: NAMES } });

function checkRest(entities: number): (text: string) => void {
  return (text) => {
    const body = JSON.parse(text) as { results: Array<{ statuses: string[] }> };
    const statuses = body.results.slice(1).flatMap((column) => column.statuses);
    if (body.results.length !== 51 || statuses.length !== 50 * entities || statuses.some((status) => status !== 'PRESENT')) throw new Error(`unexpected REST answer: ${text.slice(0, 300)}`);
  };
}

function checkGraphql(entities: number): (text: string) => void {
  return (text) => {
    const body = JSON.parse(text) as { data?: { features: Array<{ features: Array<{ status: string }> }> }; errors?: unknown };
    const statuses = body.data?.features.flatMap((row) => row.features.map((feature) => feature.status)) ?? [];
    if (body.errors || statuses.length !== 50 * entities || statuses.some((status) => status !== 'PRESENT')) throw new Error(`unexpected GraphQL answer: ${text.slice(0, 300)}`);
  };
}

function checkGraphqlColumns(entities: number): (text: string) => void {
  return (text) => {
    const body = JSON.parse(text) as { data?: { features: Array<{ statuses: string[]; values: unknown[] }> }; errors?: unknown };
    const statuses = body.data?.features.flatMap((row) => row.statuses) ?? [];
    if (body.errors || statuses.length !== 50 * entities || statuses.some((status) => status !== 'PRESENT')) throw new Error(`unexpected GraphQL answer: ${text.slice(0, 300)}`);
  };
}

function report(fields: Record<string, unknown>): void {
  console.log(JSON.stringify({ ...fields, load1: Math.round(loadavg()[0] * 10) / 10 }));
}

async function runProfile(kind: 'embedded' | 'cassandra'): Promise<void> {
  const home = mkdtempSync(path.join(tmpdir(), `c360-bench-serving-${kind}-`));
  const runId = randomBytes(4).toString('hex');
  const env: Record<string, string> = {
    C360_HOME: home,
    C360_STREAM_CONSUME: 'false',
    C360_LOG_LEVEL: 'error',
    // As deployed (the Dockerfile's): libraries such as graphql-js skip development-only checks.
    NODE_ENV: 'production',
    C360_API_KEYS: JSON.stringify([{ name: 'bench', key: KEY, scopes: ['features:read', 'pii:read'] }]),
    C360_BENCH_WITHOUT: args.without,
    ...(kind === 'cassandra' ? { C360_ONLINE_STORE: 'cassandra', C360_CACHE: 'redis', C360_CASSANDRA_KEYSPACE: `c360_bench_serving_${runId}`, C360_REDIS_KEY_PREFIX: `c360bench:${runId}:` } : {}),
  };
  const config: AppConfig = loadConfig(env);
  const store = await openOnlineStore(config);
  let server: { child: ChildProcess; port: number } | undefined;
  const clients: LoadClient[] = [];
  try {
    const hot = Array.from({ length: HOT_CUSTOMERS }, (_, i) => `hot${i}`);
    const cold = Array.from({ length: COLD_REQUESTS * 4 * 101 }, (_, i) => `cold${i}`);
    const seeded = performance.now();
    await seed(store, [...hot, ...cold]);
    report({ bench: 'seed', store: kind, apiModulesLeftOut: args.without, customers: hot.length + cold.length, features: FEATURES.length, ms: Math.round(performance.now() - seeded), cores: availableParallelism() });

    const pick = random(1);
    const hotIds = (count: number) => Array.from({ length: count }, () => hot[Math.floor(pick() * hot.length)] as string);

    server = await startServer(env, args.profile);
    const client = new LoadClient(server.port, KEY, 1);
    const pool = new LoadClient(server.port, KEY, CONCURRENCY);
    clients.push(client, pool);
    // Fill the cache with every hot customer, so the hot cases measure cache hits only.
    for (let start = 0; start < hot.length; start += 100) await client.post('/get-online-features', restBody(hot.slice(start, start + 100)));

    let next = 0;
    const coldIds = (count: number) => {
      const ids = cold.slice(next, next + count);
      next += count;
      return ids;
    };
    const cases = [
      { api: 'REST', path: '/get-online-features', body: restBody, check: checkRest },
      { api: 'GraphQL', path: '/graphql', body: graphqlBody, check: checkGraphqlColumns },
      { api: 'GraphQL objects', path: '/graphql', body: graphqlObjectsBody, check: checkGraphql },
      { api: 'GraphQL objects+name', path: '/graphql', body: graphqlNamedBody, check: checkGraphql },
    ].filter((each) => APIS.has(each.api));
    const perRound = Math.ceil(REQUESTS / ROUNDS);
    for (const entities of SHAPES) {
      const shape = `${entities}x50`;
      const hotBody = (each: (typeof cases)[number]) => () => each.body(hotIds(entities));
      // The store adapter alone, the same rows, from this process as a service reading it directly.
      const rawRead = async (reads: number) => {
        const samples: number[] = [];
        for (let i = 0; i < reads; i++) {
          const keys = hotIds(entities).map(customerEntityKey);
          const started = performance.now();
          await store.read(keys, NAMES);
          samples.push(performance.now() - started);
        }
        return samples;
      };
      const responseBytes = new Map<string, number>();
      await rawRead(WARM_UP);
      for (const each of cases) {
        for (let i = 0; i < WARM_UP; i++) responseBytes.set(each.api, Buffer.byteLength((await client.post(each.path, hotBody(each)())).text));
      }
      // Round-robin in slices, so every case meets the same moments of a shared machine's load.
      const raw = { samples: [] as number[], cpuMs: 0 };
      const measured = new Map(cases.map((each) => [each.api, { samples: [] as number[], cpuMs: 0 }]));
      for (let round = 0; round < ROUNDS; round++) {
        const cpu = process.cpuUsage();
        raw.samples.push(...(await rawRead(perRound)));
        const used = process.cpuUsage(cpu);
        raw.cpuMs += (used.user + used.system) / 1000;
        for (const each of cases) {
          const into = measured.get(each.api) as { samples: number[]; cpuMs: number };
          const before = processCpuMs(server.child.pid ?? 0) ?? Number.NaN;
          into.samples.push(...(await sequentialSamples(client, each.path, hotBody(each), perRound, each.check(entities))));
          into.cpuMs += (processCpuMs(server.child.pid ?? 0) ?? Number.NaN) - before;
        }
      }
      const perRequest = (cpuMs: number, requests: number) => Math.round((cpuMs / requests) * 1000) / 1000;
      report({ bench: 'raw store read', store: kind, shape, cpuMsPerRead: perRequest(raw.cpuMs, raw.samples.length), ms: summarize(raw.samples) });
      for (const each of cases) {
        const { samples, cpuMs } = measured.get(each.api) as { samples: number[]; cpuMs: number };
        report({ bench: 'API, cached', store: kind, api: each.api, shape, responseBytes: responseBytes.get(each.api), serverCpuMsPerRequest: perRequest(cpuMs, samples.length), sequential: summarize(samples) });
      }
      for (const each of cases) {
        const load = await throughput(pool, each.path, hotBody(each), CONCURRENCY, SECONDS);
        report({ bench: 'API, cached, throughput', store: kind, api: each.api, shape, concurrency: CONCURRENCY, ...load });
        const coldLatency = await sequentialLatency(client, each.path, () => each.body(coldIds(entities)), COLD_REQUESTS, each.check(entities));
        report({ bench: 'API, not cached (store read)', store: kind, api: each.api, shape, sequential: coldLatency });
      }
    }
  } finally {
    for (const each of clients) each.close();
    if (server) await stopServer(server.child);
    await store.close();
    if (kind === 'cassandra') await cleanUpServices(config);
    rmSync(home, { recursive: true, force: true });
  }
}

async function cleanUpServices(config: AppConfig): Promise<void> {
  const client = createCassandraClient(config.cassandra);
  try {
    await client.execute(`DROP KEYSPACE IF EXISTS ${config.cassandra.keyspace}`, [], { prepare: false, readTimeout: 120_000 });
  } finally {
    await client.shutdown();
  }
  const redis = new Redis(config.redis.url);
  try {
    for await (const keys of redis.scanStream({ match: `${config.redis.keyPrefix}*`, count: 1000 })) if ((keys as string[]).length > 0) await redis.unlink(...(keys as string[]));
  } finally {
    await redis.quit();
  }
}

async function main(): Promise<void> {
  const kinds = args.store === 'both' ? (['embedded', 'cassandra'] as const) : [args.store as 'embedded' | 'cassandra'];
  for (const kind of kinds) await runProfile(kind);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { createServer } from '../src/app/server';
import { loadConfig } from '../src/config/load-config';
import { campaignFunnelSpec } from '../src/funnels/campaign/campaign-funnels';
import { CampaignMetricsJob, shiftDay } from '../src/funnels/campaign/campaign-metrics.job';
import { CampaignMetricsStore } from '../src/funnels/campaign/campaign-metrics-store';
import type { FunnelSpec } from '../src/funnels/funnel-definition';
import { LakeFunnelRunner } from '../src/funnels/lake-funnel-runner';
import { DuckDbLakeEngine } from '../src/lake/duckdb/duckdb-lake-engine';
import { LakeLayout } from '../src/lake/lake-layout';
import { lakeRelation } from '../src/lake/lake-relation';
import { JsonLogger } from '../src/observability/json-logger';
import { silentLogger } from '../src/shared/logger.port';
import { EmbeddedOnlineStore } from '../src/store/embedded/embedded-online-store';
import { PROMOTIONS, stitchBenchLake, synthesizeBenchLake } from './funnels-lake';
import { BENCH_API_KEY, postGraphql } from './support-graphql-post';

// Usage: npm run build && node dist/bench/funnels.bench.js
//   C360_BENCH_DIR (default $TMPDIR/c360-bench-funnels) keeps the synthesized lake between runs;
//   C360_BENCH_EVENTS (default 10000000), C360_BENCH_REQUESTS (default 2000);
//   C360_BENCH_RESTITCH=1 rebuilds the stitched clickstream even when a fresh one is kept, to time it;
//   C360_BENCH_ONLY=adhoc|api runs one half.

const DAY = 86_400_000;
const dir = process.env.C360_BENCH_DIR ?? path.join(os.tmpdir(), 'c360-bench-funnels');
const events = Number(process.env.C360_BENCH_EVENTS ?? 10_000_000);
const requests = Number(process.env.C360_BENCH_REQUESTS ?? 2000);
const shape = { events, customers: Math.round(events / 10), days: 30, toDay: '2026-03-30' };
const from = shiftDay(shape.toDay, -(shape.days - 1));

/** Garbage-collection pauses (ms) in this process, which serves and sends the requests alike. */
const gcs: number[] = [];
new PerformanceObserver((list) => gcs.push(...list.getEntries().map((entry) => entry.duration))).observe({ entryTypes: ['gc'] });

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

function summary(samples: number[]): { min: number; p50: number; p95: number; p99: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (value: number) => Math.round(value * 100) / 100;
  return { min: round(sorted[0] ?? 0), p50: round(percentile(sorted, 50)), p95: round(percentile(sorted, 95)), p99: round(percentile(sorted, 99)), max: round(sorted[sorted.length - 1] ?? 0) };
}

/**
 * The same funnel with events' customers joined from the identity map and read from the stitched
 * clickstream, side by side: runs alternate which path goes first, so both see the same machine load.
 */
async function timeAdHoc(runners: { join: LakeFunnelRunner; stitched: LakeFunnelRunner }, label: string, spec: FunnelSpec, runs = 5): Promise<void> {
  const paths = ['join', 'stitched'] as const;
  const samples = { join: [] as number[], stitched: [] as number[] };
  const results = { join: '', stitched: '' };
  for (const path of paths) await runners[path].run(spec); // warm: file metadata and the identity map's pages
  for (let run = 0; run < runs; run++) {
    for (const path of run % 2 === 0 ? paths : [...paths].reverse()) {
      const started = performance.now();
      const groups = await runners[path].run(spec);
      samples[path].push(performance.now() - started);
      results[path] = JSON.stringify(groups.map((group) => [group.promotionId, group.value, group.steps.map((step) => step.customers)]));
    }
  }
  if (results.join !== results.stitched) throw new Error(`${label}: the paths disagree: ${results.join} vs ${results.stitched}`);
  const join = summary(samples.join);
  const stitched = summary(samples.stitched);
  console.log(JSON.stringify({ bench: 'ad hoc', label, runs, join, stitched, medianRatio: Math.round((join.p50 / stitched.p50) * 100) / 100, load: os.loadavg().map((value) => Math.round(value * 10) / 10) }));
}

async function timeAdHocFunnels(runners: { join: LakeFunnelRunner; stitched: LakeFunnelRunner }): Promise<void> {
  const campaign = (breakdown?: FunnelSpec['breakdown']): FunnelSpec => ({
    ...campaignFunnelSpec('click_through', { promotionId: 'promo_3' }, { from, to: shape.toDay, windowMs: 7 * DAY, breakdown }),
    unit: 'customers',
  });
  await timeAdHoc(runners, 'campaign funnel, 1 promotion, 30 days, 7d window', campaign());
  await timeAdHoc(runners, 'campaign funnel, breakdown platform', campaign('platform'));
  await timeAdHoc(runners, 'campaign funnel, breakdown vertical', campaign('vertical'));
  await timeAdHoc(runners, '4 event steps (viewed → added → checkout → viewed again), 30 days, 1d window', {
    steps: ['Product Viewed', 'Product Added', 'Checkout Started', 'Product Viewed'].map((event) => ({ kind: 'event' as const, name: event, event, filters: [] })),
    from,
    to: shape.toDay,
    windowMs: DAY,
    unit: 'customers',
  });
}

async function main(): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const lakeRoot = path.join(dir, 'lake');
  const layout = new LakeLayout(lakeRoot);
  mkdirSync(lakeRoot, { recursive: true });
  const engine = await DuckDbLakeEngine.open({ lakeRoot });
  const synthStarted = performance.now();
  await synthesizeBenchLake(engine, layout, shape);
  const [count] = await engine.query(`SELECT count(*) AS n FROM ${lakeRelation(engine, layout, 'processed', 'clickstream')}`);
  console.log(JSON.stringify({ bench: 'lake', events: Number(count?.n), customers: shape.customers, days: shape.days, cores: os.availableParallelism(), synthesizeMs: Math.round(performance.now() - synthStarted) }));

  const restitch = await stitchBenchLake(engine, layout, process.env.C360_BENCH_RESTITCH === '1');
  if (restitch) console.log(JSON.stringify({ bench: 'stitched clickstream build (identity.stitch-events)', ...restitch, load: os.loadavg().map((value) => Math.round(value * 10) / 10) }));
  const only = process.env.C360_BENCH_ONLY;
  const runners = { join: new LakeFunnelRunner(engine, layout, undefined, 'join'), stitched: new LakeFunnelRunner(engine, layout, undefined, 'stitched') };
  if (only !== 'api') await timeAdHocFunnels(runners);
  if (only === 'adhoc') {
    await engine.close();
    return;
  }

  const home = path.join(dir, 'home');
  const config = loadConfig({ C360_HOME: home, C360_LAKE: lakeRoot, C360_STREAM_CONSUME: 'false', C360_LOG_LEVEL: 'error', C360_API_KEYS: JSON.stringify([{ name: 'bench', key: BENCH_API_KEY, scopes: ['funnels:read'] }]) });
  const store = await EmbeddedOnlineStore.open(config.storeDir);
  const jobStarted = performance.now();
  const job = await new CampaignMetricsJob(engine, layout, new CampaignMetricsStore(store), silentLogger).run({ date: shape.toDay, lookbackDays: shape.days - 1 });
  console.log(JSON.stringify({ bench: 'batch job', days: shape.days, promotionDays: job.promotionDays, ms: Math.round(performance.now() - jobStarted) }));
  await store.close();
  await engine.close();

  const app = await createServer(config, new JsonLogger('error', {}));
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const query = 'query($p: String!, $from: String!, $to: String!) { campaignFunnel(promotionId: $p, from: $from, to: $to) { source steps { name customers conversionFromPrevious medianSecondsFromPrevious } revenue viewThrough { steps { customers } } } }';
  const bodyOf = (promotion: string, from: string, to: string) => JSON.stringify({ query, variables: { p: promotion, from, to } });
  // Every (promotion, range) of the lake, in a fixed scrambled order: no request repeats, so none is a cache hit.
  const distinct = Array.from({ length: PROMOTIONS }, (_, promotion) =>
    Array.from({ length: shape.days }, (_, start) => Array.from({ length: shape.days - start }, (_, length) => bodyOf(`promo_${promotion}`, shiftDay(from, start), shiftDay(from, start + length)))).flat(),
  ).flat();
  const scenarios: Array<[string, (index: number) => string]> = [
    ['7-day range, the same request each time (answered from the cache after the first)', () => bodyOf('promo_3', shiftDay(shape.toDay, -6), shape.toDay)],
    ['30-day range, the same request each time', () => bodyOf('promo_3', from, shape.toDay)],
    [`a different promotion or range (1-30 days) each time, never a cache hit`, (index) => distinct[(index * 7919) % distinct.length] ?? ''],
  ];
  for (const [label, body] of scenarios) {
    for (let warm = 0; warm < 50; warm++) await postGraphql(agent, port, bodyOf('promo_1', from, shiftDay(from, warm % 30)));
    const first = await postGraphql(agent, port, body(0));
    if (!first.text.includes('"precomputed"')) throw new Error(`expected a precomputed answer, got ${first.status} ${first.text.slice(0, 300)}`);
    const samples: number[] = [];
    const gcBefore = gcs.length;
    for (let index = 0; index < requests; index++) {
      const started = performance.now();
      const answer = await postGraphql(agent, port, body(index + 1));
      samples.push(performance.now() - started);
      if (answer.status !== 200 || !answer.text.includes('"precomputed"')) throw new Error(`status ${answer.status}: ${answer.text.slice(0, 300)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20)); // GC entries arrive on a later turn
    const pauses = gcs.slice(gcBefore);
    console.log(
      JSON.stringify({
        bench: 'precomputed API (GraphQL over loopback, keep-alive, sequential)',
        label,
        requests,
        ms: summary(samples),
        gc: { pauses: pauses.length, maxMs: Math.round(Math.max(0, ...pauses) * 100) / 100 },
        load: os.loadavg().map((value) => Math.round(value * 10) / 10),
      }),
    );
  }
  agent.destroy();
  await app.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

import 'reflect-metadata';
import { existsSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';
import { createServer } from '../src/app/server';
import { loadConfig } from '../src/config/load-config';
import { shiftDay } from '../src/funnels/campaign/campaign-metrics.job';
import { FunnelsService } from '../src/funnels/funnels.service';
import { JsonLogger } from '../src/observability/json-logger';
import { BENCH_API_KEY, postGraphql } from './support-graphql-post';

// Usage (after bench/funnels.bench.ts has kept a lake and its precomputed metrics in C360_BENCH_DIR):
//   node dist/bench/funnels-api-profile.js
// Where the precomputed campaignFunnel's latency tail comes from: the same request timed through
// the service alone (store read, JSON, merge) and through GraphQL over HTTP, with every garbage
// collection and the event loop's delay recorded, so slow requests can be matched with pauses.
//   C360_BENCH_REQUESTS (default 5000), C360_PROFILE_LOG_LEVEL (default error; info logs every request).

const dir = process.env.C360_BENCH_DIR ?? path.join(os.tmpdir(), 'c360-bench-funnels');
const requests = Number(process.env.C360_BENCH_REQUESTS ?? 5000);
const toDay = '2026-03-30';
const days = 7;

interface Sample {
  start: number;
  ms: number;
}

const gcs: Array<{ start: number; ms: number; kind: number }> = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries() as Array<PerformanceEntry & { detail?: { kind?: number } }>) gcs.push({ start: entry.startTime, ms: entry.duration, kind: entry.detail?.kind ?? 0 });
}).observe({ entryTypes: ['gc'] });

const GC_KIND: Record<number, string> = { 1: 'scavenge', 2: 'mark-sweep-compact', 4: 'incremental', 8: 'weak-callbacks' };

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

function describe(samples: readonly Sample[]): Record<string, unknown> {
  const sorted = samples.map((sample) => sample.ms).sort((a, b) => a - b);
  const round = (value: number) => Math.round(value * 100) / 100;
  const p99 = percentile(sorted, 99);
  const slow = samples.filter((sample) => sample.ms >= p99);
  const overlapsGc = (sample: Sample) => gcs.some((gc) => gc.start < sample.start + sample.ms && gc.start + gc.ms > sample.start);
  const withGc = samples.filter(overlapsGc);
  const withoutGc = samples.filter((sample) => !overlapsGc(sample)).map((sample) => sample.ms).sort((a, b) => a - b);
  const during = gcs.filter((gc) => gc.start >= (samples[0]?.start ?? 0) && gc.start <= (samples[samples.length - 1]?.start ?? 0) + 1000);
  const byKind: Record<string, { count: number; totalMs: number; maxMs: number }> = {};
  for (const gc of during) {
    const kind = GC_KIND[gc.kind] ?? String(gc.kind);
    const entry = (byKind[kind] ??= { count: 0, totalMs: 0, maxMs: 0 });
    entry.count += 1;
    entry.totalMs = round(entry.totalMs + gc.ms);
    entry.maxMs = round(Math.max(entry.maxMs, gc.ms));
  }
  return {
    ms: { p50: round(percentile(sorted, 50)), p95: round(percentile(sorted, 95)), p99: round(p99), max: round(sorted[sorted.length - 1] ?? 0) },
    slowestOnePercent: { count: slow.length, overlappingGc: slow.filter(overlapsGc).length },
    requestsOverlappingGc: withGc.length,
    p99WithoutGcRequests: round(percentile(withoutGc, 99)),
    gc: byKind,
  };
}

async function postOk(agent: http.Agent, port: number, body: string): Promise<string> {
  const { status, text } = await postGraphql(agent, port, body);
  if (status !== 200) throw new Error(`status ${status}: ${text.slice(0, 200)}`);
  return text;
}

async function timed(label: string, once: () => Promise<unknown>): Promise<void> {
  for (let warm = 0; warm < 200; warm++) await once();
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const samples: Sample[] = [];
  for (let index = 0; index < requests; index++) {
    const start = performance.now();
    await once();
    samples.push({ start, ms: performance.now() - start });
  }
  delay.disable();
  // GC entries reach the observer on a later turn of the event loop; let them arrive.
  await new Promise((resolve) => setTimeout(resolve, 20));
  const eventLoopDelayMs = { p99: Math.round(delay.percentile(99) / 1e4) / 100, max: Math.round(delay.max / 1e4) / 100 };
  const newSpace = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
  console.log(JSON.stringify({ bench: 'precomputed campaignFunnel profile', label, requests, ...describe(samples), eventLoopDelayMs, newSpaceMiB: Math.round(((newSpace?.space_size ?? 0) / 2 ** 20) * 10) / 10, load: os.loadavg().map((value) => Math.round(value * 10) / 10) }));
}

async function main(): Promise<void> {
  const lakeRoot = path.join(dir, 'lake');
  const home = path.join(dir, 'home');
  if (!existsSync(path.join(home))) throw new Error(`no precomputed metrics in ${home}: run bench/funnels.bench.js with C360_BENCH_DIR=${dir} first`);
  const level = (process.env.C360_PROFILE_LOG_LEVEL ?? 'error') as 'error' | 'info';
  const config = loadConfig({ C360_HOME: home, C360_LAKE: lakeRoot, C360_STREAM_CONSUME: 'false', C360_LOG_LEVEL: level, C360_API_KEYS: JSON.stringify([{ name: 'bench', key: BENCH_API_KEY, scopes: ['funnels:read'] }]) });
  const app = await createServer(config, new JsonLogger(level, {}));
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const service = app.get(FunnelsService);
  const from = shiftDay(toDay, -(days - 1));
  const request = { promotionId: 'promo_3', from, to: toDay };
  const first = await service.campaignFunnel(request);
  if (first.source !== 'precomputed') throw new Error('expected a precomputed answer: run bench/funnels.bench.js first');
  await timed(`service only (store read, JSON, merge), ${days}-day range`, () => service.campaignFunnel(request));
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const body = JSON.stringify({
    query: 'query($p: String!, $from: String!, $to: String!) { campaignFunnel(promotionId: $p, from: $from, to: $to) { source steps { name customers conversionFromPrevious medianSecondsFromPrevious } revenue viewThrough { steps { customers } } } }',
    variables: { p: 'promo_3', from, to: toDay },
  });
  await timed(`GraphQL over loopback, ${days}-day range (client in the same process)`, () => postOk(agent, port, body));
  agent.destroy();
  await app.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

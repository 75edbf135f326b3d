import { mkdirSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { customerEntityKey } from '../src/features/feature-definition';
import { FEATURES, FeatureRegistry } from '../src/features/feature-registry';
import { featurePartitionFile } from '../src/features/offline/feature-partitions';
import { servedFeatures } from '../src/features/offline/online-values';
import { sqlString } from '../src/lake/lake-relation';
import { DuckDbLakeEngine } from '../src/lake/duckdb/duckdb-lake-engine';
import { LakeLayout } from '../src/lake/lake-layout';
import { previewSegment } from '../src/segments/audience/preview';
import { EmbeddedSegmentRepository } from '../src/segments/embedded/embedded-segment-repository';
import { materializeSegments } from '../src/segments/materialize/materialize-segments';
import { snapshotSql, type SnapshotSegment } from '../src/segments/materialize/snapshot.sql';
import { RealtimeSegments } from '../src/segments/realtime/realtime-segments';
import { SegmentCatalog } from '../src/segments/segment-catalog';
import { DUCKDB_SEGMENT_DIALECT } from '../src/segments/sql/segment-dialect';
import { SegmentSqlContext } from '../src/segments/sql/segment-sql-context';
import { segmentSources, type SegmentSources } from '../src/segments/sql/segment-sources';
import { silentLogger } from '../src/shared/logger.port';
import { EmbeddedOnlineStore } from '../src/store/embedded/embedded-online-store';
import { segmentsBenchLake } from './segments-lake';

// Usage: C360_DIST=dist-seg npm test -- segments/definition (any build of bench/), then
//   node dist-seg/bench/segments.bench.js
//   C360_BENCH_CUSTOMERS (default 1000000), C360_BENCH_EVENTS_PER_CUSTOMER (default 4), C360_BENCH_THREADS (default 2),
//   C360_BENCH_RUNS (default 7), C360_BENCH_SNAPSHOT_RUNS (default 3), C360_BENCH_DIR (default $TMPDIR/c360-bench-segments-<customers>)
//   keeps the lake between runs.
// Previews and the snapshot query run side by side, alternating: events read from the stitched clickstream
// (what the daily run leaves) and events joined to the identity map (the fallback when it is missing or stale).

const customers = Number(process.env.C360_BENCH_CUSTOMERS ?? 1_000_000);
const eventsPerCustomer = Number(process.env.C360_BENCH_EVENTS_PER_CUSTOMER ?? 4);
const threads = Number(process.env.C360_BENCH_THREADS ?? 2);
const runs = Number(process.env.C360_BENCH_RUNS ?? 7);
const snapshotRuns = Number(process.env.C360_BENCH_SNAPSHOT_RUNS ?? 3);
const dir = process.env.C360_BENCH_DIR ?? path.join(os.tmpdir(), `c360-bench-segments-${customers}`);

/** Previews timed, one kind each: feature tests only, nested logic, behaviour with filters, another segment. */
const PREVIEWS: Record<string, unknown> = {
  'one feature test': { feature: 'gmv_365d', op: 'gt', value: 5000 },
  'nested and/or/not over 6 features': {
    all: [
      { any: [{ feature: 'rfm_recency_score', op: 'gte', value: 4 }, { feature: 'orders_90d', op: 'gte', value: 3 }] },
      { not: { feature: 'favourite_category', op: 'in', values: ['lab tests', 'consultations'] } },
      { feature: 'last_seen_at', op: 'within_last_days', value: 14 },
      { feature: 'cart_products', op: 'exists' },
      { feature: 'gmv_90d', op: 'between', min: 500, max: 20000 },
    ],
  },
  'behaviour: 2+ views of a category, price ≥ 1000, 14 days': {
    event: 'Product Viewed',
    atLeast: 2,
    inLastDays: 14,
    where: [{ property: 'category', op: 'in', values: ['wellness', 'personal care'] }, { property: 'price', op: 'gte', value: 1000 }],
  },
  'feature + behaviour + not behaviour, 7 days': {
    all: [{ feature: 'cart_products', op: 'exists' }, { event: 'Product Added', inLastDays: 7 }, { not: { event: 'Order Completed', inLastDays: 7 } }],
  },
  'another segment and a feature': { all: [{ segment: 'high-value' }, { feature: 'banner_clicks_30d', op: 'gte', value: 1 }] },
};

/** The 20 segments of the daily run: 14 on features only, 6 with behaviour. */
function twentySegments(): Array<[string, unknown]> {
  const segments: Array<[string, unknown]> = [
    ['high-value', { feature: 'gmv_365d', op: 'gt', value: 3000 }],
    ['cart-abandoners', PREVIEWS['feature + behaviour + not behaviour, 7 days']],
    ['wellness-browsers', PREVIEWS['behaviour: 2+ views of a category, price ≥ 1000, 14 days']],
    ['champions', PREVIEWS['nested and/or/not over 6 features']],
    ['banner-clickers', { event: 'Promotion Clicked', inLastDays: 30 }],
    ['viewed-not-clicked', { all: [{ event: 'Promotion Viewed', atLeast: 3, inLastDays: 30 }, { not: { event: 'Promotion Clicked', inLastDays: 30 } }] }],
    ['checkout-droppers', { all: [{ event: 'Checkout Started', inLastDays: 3 }, { not: { event: 'Order Completed', inLastDays: 3 } }] }],
    ['high-value-clickers', PREVIEWS['another segment and a feature']],
  ];
  const thresholds = [1, 2, 3, 5, 8, 13];
  for (const threshold of thresholds) segments.push([`orders-90d-${threshold}`, { feature: 'orders_90d', op: 'gte', value: threshold }]);
  for (const score of [1, 2, 3, 4, 5]) segments.push([`recency-${score}`, { all: [{ feature: 'rfm_recency_score', op: 'eq', value: score }, { feature: 'last_seen_at', op: 'within_last_days', value: 30 }] }]);
  segments.push(['promo-3-seen', { feature: 'last_banner_seen', op: 'eq', value: 'PROMO-3' }]);
  return segments;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
const spread = (times: number[]) => ({ medianMs: Math.round(median(times)), minMs: Math.round(Math.min(...times)), maxMs: Math.round(Math.max(...times)) });

type Events = 'stitched' | 'joined';
/** The day's relations with events read one way or the other; stitched requires the lake to have a current stitched clickstream. */
function sourcesFor(engine: DuckDbLakeEngine, layout: LakeLayout, day: string, events: Events): SegmentSources {
  const sources = segmentSources(engine, layout, day);
  if (events === 'stitched' && !sources.stitchedClickstream) throw new Error('the bench lake has no current stitched clickstream');
  return events === 'stitched' ? sources : { ...sources, stitchedClickstream: undefined };
}
/** Alternates the two ways, first one then the other, so load drifts hit both alike. */
const inTurn = (run: number): Events[] => (run % 2 === 0 ? ['stitched', 'joined'] : ['joined', 'stitched']);

async function main(): Promise<void> {
  const layout = new LakeLayout(path.join(dir, 'lake'));
  mkdirSync(layout.root, { recursive: true });
  const engine = await DuckDbLakeEngine.open({ lakeRoot: layout.root, threads });
  const prepared = performance.now();
  const lake = await segmentsBenchLake(engine, layout, customers, eventsPerCustomer);
  console.log(JSON.stringify({ bench: 'lake', ...lake, threads, preparedMs: Math.round(performance.now() - prepared) }));

  for (const name of ['segments', 'store']) rmSync(path.join(dir, name), { recursive: true, force: true });
  const repository = await EmbeddedSegmentRepository.open(path.join(dir, 'segments'));
  const store = await EmbeddedOnlineStore.open(path.join(dir, 'store'));
  const catalog = new SegmentCatalog(repository, new FeatureRegistry(), silentLogger);
  try {
    for (const [id, definition] of twentySegments()) await catalog.create({ id, name: id, definition }, 'bench');
    // Consent snapshots of earlier runs would make the first previews look faster than a fresh day's.
    rmSync(path.join(layout.zone('features'), 'marketing_consent'), { recursive: true, force: true });

    const preview = async (consent: string) => {
      for (const [label, definition] of Object.entries(PREVIEWS)) {
        const checked = await catalog.check(definition);
        const times: Record<Events, number[]> = { stitched: [], joined: [] };
        const sizes: Record<Events, number> = { stitched: 0, joined: 0 };
        // Run 0 of each warms the file cache and is not counted.
        for (let run = 0; run <= runs; run++) {
          for (const events of inTurn(run)) {
            const started = performance.now();
            const result = await previewSegment(engine, layout, checked, lake.day, 10, sourcesFor(engine, layout, lake.day, events));
            if (run > 0) times[events].push(performance.now() - started);
            sizes[events] = result.size;
          }
        }
        if (sizes.stitched !== sizes.joined) throw new Error(`${label}: ${sizes.stitched} members with stitched events, ${sizes.joined} joined`);
        const stitched = spread(times.stitched);
        const joined = spread(times.joined);
        console.log(JSON.stringify({ bench: 'preview', consent, label, size: sizes.stitched, stitched, joined, ratio: Number((stitched.medianMs / joined.medianMs).toFixed(2)), runs }));
      }
    };
    await preview('read from the clickstream (no snapshot of the day yet)');

    for (const [label, date] of [['first run: empty online store, no previous snapshot', lake.previousDay], ['daily run: previous snapshot, change feed', lake.day]] as const) {
      const started = performance.now();
      const summary = await materializeSegments({ date }, { engine, layout, store, catalog, logger: silentLogger });
      console.log(
        JSON.stringify({
          bench: 'materialize',
          label,
          date,
          segments: summary.segments.length,
          memberships: summary.segments.reduce((sum, segment) => sum + segment.members, 0),
          changes: summary.changes,
          customersWritten: summary.customersWritten,
          optedOut: summary.optedOut,
          ms: summary.ms,
          wallMs: Math.round(performance.now() - started),
          events: segmentSources(engine, layout, date).stitchedClickstream ? 'stitched' : 'joined',
        }),
      );
    }
    await preview('the day’s snapshot (after the daily run)');

    // The snapshot query alone (every segment's members of the day), side by side.
    const segments: SnapshotSegment[] = [];
    for (const segment of await catalog.list()) segments.push({ id: segment.id, version: segment.version, definition: await catalog.check(segment.definition, segment.id) });
    const scratch = path.join(dir, 'snapshot-scratch.parquet');
    const snapshotTimes: Record<Events, number[]> = { stitched: [], joined: [] };
    const rowsBy: Record<Events, number> = { stitched: 0, joined: 0 };
    for (let run = 0; run < snapshotRuns; run++) {
      for (const events of inTurn(run)) {
        const query = snapshotSql(segments, new SegmentSqlContext(lake.day, DUCKDB_SEGMENT_DIALECT, sourcesFor(engine, layout, lake.day, events)), undefined);
        const started = performance.now();
        const [row] = await engine.query(`COPY (${query.text}) TO ${sqlString(scratch)} (FORMAT parquet, COMPRESSION zstd)`, query.params);
        snapshotTimes[events].push(performance.now() - started);
        rowsBy[events] = Number(row?.Count ?? 0);
      }
    }
    rmSync(scratch, { force: true });
    if (rowsBy.stitched !== rowsBy.joined) throw new Error(`snapshot: ${rowsBy.stitched} memberships with stitched events, ${rowsBy.joined} joined`);
    console.log(
      JSON.stringify({ bench: 'snapshot query', segments: segments.length, memberships: rowsBy.stitched, stitched: spread(snapshotTimes.stitched), joined: spread(snapshotTimes.joined), ratio: Number((median(snapshotTimes.stitched) / median(snapshotTimes.joined)).toFixed(2)), runs: snapshotRuns }),
    );

    // The real-time path reads features from the online store: load the sampled customers' rows of the day.
    const ids = Array.from({ length: 10_000 }, (_, i) => `c${String((i * 97) % customers).padStart(7, '0')}`);
    const rows = await engine.query(`SELECT * FROM read_parquet(${sqlString(featurePartitionFile(layout, lake.day))}) WHERE customer_id IN (SELECT unnest(?))`, [ids]);
    await store.writeBatch(rows.map((row) => ({ entityKey: customerEntityKey(String(row.customer_id)), eventTime: Date.parse(`${lake.day}T23:59:59.999Z`), features: servedFeatures(row, FEATURES) })));
    const realtime = new RealtimeSegments(catalog, store, { publish: async () => undefined }, silentLogger, { now: () => Date.parse(`${lake.day}T23:59:59.999Z`) });
    await realtime.evaluate(ids.slice(0, 100));
    const started = performance.now();
    const result = await realtime.evaluate(ids);
    console.log(JSON.stringify({ bench: 'realtime', note: 'after the daily run: every decided verdict must agree (entered = exited = 0)', customers: result.customers, segments: 20, entered: result.entered, exited: result.exited, undecided: result.undecided, ms: Math.round(performance.now() - started) }));
  } finally {
    await store.close();
    await repository.close();
    await engine.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

import * as os from 'node:os';
import * as path from 'node:path';
import { FeatureRegistry } from '../src/features/feature-registry';
import { DuckDbLakeEngine } from '../src/lake/duckdb/duckdb-lake-engine';
import { LakeLayout } from '../src/lake/lake-layout';
import { checkDefinition } from '../src/segments/definition/check-definition';
import type { CheckedCondition } from '../src/segments/definition/segment-condition';
import type { BehaviourStrategy } from '../src/segments/sql/behaviour.sql';
import { DUCKDB_SEGMENT_DIALECT } from '../src/segments/sql/segment-dialect';
import { compileSegments } from '../src/segments/sql/segment-query.sql';
import { SegmentSqlContext } from '../src/segments/sql/segment-sql-context';
import { segmentSources } from '../src/segments/sql/segment-sources';
import { joinSql, raw, sql } from '../src/segments/sql/sql-fragment';
import { segmentsBenchLake } from './segments-lake';

// Usage (after segments.bench.js built the lake): node dist-seg/bench/segments-behaviour.bench.js
//   Counting behaviour two ways, side by side on the same lake, alternating runs: count(DISTINCT)
//   per behaviour, or one aggregation per (customer, message). Same env as segments.bench.ts.

const customers = Number(process.env.C360_BENCH_CUSTOMERS ?? 1_000_000);
const threads = Number(process.env.C360_BENCH_THREADS ?? 2);
const runs = Number(process.env.C360_BENCH_RUNS ?? 5);
const dir = process.env.C360_BENCH_DIR ?? path.join(os.tmpdir(), `c360-bench-segments-${customers}`);

const ONE = { event: 'Product Viewed', atLeast: 2, inLastDays: 14, where: [{ property: 'category', op: 'in', values: ['wellness', 'personal care'] }, { property: 'price', op: 'gte', value: 1000 }] };
const TWO = { all: [{ feature: 'cart_products', op: 'exists' }, { event: 'Product Added', inLastDays: 7 }, { not: { event: 'Order Completed', inLastDays: 7 } }] };
const SEVEN = [
  ONE,
  TWO,
  { event: 'Promotion Clicked', inLastDays: 30 },
  { all: [{ event: 'Promotion Viewed', atLeast: 3, inLastDays: 30 }, { not: { event: 'Promotion Clicked', inLastDays: 30 } }] },
  { all: [{ event: 'Checkout Started', inLastDays: 3 }, { not: { event: 'Order Completed', inLastDays: 3 } }] },
];

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

async function main(): Promise<void> {
  const layout = new LakeLayout(path.join(dir, 'lake'));
  const engine = await DuckDbLakeEngine.open({ lakeRoot: layout.root, threads });
  try {
    const lake = await segmentsBenchLake(engine, layout, customers, Number(process.env.C360_BENCH_EVENTS_PER_CUSTOMER ?? 4));
    const context = new SegmentSqlContext(lake.day, DUCKDB_SEGMENT_DIALECT, segmentSources(engine, layout, lake.day));
    const registry = new FeatureRegistry();
    const check = (definition: unknown) => checkDefinition(definition, { registry, segments: { find: async () => undefined } });
    const cases: Array<[string, CheckedCondition[]]> = [
      ['1 behaviour (preview)', [await check(ONE)]],
      ['2 behaviours (preview)', [await check(TWO)]],
      ['7 behaviours in 5 segments (daily run)', await Promise.all(SEVEN.map(check))],
    ];
    for (const [label, definitions] of cases) {
      const times: Record<BehaviourStrategy, number[]> = { distinct: [], 'per-message': [] };
      const sizes: Record<string, number> = {};
      for (let run = 0; run <= runs; run++) {
        for (const strategy of ['distinct', 'per-message'] as const) {
          const compiled = compileSegments(definitions, context, strategy);
          const flags = compiled.predicates.map((predicate) => sql`CASE WHEN ${predicate} THEN 1 ELSE 0 END`);
          const query = sql`WITH ${compiled.ctes} SELECT sum(${joinSql(flags, ' + ')}) AS n FROM ${raw(compiled.from)} WHERE NOT ${raw(compiled.optedOut)}`;
          const started = performance.now();
          const [row] = await engine.query(query.text, query.params);
          if (run > 0) times[strategy].push(performance.now() - started);
          sizes[strategy] = Number(row?.n);
        }
      }
      const distinct = median(times.distinct);
      const perMessage = median(times['per-message']);
      console.log(JSON.stringify({ bench: 'behaviour counting', label, memberships: sizes, distinctMedianMs: Math.round(distinct), perMessageMedianMs: Math.round(perMessage), perMessageOverDistinct: Number((perMessage / distinct).toFixed(2)), runs }));
    }
  } finally {
    await engine.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

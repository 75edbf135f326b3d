import type { FunnelSpec } from '../funnel-definition';
import { bucketSql } from '../time-histogram';
import { chainCtes } from './funnel-chain.sql';
import type { FunnelDialect } from './funnel-dialect';
import { sourceCtes, type Cte } from './funnel-sources.sql';
import { funnelSqlContext, outputKeys, unitKeys, type FunnelSources, type FunnelSqlContext } from './funnel-sql-context';
import { SqlParams, type BoundSql } from './sql-params';

export interface FunnelSqlOptions {
  /** Also return time-to-convert histograms (`hp<j>`, `hf<j>`), for precomputed metrics that merge across days. */
  histograms?: boolean;
}

/** Steps reached: the chain stops at its first missing step. */
function levelSql(steps: number): string {
  const cases = Array.from({ length: steps - 1 }, (_, index) => `WHEN t${index + 2} IS NULL THEN ${index + 1}`);
  return cases.length === 0 ? '1' : `CASE ${cases.join(' ')} ELSE ${steps} END`;
}

/**
 * One row per unit: its entry with the longest chain, the earliest such entry on ties, so a
 * customer is counted once per unit and their times come from one journey.
 */
function bestCtes(context: FunnelSqlContext, chain: string): Cte[] {
  const partition = ['cid', ...unitKeys(context)].join(', ');
  return [
    ['chains', `SELECT *, ${levelSql(context.spec.steps.length)} AS lvl FROM ${chain}`],
    ['best', `SELECT * FROM (
        SELECT *, row_number() OVER (PARTITION BY ${partition} ORDER BY lvl DESC, t1 ASC) AS rn FROM chains
      ) AS ranked WHERE rn = 1`],
  ];
}

/** Per step: units reaching it, median times from the previous and the first step, histograms. */
function measures(context: FunnelSqlContext, options: FunnelSqlOptions): string[] {
  const steps = context.spec.steps.length;
  const columns = ['count(*) AS c1'];
  for (let j = 2; j <= steps; j++) {
    const reached = `FILTER (WHERE lvl >= ${j})`;
    const fromPrevious = `t${j} - t${j - 1}`;
    const fromFirst = `t${j} - t1`;
    columns.push(
      `count(*) ${reached} AS c${j}`,
      `${context.dialect.median(fromPrevious)} ${reached} AS mp${j}`,
      `${context.dialect.median(fromFirst)} ${reached} AS mf${j}`,
    );
    if (options.histograms) {
      columns.push(`histogram(${bucketSql(fromPrevious)}) ${reached} AS hp${j}`, `histogram(${bucketSql(fromFirst)}) ${reached} AS hf${j}`);
    }
  }
  if (context.endsWithOrder) columns.push(`sum(amount) FILTER (WHERE lvl >= ${steps}) AS revenue`);
  return columns;
}

/**
 * The whole funnel as one statement. Every value from the request is a bound parameter; the only
 * text spliced in is fixed SQL, validated column names and the engine's relation names.
 */
export function funnelSql(spec: FunnelSpec, sources: FunnelSources, dialect: FunnelDialect, options: FunnelSqlOptions = {}): BoundSql {
  const params = new SqlParams();
  const context = funnelSqlContext(spec, sources, dialect, params);
  const chain = chainCtes(context);
  const ctes = [...sourceCtes(context), ...chain.ctes, ...bestCtes(context, chain.last)];
  const keys = outputKeys(context);
  const grouping = keys.length > 0 ? `\nGROUP BY ${keys.join(', ')}\nORDER BY ${keys.join(', ')}` : '';
  const sql = `WITH ${ctes.map(([name, body]) => `${name} AS (\n  ${body}\n)`).join(',\n')}
SELECT ${[...keys, ...measures(context, options)].join(',\n  ')}
FROM best${grouping}`;
  return params.finish(sql);
}

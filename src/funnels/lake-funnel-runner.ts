import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { stitchedClickstreamRelation } from '../identity/events/stitched-clickstream';
import type { LakeEngine } from '../lake/lake-engine.port';
import type { LakeLayout } from '../lake/lake-layout';
import { lakeRelation } from '../lake/lake-relation';
import { DomainError } from '../shared/domain-error';
import type { FunnelSpec } from './funnel-definition';
import type { FunnelRunner } from './funnel-runner.port';
import { statsFromRows, type FunnelGroupStats } from './funnel-stats';
import { dialectOf, type FunnelDialect } from './sql/funnel-dialect';
import { funnelSql, type FunnelSqlOptions } from './sql/funnel-query.sql';
import type { FunnelSources } from './sql/funnel-sql-context';
import { identityMapFile, identityMapRelation } from './sql/identity-map.sql';

/**
 * Where events get their customer. `auto`: from the stitched clickstream when a fresh one exists,
 * else by joining the identity map. `stitched` and `join` force one path (benchmarks and the tests
 * that check both give the same answer); `stitched` fails when the table is missing or stale.
 */
export type EventCustomerSource = 'auto' | 'stitched' | 'join';

/** Columns the funnel reads, typed, for a table that has no files yet (a fresh lake). */
const EMPTY_TABLES: Readonly<Record<'clickstream' | 'orders', string>> = {
  clickstream: `SELECT CAST(NULL AS VARCHAR) AS user_id, CAST(NULL AS VARCHAR) AS anonymous_id, CAST(NULL AS VARCHAR) AS event,
    CAST(NULL AS TIMESTAMP) AS event_time, CAST(NULL AS VARCHAR) AS os_name, CAST(NULL AS VARCHAR) AS promotion_id,
    CAST(NULL AS VARCHAR) AS order_id, CAST(NULL AS VARCHAR) AS properties, CAST(NULL AS DATE) AS dt LIMIT 0`,
  orders: `SELECT CAST(NULL AS VARCHAR) AS order_id, CAST(NULL AS VARCHAR) AS user_id, CAST(NULL AS VARCHAR) AS status,
    CAST(NULL AS VARCHAR) AS vertical, CAST(NULL AS VARCHAR) AS currency, CAST(NULL AS DECIMAL(12,2)) AS total_amount,
    CAST(NULL AS TIMESTAMP) AS created_at, CAST(NULL AS DATE) AS dt LIMIT 0`,
};

function hasPartitions(layout: LakeLayout, table: string): boolean {
  const dir = layout.processedTable(table);
  return existsSync(dir) && readdirSync(dir).some((name) => name.startsWith('dt=') && readdirSync(path.join(dir, name)).some((file) => file.endsWith('.parquet')));
}

/** Runs funnels on the lake engine: ad hoc from the API and CLI, and for the batch metrics job. */
export class LakeFunnelRunner implements FunnelRunner {
  constructor(
    private readonly engine: LakeEngine,
    private readonly layout: LakeLayout,
    private readonly dialect: FunnelDialect = dialectOf(engine),
    private readonly customers: EventCustomerSource = 'auto',
  ) {}

  async run(spec: FunnelSpec, options: FunnelSqlOptions = {}): Promise<FunnelGroupStats[]> {
    const { sql, params } = funnelSql(spec, this.sources(), this.dialect, options);
    const rows = await this.engine.query(sql, params);
    return statsFromRows(rows, spec.steps.length, spec.steps[spec.steps.length - 1]?.kind === 'order');
  }

  private sources(): FunnelSources {
    if (this.engine.dialect === 'athena') {
      return {
        clickstream: lakeRelation(this.engine, this.layout, 'processed', 'clickstream'),
        orders: lakeRelation(this.engine, this.layout, 'processed', 'orders'),
        identityMap: identityMapRelation(this.engine, this.layout),
      };
    }
    // Funnels count stitched customers; without a map every event would silently be dropped.
    if (!existsSync(identityMapFile(this.layout))) {
      throw new DomainError('UNAVAILABLE', 'No identity map yet: funnels count stitched customers, so run `c360 identity stitch` (or `c360 jobs run`) first');
    }
    const table = (name: 'clickstream' | 'orders') =>
      hasPartitions(this.layout, name) ? lakeRelation(this.engine, this.layout, 'processed', name) : `(${EMPTY_TABLES[name]})`;
    return {
      clickstream: table('clickstream'),
      orders: table('orders'),
      identityMap: identityMapRelation(this.engine, this.layout),
      stitchedClickstream: this.stitchedClickstream(),
    };
  }

  private stitchedClickstream(): string | undefined {
    if (this.customers === 'join') return undefined;
    const relation = stitchedClickstreamRelation(this.engine, this.layout);
    if (relation === undefined && this.customers === 'stitched') {
      throw new DomainError('UNAVAILABLE', 'No fresh stitched clickstream: run `c360 jobs run` (step identity.stitch-events) after the last stitch');
    }
    return relation;
  }
}

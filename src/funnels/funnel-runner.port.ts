import type { FunnelSpec } from './funnel-definition';
import type { FunnelGroupStats } from './funnel-stats';
import type { FunnelSqlOptions } from './sql/funnel-query.sql';

/** Computes a funnel over the lake; LakeFunnelRunner is the implementation, tests may substitute one. */
export interface FunnelRunner {
  /** One group per result row (promotion, entry day, breakdown value), as the spec asks. */
  run(spec: FunnelSpec, options?: FunnelSqlOptions): Promise<FunnelGroupStats[]>;
}

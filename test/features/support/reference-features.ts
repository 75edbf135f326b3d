import type { LakeEngine, LakeValue } from '../../../src/lake/lake-engine.port';
import type { LakeLayout } from '../../../src/lake/lake-layout';
import { sqlString } from '../../../src/lake/lake-relation';
import { identityMapFile } from '../../../src/features/sql/feature-sources';

/** The three specified features of one customer, computed without the feature SQL. */
export interface ReferenceValues {
  orders_30d: number;
  gmv_30d: number;
  banner_clicks_30d: number;
}

const DAY_MS = 86_400_000;

/** Plain rows of a processed table: only SELECT of columns, every rule is applied in TypeScript below. */
async function rows(engine: LakeEngine, glob: string, columns: string): Promise<Array<Record<string, LakeValue>>> {
  return engine.query(`SELECT ${columns} FROM read_parquet(${sqlString(glob)}, hive_partitioning = false)`);
}

const text = (value: LakeValue | undefined): string | null => (typeof value === 'string' ? value : null);
const millis = (value: LakeValue | undefined): number => (value instanceof Date ? value.getTime() : Number.NaN);

/**
 * The specification of orders_30d, gmv_30d and banner_clicks_30d as of the end of `day`, written
 * straight from the brief: window [D-29 00:00, D+1 00:00) UTC; an order counts unless its
 * (latest, i.e. processed) status is 'cancelled'; a click is the distinct messageId of a track
 * `Promotion Clicked`; a customer is map[user_id] for orders and map[user_id] ?? map[anonymous_id]
 * for events, identifiers trimmed.
 */
export async function referenceFeatures(engine: LakeEngine, layout: LakeLayout, day: string): Promise<{ values: Map<string, ReferenceValues>; anonymousClicks: number }> {
  const end = Date.parse(`${day}T00:00:00Z`) + DAY_MS;
  const start = end - 30 * DAY_MS;
  const inWindow = (ms: number) => ms >= start && ms < end;

  const map = new Map<string, string>();
  for (const row of await engine.query(`SELECT id_type, id_value, customer_id FROM read_parquet(${sqlString(identityMapFile(layout))})`)) {
    map.set(`${String(row.id_type)}|${String(row.id_value)}`, String(row.customer_id));
  }
  const customerOf = (type: string, value: string | null) => (value === null ? undefined : map.get(`${type}|${value.trim()}`));

  const result = new Map<string, ReferenceValues>();
  const entry = (customer: string): ReferenceValues => {
    const found = result.get(customer) ?? { orders_30d: 0, gmv_30d: 0, banner_clicks_30d: 0 };
    result.set(customer, found);
    return found;
  };

  for (const order of await rows(engine, `${layout.processedTable('orders')}/*/*.parquet`, 'user_id, status, total_amount, created_at')) {
    const customer = customerOf('user_id', text(order.user_id));
    const status = text(order.status);
    if (customer === undefined || !inWindow(millis(order.created_at)) || status?.toLowerCase() === 'cancelled') continue;
    const values = entry(customer);
    values.orders_30d += 1;
    // Cents as integers, so the reference sum is exact.
    values.gmv_30d += Math.round(Number(order.total_amount ?? 0) * 100);
  }
  for (const values of result.values()) values.gmv_30d /= 100;

  const clicks = new Map<string, Set<string>>();
  // Clicks made logged out by someone who has an account: the stitching case the spec calls out.
  let anonymousClicks = 0;
  for (const event of await rows(engine, `${layout.processedTable('clickstream')}/*/*.parquet`, 'message_id, type, event, user_id, anonymous_id, event_time')) {
    if (event.type !== 'track' || event.event !== 'Promotion Clicked' || !inWindow(millis(event.event_time))) continue;
    const byUser = customerOf('user_id', text(event.user_id));
    const customer = byUser ?? customerOf('anonymous_id', text(event.anonymous_id));
    if (customer === undefined) continue;
    if (byUser === undefined && customer.startsWith('cust-')) anonymousClicks += 1;
    const ids = clicks.get(customer) ?? new Set<string>();
    ids.add(String(event.message_id));
    clicks.set(customer, ids);
  }
  for (const [customer, ids] of clicks) entry(customer).banner_clicks_30d = ids.size;
  return { values: result, anonymousClicks };
}

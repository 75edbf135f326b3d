import { existsSync } from 'node:fs';
import type { LakeEngine, LakeValue } from '../../../src/lake/lake-engine.port';
import type { LakeLayout } from '../../../src/lake/lake-layout';
import { sqlString } from '../../../src/lake/lake-relation';
import { identityMapFile } from '../../../src/funnels/sql/identity-map.sql';

/** A clickstream event with its stitched customer, for the reference implementation. */
export interface RefEvent {
  customer: string;
  t: number;
  event: string;
  os: string | null;
  promotionId: string | null;
  orderId: string | null;
  properties: Record<string, unknown>;
}

export interface RefOrder {
  customer: string;
  t: number;
  orderId: string;
  amount: number | null;
  vertical: string | null;
  currency: string | null;
  status: string | null;
}

export interface RefData {
  events: RefEvent[];
  orders: RefOrder[];
}

function text(value: LakeValue | undefined): string | null {
  return value === null || value === undefined ? null : String(value);
}

function millis(value: LakeValue | undefined): number {
  if (value instanceof Date) return value.getTime();
  throw new Error(`expected a timestamp, got ${String(value)}`);
}

function parseProperties(value: LakeValue | undefined): Record<string, unknown> {
  if (typeof value !== 'string') return {};
  const parsed: unknown = JSON.parse(value);
  return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
}

/**
 * Plain rows of the processed zone and the identity map, with customers resolved in TypeScript:
 * user_id's customer, else anonymous_id's; orders by user_id. Rows without a customer are dropped.
 * SQL here only reads files; every funnel rule lives in reference-funnel.ts.
 */
export async function loadReferenceData(engine: LakeEngine, layout: LakeLayout): Promise<RefData> {
  const glob = (table: string) => sqlString(`${layout.processedTable(table)}/*/*.parquet`);
  const map = new Map<string, string>();
  for (const row of await engine.query(`SELECT * FROM read_parquet(${sqlString(identityMapFile(layout))})`)) {
    map.set(`${String(row.id_type)}\u0000${String(row.id_value)}`, String(row.customer_id));
  }
  const lookup = (type: string, value: string | null) => (value === null ? undefined : map.get(`${type}\u0000${value}`));

  const events: RefEvent[] = [];
  if (existsSync(layout.processedTable('clickstream'))) {
    const rows = await engine.query(
      `SELECT user_id, anonymous_id, event, event_time, os_name, promotion_id, order_id, properties FROM read_parquet(${glob('clickstream')})`,
    );
    for (const row of rows) {
      const customer = lookup('user_id', text(row.user_id)) ?? lookup('anonymous_id', text(row.anonymous_id));
      const event = text(row.event);
      if (customer === undefined || event === null) continue;
      events.push({
        customer,
        t: millis(row.event_time),
        event,
        os: text(row.os_name),
        promotionId: text(row.promotion_id),
        orderId: text(row.order_id),
        properties: parseProperties(row.properties),
      });
    }
  }

  const orders: RefOrder[] = [];
  if (existsSync(layout.processedTable('orders'))) {
    const rows = await engine.query(`SELECT order_id, user_id, status, vertical, currency, total_amount, created_at FROM read_parquet(${glob('orders')})`);
    for (const row of rows) {
      const customer = lookup('user_id', text(row.user_id));
      if (customer === undefined) continue;
      orders.push({
        customer,
        t: millis(row.created_at),
        orderId: String(row.order_id),
        amount: row.total_amount === null ? null : Number(row.total_amount),
        vertical: text(row.vertical),
        currency: text(row.currency),
        status: text(row.status),
      });
    }
  }
  return { events, orders };
}

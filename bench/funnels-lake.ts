import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { LakeEngine } from '../src/lake/lake-engine.port';
import type { LakeLayout } from '../src/lake/lake-layout';
import { sqlString } from '../src/lake/lake-relation';
import { identityMapFile } from '../src/funnels/sql/identity-map.sql';
import { stitchedClickstreamRelation, writeStitchedClickstream, type StitchedClickstreamSummary } from '../src/identity/events/stitched-clickstream';

export interface BenchLakeShape {
  events: number;
  customers: number;
  days: number;
  /** The last day; the lake covers the `days` before it, inclusive. */
  toDay: string;
}

export const PROMOTIONS = 10;

/**
 * A processed zone of `events` clickstream rows synthesized with DuckDB's range(), in the same
 * columns and dt= partitions as `lake process` writes, plus orders and an identity map. The
 * generator would need ~1M users for 10M events and hours; this takes a minute. Customers are
 * random, so funnels convert by chance; the shape (event mix, 40% anonymous events, JSON
 * properties, ~1 order per 3 customers, 5% cancelled) is what makes the timing honest.
 */
export async function synthesizeBenchLake(engine: LakeEngine, layout: LakeLayout, shape: BenchLakeShape): Promise<void> {
  const marker = path.join(layout.root, 'bench-shape.json');
  if (existsSync(marker)) return;
  const start = `TIMESTAMP '${shape.toDay} 00:00:00' - INTERVAL ${shape.days - 1} DAY`;
  const seconds = shape.days * 86_400;
  const clickstream = layout.processedTable('clickstream');
  const orders = layout.processedTable('orders');
  mkdirSync(clickstream, { recursive: true });
  mkdirSync(orders, { recursive: true });
  mkdirSync(path.dirname(identityMapFile(layout)), { recursive: true });
  await engine.execute(`COPY (
    WITH raw AS (
      SELECT i, hash(i) AS h, hash(i * 7 + 3) AS g,
        ${start} + to_seconds(CAST(hash(i * 13 + 1) % ${seconds} AS BIGINT)) + to_milliseconds(CAST(hash(i * 17) % 1000 AS BIGINT)) AS event_time
      FROM range(${shape.events}) AS t(i)
    ), typed AS (
      SELECT *, CAST(h % ${shape.customers} AS BIGINT) AS customer,
        CASE WHEN g % 100 < 20 THEN 'Promotion Viewed' WHEN g % 100 < 22 THEN 'Promotion Clicked' WHEN g % 100 < 62 THEN 'Product Viewed'
             WHEN g % 100 < 70 THEN 'Product Added' WHEN g % 100 < 73 THEN 'Checkout Started' ELSE NULL END AS event,
        'promo_' || CAST(hash(i * 31) % ${PROMOTIONS} AS VARCHAR) AS promo
      FROM raw
    )
    SELECT 'm' || i AS message_id, CASE WHEN event IS NULL THEN 'screen' ELSE 'track' END AS type, event, NULL AS name,
      'anon-' || customer || '-' || (g % 2) AS anonymous_id,
      CASE WHEN g % 10 < 6 THEN 'user-' || customer END AS user_id,
      NULL AS previous_id, NULL AS group_id, event_time, event_time AS original_timestamp, event_time AS sent_at, event_time AS received_at,
      'mobile' AS channel, 'device-' || customer AS device_id, ['Android', 'iOS', 'web'][1 + CAST(customer % 3 AS INTEGER)] AS os_name,
      CASE WHEN event LIKE 'Promotion%' THEN promo END AS promotion_id, NULL AS order_id, NULL::DOUBLE AS revenue,
      CASE WHEN event LIKE 'Promotion%' THEN '{"promotion_id":"' || promo || '","creative":"banner.webp","position":"home_hero"}'
           ELSE '{"product_id":"SKU' || (g % 500) || '","category":"' || ['medicines', 'wellness', 'lab tests'][1 + CAST(g % 3 AS INTEGER)] || '","price":' || (g % 2000) || '}' END AS properties,
      NULL AS traits, '{"os":{"name":"Android"}}' AS context,
      strftime(event_time, '%Y-%m-%d') AS dt
    FROM typed
  ) TO ${sqlString(clickstream)} (FORMAT parquet, PARTITION_BY (dt), COMPRESSION zstd)`);
  await engine.execute(`COPY (
    SELECT 'order-' || i AS order_id, 'user-' || CAST(hash(i * 5) % ${shape.customers} AS BIGINT) AS user_id, NULL AS phone, NULL AS email,
      CASE WHEN hash(i) % 100 < 5 THEN 'cancelled' ELSE 'delivered' END AS status,
      ['pharmacy', 'wellness', 'lab_tests', 'consultations'][1 + CAST(hash(i * 3) % 4 AS INTEGER)] AS vertical,
      CAST((hash(i * 11) % 500000) / 100.0 AS DECIMAL(12,2)) AS total_amount, 'INR' AS currency,
      ${start} + to_seconds(CAST(hash(i * 19) % ${seconds} AS BIGINT)) AS created_at,
      ${start} + to_seconds(CAST(hash(i * 19) % ${seconds} AS BIGINT)) AS updated_at,
      strftime(created_at, '%Y-%m-%d') AS dt
    FROM range(${Math.round(shape.customers / 3)}) AS t(i)
  ) TO ${sqlString(orders)} (FORMAT parquet, PARTITION_BY (dt), COMPRESSION zstd)`);
  await engine.execute(`COPY (
    SELECT 'user_id' AS id_type, 'user-' || i AS id_value, 'cust-' || i AS customer_id FROM range(${shape.customers}) AS t(i)
    UNION ALL SELECT 'anonymous_id', 'anon-' || i || '-' || k, 'cust-' || i FROM range(${shape.customers}) AS t(i), range(2) AS s(k)
  ) TO ${sqlString(identityMapFile(layout))} (FORMAT parquet)`);
  writeFileSync(marker, JSON.stringify(shape));
}

/**
 * The stitched clickstream the daily identity.stitch-events step would leave, built unless a fresh
 * one is there (or always with `force`, to time the step). Undefined when nothing was built.
 */
export async function stitchBenchLake(engine: LakeEngine, layout: LakeLayout, force = false): Promise<StitchedClickstreamSummary | undefined> {
  if (!force && stitchedClickstreamRelation(engine, layout) !== undefined) return undefined;
  return writeStitchedClickstream(engine, layout);
}

import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { LakeEngine } from '../src/lake/lake-engine.port';
import type { LakeLayout } from '../src/lake/lake-layout';
import { sqlString } from '../src/lake/lake-relation';

export interface IdentityBenchShape {
  /** People; about 4.4 distinct links each, so 2.3M people make about 10M edges. */
  people: number;
  days: number;
  /** The last day; the lake covers the `days` before it. */
  toDay: string;
}

/** Bumped when the synthesized tables change: 2 added api_logs.log_id, as processing writes it; 3 numbers its lines in time order. */
const BENCH_LAKE_FORMAT = 3;

/**
 * A processed zone shaped for identity stitching, synthesized with DuckDB's range() in the columns
 * `lake process` writes (the generator would need hours for 10M links). Per person: 1–2 devices,
 * each with an app install (anonymous id) seen anonymously first; 60% have an account, log in
 * (identify with email and phone traits, then tracked events), order with their phone and email,
 * and call APIs (device + account, some OTP requests with device + phone). Dirt as real feeds have
 * it: 1% of account holders also use a family tablet shared by ~3 accounts, 0.5% of logged-in events
 * carry the account id "null", 0.3% of devices send the all-zero id, 0.8% of orders test@test.com,
 * and 0.1% of anonymous devices are one of 50 kiosks used by hundreds of installs each.
 */
export async function synthesizeIdentityBenchLake(engine: LakeEngine, layout: LakeLayout, shape: IdentityBenchShape): Promise<void> {
  const marker = path.join(layout.root, 'bench-shape.json');
  // The lake's format goes in the marker too: a lake synthesized by an older bench is rewritten, not reused.
  const written = JSON.stringify({ ...shape, format: BENCH_LAKE_FORMAT });
  const tables = ['clickstream', 'orders', 'api_logs'];
  if (existsSync(marker)) {
    if (readFileSync(marker, 'utf8') === written) return;
    // A lake this bench synthesized, in another shape or an older format: its tables are the bench's own.
    for (const table of tables) rmSync(layout.processedTable(table), { recursive: true, force: true });
  } else if (tables.some((table) => existsSync(layout.processedTable(table)))) {
    throw new Error(`${layout.root} holds processed tables the bench did not write (no bench-shape.json; an interrupted synthesis leaves them too): delete ${layout.root} or point C360_BENCH_DIR elsewhere`);
  }
  const n = shape.people;
  const start = `TIMESTAMP '${shape.toDay} 00:00:00' - INTERVAL ${shape.days - 1} DAY`;
  const spanMs = shape.days * 86_400_000 - 3_600_000;
  // Each person's journey starts at a point spread over the window, in person order, minutes apart per event.
  const at = (offsetMs: string) => `${start} + to_milliseconds(CAST(i * ${spanMs} // ${n} + ${offsetMs} AS BIGINT))`;
  for (const table of tables) mkdirSync(layout.processedTable(table), { recursive: true });
  const people = `people AS (
      SELECT i, hash(i * 3 + 1) % 100 < 60 AS registered, 1 + CAST(hash(i * 5 + 2) % 100 < 40 AS INTEGER) AS devices,
        '98' || lpad(CAST(i AS VARCHAR), 8, '0') AS phone, 'person' || i || '@example.com' AS email
      FROM range(${n}) AS t(i)
    )`;
  await engine.execute(`COPY (
    WITH ${people}, devs AS (
      SELECT i, k, registered, phone, email, 'anon-' || i || '-' || k AS anonymous_id,
        CASE WHEN NOT registered AND hash(i * 7 + k) % 1000 = 0 THEN 'kiosk-' || (hash(i) % 50)
             WHEN hash(i * 11 + k) % 1000 < 3 THEN '00000000-0000-0000-0000-000000000000'
             ELSE 'dev-' || i || '-' || k END AS device_id
      FROM people, range(2) AS s(k) WHERE k < devices
    ), events AS (
      -- seq 0: anonymous browsing; account holders then identify (seq 1) and browse logged in.
      SELECT devs.*, seq FROM devs, range(4) AS r(seq) WHERE seq < 1 + (CASE WHEN registered THEN 2 ELSE 0 END) + hash(i * 13 + k) % 2
    ), tablets AS (
      SELECT i, 0 AS k, true AS registered, phone, email, 'anon-tablet-' || (hash(i * 19) % ${Math.max(1, Math.floor(n / 300))}) AS anonymous_id,
        'tablet-' || (hash(i * 19) % ${Math.max(1, Math.floor(n / 300))}) AS device_id, 2 AS seq
      FROM people WHERE registered AND hash(i * 23) % 100 = 0
    )
    SELECT 'm-' || i || '-' || k || '-' || seq || '-' || device_id AS message_id,
      CASE WHEN seq = 1 THEN 'identify' ELSE 'track' END AS type,
      CASE WHEN seq = 0 OR NOT registered THEN NULL WHEN hash(i * 17 + seq) % 1000 < 5 THEN 'null' ELSE 'u-' || i END AS user_id,
      anonymous_id, device_id, NULL::VARCHAR AS previous_id,
      CASE WHEN seq = 1 AND registered THEN '{"email":"' || email || '","phone":"+91 ' || phone || '"}' END AS traits,
      ${at('seq * 600000 + k * 60000')} AS event_time,
      strftime(event_time, '%Y-%m-%d') AS dt
    FROM (SELECT * FROM events UNION ALL SELECT * FROM tablets)
  ) TO ${sqlString(layout.processedTable('clickstream'))} (FORMAT parquet, PARTITION_BY (dt), COMPRESSION zstd)`);
  await engine.execute(`COPY (
    WITH ${people}
    SELECT 'OD' || i AS order_id, 'u-' || i AS user_id, '0' || phone AS phone,
      CASE WHEN hash(i * 29) % 1000 < 8 THEN 'test@test.com' ELSE upper(left(email, 1)) || substr(email, 2) END AS email,
      ${at('900000')} AS created_at, created_at AS updated_at, strftime(created_at, '%Y-%m-%d') AS dt
    FROM people WHERE registered
  ) TO ${sqlString(layout.processedTable('orders'))} (FORMAT parquet, PARTITION_BY (dt), COMPRESSION zstd)`);
  await engine.execute(`COPY (
    WITH ${people}, calls AS (
      SELECT i, phone, 'u-' || i AS user_id, 'dev-' || i || '-0' AS device_id, NULL AS call_phone, 'cart' AS service, '/v1/cart/items' AS path, 1200000 AS offset_ms
      FROM people WHERE registered AND hash(i * 31) % 100 < 50
      UNION ALL
      SELECT i, phone, NULL, 'dev-' || i || '-0', phone, 'auth', '/v1/auth/otp/send', 300000
      FROM people WHERE registered AND hash(i * 37) % 100 < 20
    )
    SELECT event_time, service, 'POST' AS method, path, 200 AS status, 40.0 AS latency_ms, user_id, device_id, phone, email,
      'raw/api_logs/dt=' || dt || '/part-' || (i % 64) || '.jsonl:' || row_number() OVER (PARTITION BY dt, i % 64 ORDER BY event_time, i, service) AS log_id, dt
    FROM (
      SELECT i, ${at('offset_ms')} AS event_time, service, path, user_id, device_id, call_phone AS phone, NULL::VARCHAR AS email, strftime(event_time, '%Y-%m-%d') AS dt
      FROM calls
    )
  ) TO ${sqlString(layout.processedTable('api_logs'))} (FORMAT parquet, PARTITION_BY (dt), COMPRESSION zstd)`);
  writeFileSync(marker, written);
}

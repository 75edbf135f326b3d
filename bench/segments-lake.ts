import { existsSync, mkdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import type { FeatureDefinition } from '../src/features/feature-definition';
import { FEATURES } from '../src/features/feature-registry';
import { featurePartitionDir, featurePartitionFile } from '../src/features/offline/feature-partitions';
import { shiftDay } from '../src/features/sql/as-of';
import { identityMapFile } from '../src/features/sql/feature-sources';
import { stitchedClickstreamRelation, writeStitchedClickstream, type StitchedClickstreamSummary } from '../src/identity/events/stitched-clickstream';
import type { LakeEngine } from '../src/lake/lake-engine.port';
import type { LakeLayout } from '../src/lake/lake-layout';
import { sqlString } from '../src/lake/lake-relation';

export const CATEGORIES = ['medicines', 'chronic care', 'wellness', 'personal care', 'lab tests', 'consultations'];
export const EVENTS: Array<[string, number]> = [
  ['Product Viewed', 50],
  ['Product Added', 20],
  ['Promotion Viewed', 15],
  ['Promotion Clicked', 7],
  ['Order Completed', 5],
  ['Checkout Started', 3],
];

/** A uniform [0, 1) fixed by (row, salt), DuckDB-side. */
const uniform = (row: string, salt: string) => `(hash(${row}, ${sqlString(salt)}) % 1000000) / 1000000.0`;
const pick = (row: string, salt: string, values: readonly string[]) => `([${values.map(sqlString).join(', ')}])[1 + CAST(hash(${row}, ${sqlString(salt)}) % ${values.length} AS INTEGER)]`;

/** A plausible value of a feature for customer `i` on day `day` (`salt` varies the day). */
function featureExpression(feature: FeatureDefinition, day: string, salt: string): string {
  const u = uniform('i', `${feature.name}${salt}`);
  const gate = (p: number, body: string) => `CASE WHEN ${uniform('i', `${feature.name}-null${salt}`)} < ${p} THEN NULL ELSE ${body} END`;
  switch (feature.type) {
    case 'int':
      if (feature.name.startsWith('rfm_')) return gate(0.4, `CAST(1 + floor(${u} * 5) AS BIGINT)`);
      if (feature.name.startsWith('days_since') || feature.name.startsWith('refill_due')) return gate(0.35, `CAST(floor(${u} * 200) AS BIGINT)`);
      return `CAST(floor(-ln(1 - ${u}) * ${feature.windowDays !== undefined && feature.windowDays > 30 ? 2 : 0.7}) AS BIGINT)`;
    case 'float':
      return feature.name.includes('gmv') ? `round(-ln(1 - ${u}) * 1500, 2)` : gate(0.6, `round(20 + ${u} * 20, 1)`);
    case 'string':
      return feature.name === 'favourite_category' ? gate(0.5, pick('i', `${feature.name}${salt}`, CATEGORIES)) : gate(0.4, `'PROMO-' || CAST(hash(i, ${sqlString(feature.name + salt)}) % 20 AS VARCHAR)`);
    case 'bool':
      return `${u} < 0.5`;
    case 'timestamp':
      return gate(0.1, `TIMESTAMP '${day} 23:59:59' - to_seconds(CAST(floor(${u} * 60 * 86400) AS BIGINT))`);
    case 'string_list':
      return `CASE WHEN ${u} < 0.7 THEN CAST([] AS VARCHAR[]) ELSE list_transform(range(1 + CAST(hash(i, 'cart-n${salt}') % 3 AS INTEGER)), x -> 'P' || CAST(hash(i, x, 'cart${salt}') % 500 AS VARCHAR)) END`;
  }
}

const customerId = (row: string) => `'c' || lpad(CAST(${row} AS VARCHAR), 7, '0')`;

export interface SegmentsBenchLake {
  day: string;
  previousDay: string;
  customers: number;
  events: number;
  /** The stitched clickstream written by this call (absent when the lake already had a current one). */
  stitched?: StitchedClickstreamSummary;
}

/**
 * A synthetic lake for the segments benchmark, written with DuckDB's range(): the identity map,
 * the feature tables of two days (every registry feature, plausible spreads and nulls; the second
 * day's values drawn afresh for a tenth of the customers, so the change feed has work), a month of
 * processed clickstream (track events with product properties, and consent choices), and the
 * stitched clickstream the daily run's identity.stitch-events writes from them.
 */
export async function segmentsBenchLake(engine: LakeEngine, layout: LakeLayout, customers: number, eventsPerCustomer: number): Promise<SegmentsBenchLake> {
  const day = '2026-03-31';
  const previousDay = shiftDay(day, -1);
  const events = customers * eventsPerCustomer;
  const marker = path.join(layout.root, `.bench-${customers}x${eventsPerCustomer}`);
  if (!existsSync(marker)) {
    await writeLake(engine, layout, customers, events, day, previousDay);
    mkdirSync(marker);
  }
  const stitched = stitchedClickstreamRelation(engine, layout) ? undefined : await writeStitchedClickstream(engine, layout);
  return { day, previousDay, customers, events, ...(stitched ? { stitched } : {}) };
}

async function writeLake(engine: LakeEngine, layout: LakeLayout, customers: number, events: number, day: string, previousDay: string): Promise<void> {
  rmSync(layout.root, { recursive: true, force: true });
  mkdirSync(path.dirname(identityMapFile(layout)), { recursive: true });
  await engine.execute(`COPY (SELECT 'user_id' AS id_type, 'u' || CAST(i AS VARCHAR) AS id_value, ${customerId('i')} AS customer_id FROM range(${customers}) AS r(i)) TO ${sqlString(identityMapFile(layout))} (FORMAT parquet)`);
  for (const [date, salt] of [[previousDay, '-prev'], [day, '']] as const) {
    mkdirSync(featurePartitionDir(layout, date), { recursive: true });
    const columns = FEATURES.map((feature) => {
      const today = featureExpression(feature, date, '');
      // The previous day differs from today for a tenth of the customers.
      const expression = salt === '' ? today : `CASE WHEN ${uniform('i', 'changed')} < 0.1 THEN ${featureExpression(feature, date, salt)} ELSE ${today} END`;
      return `${expression} AS ${feature.name}`;
    });
    await engine.execute(
      `COPY (SELECT ${customerId('i')} AS customer_id, ${columns.join(',\n ')}, TIMESTAMP '${date} 23:59:59.999' AS event_timestamp FROM range(${customers}) AS r(i) ORDER BY customer_id)
       TO ${sqlString(featurePartitionFile(layout, date))} (FORMAT parquet, COMPRESSION zstd)`,
    );
  }
  const weights = EVENTS.map(([, weight]) => weight);
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  let cumulative = 0;
  const eventName = `CASE ${EVENTS.map(([name, weight]) => `WHEN ${uniform('e', 'event')} < ${(cumulative += weight) / total} THEN ${sqlString(name)}`).join(' ')} END`;
  const clickstream = layout.processedTable('clickstream');
  mkdirSync(clickstream, { recursive: true });
  await engine.execute(
    `COPY (
      WITH raw AS (
        SELECT e, e % ${customers} AS i, ${eventName} AS event,
          TIMESTAMP '${day} 23:59:59' - to_milliseconds(CAST(floor(${uniform('e', 'time')} * 30 * 86400000) AS BIGINT)) AS event_time
        FROM range(${events}) AS r(e)
        UNION ALL
        SELECT ${events} + i AS e, i, 'Segment Consent Preference Updated', TIMESTAMP '${day} 12:00:00' - to_days(CAST(i % 200 AS INTEGER))
        FROM range(${customers}) AS r(i) WHERE ${uniform('i', 'consent')} < 0.04
      )
      SELECT 'm' || CAST(e AS VARCHAR) AS message_id, 'track' AS type, event, 'u' || CAST(i AS VARCHAR) AS user_id, 'a' || CAST(i AS VARCHAR) AS anonymous_id, event_time,
        '{"product_id":"P' || CAST(hash(e, 'p') % 500 AS VARCHAR) || '","category":"' || ${pick('e', 'category', CATEGORIES)} || '","price":' || CAST(CAST(hash(e, 'price') % 3000 AS INTEGER) AS VARCHAR) || '}' AS properties,
        CASE WHEN event = 'Segment Consent Preference Updated' THEN '{"consent":{"categoryPreferences":{"Advertising":' || CASE WHEN ${uniform('i', 'allow')} < 0.75 THEN 'false' ELSE 'true' END || '}}}' ELSE '{}' END AS context,
        CAST(event_time AS DATE) AS dt
      FROM raw
    ) TO ${sqlString(clickstream)} (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (dt), OVERWRITE_OR_IGNORE)`,
  );
}

import { LakeLayout } from '../../../src/lake/lake-layout';
import type { LakeEngine } from '../../../src/lake/lake-engine.port';
import { processLake } from '../../../src/lake/processing/process-lake';
import { silentLogger } from '../../../src/shared/logger.port';

export type FeatureValues = Record<string, number | string | null>;

/**
 * What the batch path says the features are: the real raw → processed job (validation, dedup by
 * messageId) over the raw zone the collector wrote, then the features aggregated in SQL over the
 * processed zone, with anonymous ids stitched to the account they were first seen with. (A stand-in
 * for src/features/materialize-features.ts, which does not exist yet: swap it in when it lands.)
 */
export async function batchFeatures(lakeRoot: string, engine: LakeEngine): Promise<Map<string, FeatureValues>> {
  const layout = new LakeLayout(lakeRoot);
  await processLake(layout, engine, {}, silentLogger);
  const glob = `${layout.processedTable('clickstream')}/*/*.parquet`;
  const rows = await engine.query(`
    WITH e AS (SELECT * FROM read_parquet('${glob}', hive_partitioning = true, hive_types = {'dt': VARCHAR})),
    links AS (
      SELECT anon, arg_min(uid, t) AS uid FROM (
        SELECT anonymous_id AS anon, user_id AS uid, event_time AS t FROM e WHERE user_id IS NOT NULL AND anonymous_id IS NOT NULL AND anonymous_id <> user_id
        UNION ALL
        SELECT previous_id, user_id, event_time FROM e WHERE type = 'alias' AND user_id IS NOT NULL AND previous_id IS NOT NULL
      ) GROUP BY anon
    ),
    c AS (SELECT e.*, coalesce(e.user_id, l.uid, e.anonymous_id) AS customer FROM e LEFT JOIN links l ON l.anon = e.anonymous_id)
    SELECT customer,
      count(*) FILTER (WHERE type = 'track' AND event = 'Order Completed')::INTEGER AS orders_30d,
      round(coalesce(sum(revenue) FILTER (WHERE type = 'track' AND event = 'Order Completed'), 0), 6)::DOUBLE AS gmv_30d,
      count(*) FILTER (WHERE type = 'track' AND event = 'Promotion Clicked')::INTEGER AS banner_clicks_30d,
      count(*) FILTER (WHERE type = 'track' AND event = 'Promotion Viewed')::INTEGER AS banner_views_30d,
      arg_max(promotion_id, event_time) FILTER (WHERE type = 'track' AND event = 'Promotion Viewed') AS last_banner_seen,
      arg_max(promotion_id, event_time) FILTER (WHERE type = 'track' AND event = 'Promotion Clicked') AS last_banner_clicked,
      strftime(max(event_time), '%Y-%m-%dT%H:%M:%S.%g') || 'Z' AS last_seen_at
    FROM c GROUP BY customer ORDER BY customer`);
  return new Map(
    rows.map((row) => [
      String(row.customer),
      {
        orders_30d: Number(row.orders_30d),
        gmv_30d: Number(row.gmv_30d),
        banner_clicks_30d: Number(row.banner_clicks_30d),
        banner_views_30d: Number(row.banner_views_30d),
        last_banner_seen: (row.last_banner_seen as string | null) ?? null,
        last_banner_clicked: (row.last_banner_clicked as string | null) ?? null,
        last_seen_at: String(row.last_seen_at),
      },
    ]),
  );
}

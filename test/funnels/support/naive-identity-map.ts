import type { LakeEngine } from '../../../src/lake/lake-engine.port';
import type { LakeLayout } from '../../../src/lake/lake-layout';
import { sqlString } from '../../../src/lake/lake-relation';
import { identityMapFile } from '../../../src/funnels/sql/identity-map.sql';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';

/**
 * A stand-in for identity stitching on generated data, for tests only: an anonymous id seen with
 * exactly one user_id (on any event, or as an alias's previousId) belongs to that user's customer;
 * one seen with none is a customer of its own; one seen with several (a shared tablet) and junk
 * placeholders are left out, as the real rules leave them unlinked. Writes the same file and
 * columns as `c360 identity stitch`.
 */
export async function writeNaiveIdentityMap(engine: LakeEngine, layout: LakeLayout): Promise<void> {
  const clickstream = sqlString(`${layout.processedTable('clickstream')}/*/*.parquet`);
  const orders = sqlString(`${layout.processedTable('orders')}/*/*.parquet`);
  const junk = `('null', 'undefined', '0', 'none', 'nil', '00000000-0000-0000-0000-000000000000')`;
  const file = identityMapFile(layout);
  mkdirSync(path.dirname(file), { recursive: true });
  await engine.execute(`COPY (
    WITH pairs AS (
      SELECT anonymous_id AS anon, user_id AS uid FROM read_parquet(${clickstream})
      UNION ALL SELECT previous_id, user_id FROM read_parquet(${clickstream}) WHERE type = 'alias'
    ), clean AS (
      SELECT CASE WHEN lower(anon) IN ${junk} THEN NULL ELSE anon END AS anon,
             CASE WHEN lower(uid) IN ${junk} THEN NULL ELSE uid END AS uid
      FROM pairs
    ), anons AS (
      SELECT anon, count(DISTINCT uid) AS users, min(uid) AS uid FROM clean WHERE anon IS NOT NULL GROUP BY anon
    ), users AS (
      SELECT uid FROM clean WHERE uid IS NOT NULL
      UNION SELECT user_id FROM read_parquet(${orders}) WHERE user_id IS NOT NULL AND lower(user_id) NOT IN ${junk}
    )
    SELECT 'user_id' AS id_type, uid AS id_value, 'cust-' || uid AS customer_id FROM users
    UNION ALL
    SELECT 'anonymous_id', anon, CASE WHEN users = 1 THEN 'cust-' || uid ELSE 'anon-' || anon END FROM anons WHERE users <= 1
  ) TO ${sqlString(file)} (FORMAT parquet)`);
}

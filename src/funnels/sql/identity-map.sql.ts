import * as path from 'node:path';
import type { LakeEngine } from '../../lake/lake-engine.port';
import type { LakeLayout } from '../../lake/lake-layout';
import { sqlString } from '../../lake/lake-relation';

/** Where identity stitching writes the map from (id_type, id_value) to customer_id. */
export function identityMapFile(layout: LakeLayout): string {
  return path.join(layout.zone('identity'), 'identity_map', 'data.parquet');
}

/**
 * The identity map as a SQL relation: one Parquet file on the local lake, the Glue table
 * `identity_identity_map` on Athena (the lake's `<zone>_<table>` naming).
 */
export function identityMapRelation(engine: Pick<LakeEngine, 'dialect'>, layout: LakeLayout): string {
  if (engine.dialect === 'athena') return '"identity_identity_map"';
  return `read_parquet(${sqlString(identityMapFile(layout))})`;
}

/**
 * The identifiers funnels resolve, as a CTE body. Processed user_id and anonymous_id are already
 * trimmed and blank-free, matching how stitching normalizes them, so equality joins suffice; junk
 * identifiers are absent from the map and resolve to no customer.
 */
export function identifiersCte(relation: string): string {
  return `SELECT id_type, id_value, customer_id FROM ${relation} WHERE id_type IN ('user_id', 'anonymous_id')`;
}

/**
 * CTE bodies that give each row of `input` its stitched customer as `cid`: its user_id's customer,
 * else its anonymous_id's. Rows whose user_id resolved skip the anonymous lookup (most logged-in
 * traffic), which is why this is two joins over a UNION rather than two LEFT JOINs on every row.
 * Rows resolving to no customer (junk or unknown ids) are dropped.
 */
export function eventCustomerCtes(ids: string, input: string, columns: readonly string[]): Array<readonly [string, string]> {
  const kept = columns.map((column) => `r.${column}`).join(', ');
  return [
    ['by_user', `SELECT r.*, u.customer_id AS cid FROM ${input} AS r LEFT JOIN ${ids} AS u ON u.id_type = 'user_id' AND u.id_value = r.user_id`],
    [
      'ev',
      `SELECT r.cid, ${kept} FROM by_user AS r WHERE r.cid IS NOT NULL
      UNION ALL
      SELECT a.customer_id AS cid, ${kept} FROM by_user AS r JOIN ${ids} AS a ON a.id_type = 'anonymous_id' AND a.id_value = r.anonymous_id WHERE r.cid IS NULL`,
    ],
  ];
}

/** The stitched customer of an order: its user_id's customer (orders carry no anonymous id). */
export function orderCustomerJoin(ids: string, order: string): { joins: string; customer: string } {
  return {
    joins: `JOIN ${ids} AS by_user ON by_user.id_type = 'user_id' AND by_user.id_value = ${order}.user_id`,
    customer: 'by_user.customer_id',
  };
}

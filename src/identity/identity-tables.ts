import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { LakeEngine } from '../lake/lake-engine.port';
import type { LakeLayout } from '../lake/lake-layout';
import { sqlString } from '../lake/lake-relation';
import { DomainError } from '../shared/domain-error';

/**
 * The identity zone's tables, one Parquet file each, rewritten whole by every stitch:
 * - identity_map (id_type, id_value, customer_id, id_key): the contract every downstream job joins
 *   to on (id_type, id_value); id_key numbers the identifier within this stitch only;
 * - identity_edges: each linked pair, its ends named by id_key (a_key, b_key) with their types, with
 *   its provenance (first source and record, first and last seen, occurrences) and status (linked,
 *   capped:<type>, separated, indirect);
 * - identity_blocked: values that normalized to nothing, with how often they appeared.
 * identity_map and identity_edges carry the id of the stitch that wrote them (STITCH_ID_METADATA_KEY
 * in their Parquet metadata): edges resolve their keys only through the map of the same stitch.
 */
export const IDENTITY_TABLES = ['identity_map', 'identity_edges', 'identity_blocked'] as const;
export type IdentityTable = (typeof IDENTITY_TABLES)[number];

export function identityTableFile(layout: LakeLayout, table: IdentityTable): string {
  return path.join(layout.zone('identity'), table, 'data.parquet');
}

export function hasIdentityTable(layout: LakeLayout, table: IdentityTable): boolean {
  return existsSync(identityTableFile(layout, table));
}

/** The table as a SQL relation: the file on the local lake, the Glue table `identity_<table>` on Athena. */
export function identityRelation(engine: Pick<LakeEngine, 'dialect'>, layout: LakeLayout, table: IdentityTable): string {
  if (engine.dialect === 'athena') return `"identity_${table}"`;
  return `read_parquet(${sqlString(identityTableFile(layout, table))})`;
}

/** The Parquet key-value metadata entry naming the stitch that wrote identity_map and identity_edges. */
export const STITCH_ID_METADATA_KEY = 'c360.stitch_id';

/**
 * Fails unless identity_map and identity_edges come from one stitch, so that edge keys resolve
 * through the map: a stitch renames them in one after the other, and a zone written before the
 * edges named their ends by key has no stitch id at all. Local lake (DuckDB) only.
 */
export async function assertOneStitch(engine: Pick<LakeEngine, 'query'>, layout: LakeLayout): Promise<string> {
  const files = (['identity_map', 'identity_edges'] as const).map((table) => identityTableFile(layout, table));
  const rows = await engine.query(
    `SELECT file_name, decode(value) AS stitch_id FROM parquet_kv_metadata([${files.map(sqlString).join(', ')}]) WHERE decode(key) = ${sqlString(STITCH_ID_METADATA_KEY)}`,
  );
  const ids = files.map((file) => rows.find((row) => row.file_name === file)?.stitch_id);
  if (ids.some((id) => id === undefined || id === null)) {
    throw new DomainError('CONFLICT', 'the identity zone was written by an earlier version of c360, before identity_edges named identifiers by id_key: run `c360 identity stitch` again');
  }
  if (ids[0] !== ids[1]) {
    throw new DomainError(
      'CONFLICT',
      'identity_map and identity_edges come from different stitches (one is renaming them in, or one stopped between the two): run this again, and `c360 identity stitch` if it persists',
    );
  }
  return String(ids[0]);
}

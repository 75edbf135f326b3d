import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { LakeEngine } from '../lake/lake-engine.port';
import type { LakeLayout } from '../lake/lake-layout';
import { sqlString } from '../lake/lake-relation';

/**
 * The identity zone's tables, one Parquet file each, rewritten whole by every stitch:
 * - identity_map (id_type, id_value, customer_id): the contract every downstream job joins to;
 * - identity_edges: each linked pair with its provenance (first source and record, first and last
 *   seen, occurrences) and status (linked, capped:<type>, separated);
 * - identity_blocked: values that normalized to nothing, with how often they appeared.
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

import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { LakeEngine } from '../../../src/lake/lake-engine.port';
import type { LakeLayout } from '../../../src/lake/lake-layout';
import { sqlString } from '../../../src/lake/lake-relation';
import { identityMapFile } from '../../../src/features/sql/feature-sources';

export interface IdentityRow {
  type: string;
  value: string;
  customer: string;
}

/** Writes an identity map with the columns identity stitching writes (id_type, id_value, customer_id). */
export async function writeIdentityMap(engine: LakeEngine, layout: LakeLayout, rows: readonly IdentityRow[]): Promise<void> {
  const file = identityMapFile(layout);
  mkdirSync(path.dirname(file), { recursive: true });
  const staging = `${file}.jsonl`;
  writeFileSync(staging, rows.map((row) => JSON.stringify({ id_type: row.type, id_value: row.value, customer_id: row.customer })).join('\n'));
  await engine.execute(
    `COPY (SELECT * FROM read_json(${sqlString(staging)}, format = 'newline_delimited', columns = {id_type: 'VARCHAR', id_value: 'VARCHAR', customer_id: 'VARCHAR'}))
     TO ${sqlString(file)} (FORMAT parquet)`,
  );
  rmSync(staging);
}

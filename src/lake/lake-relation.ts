import type { LakeEngine } from './lake-engine.port';
import type { LakeLayout, Zone } from './lake-layout';

/** SQL string literal with single quotes doubled; for paths, never for user input. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * How a zone's table is named in SQL: DuckDB reads the Parquet files of the local lake directly,
 * Athena reads the Glue table `<zone>_<table>` over the same S3 layout.
 */
export function lakeRelation(engine: Pick<LakeEngine, 'dialect'>, layout: LakeLayout, zone: Zone, table: string): string {
  if (engine.dialect === 'athena') return `"${zone}_${table.replaceAll('"', '')}"`;
  const glob = `${layout.zone(zone)}/${table}/*/*.parquet`;
  return `read_parquet(${sqlString(glob)}, hive_partitioning = true, union_by_name = true)`;
}

/** The column names of a relation, as DuckDB reads it (for a lake table read by name, the union of its files' columns). DuckDB SQL. */
export async function relationColumnNames(engine: Pick<LakeEngine, 'query'>, relation: string): Promise<string[]> {
  return (await engine.query(`DESCRIBE SELECT * FROM ${relation}`)).map((row) => String(row.column_name));
}

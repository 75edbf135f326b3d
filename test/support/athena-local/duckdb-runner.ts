import * as path from 'node:path';
import { DuckDBInstance, DuckDBTypeId, ResultReturnType, type DuckDBConnection, type DuckDBType } from '@duckdb/node-api';
import { athenaTextOf, athenaTypeOf } from './duckdb-to-athena';

/** One entry of Athena's ResultSetMetadata.ColumnInfo. */
export interface AthenaColumnInfo {
  CatalogName: string;
  SchemaName: string;
  TableName: string;
  Name: string;
  Label: string;
  Type: string;
  Precision: number;
  Scale: number;
  Nullable: 'UNKNOWN';
  CaseSensitive: boolean;
}

/** A finished statement's answer, already in Athena's text form (undefined = NULL). */
export interface ResultTable {
  columns: AthenaColumnInfo[];
  rows: Array<Array<string | undefined>>;
  updateCount: number;
}

export type StatementType = 'DDL' | 'DML' | 'UTILITY';

/** Athena's StatementType: SELECT, INSERT, CTAS and UNLOAD are DML; SHOW/DESCRIBE/EXPLAIN are UTILITY; the rest DDL. */
export function statementTypeOf(sql: string): StatementType {
  const text = sql.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, ' ').trim().replace(/^\(+\s*/, '');
  const keyword = /^[a-z]+/i.exec(text)?.[0]?.toUpperCase() ?? '';
  if (['SELECT', 'WITH', 'VALUES', 'TABLE', 'FROM', 'INSERT', 'UPDATE', 'DELETE', 'MERGE', 'UNLOAD', 'COPY'].includes(keyword)) return 'DML';
  if (['SHOW', 'DESCRIBE', 'DESC', 'EXPLAIN'].includes(keyword)) return 'UTILITY';
  if (keyword === 'CREATE' && /^CREATE\s+(?:OR\s+REPLACE\s+)?(?:TEMP\w*\s+)?TABLE\b[\s\S]*?\bAS\s*(?:\(|SELECT\b|WITH\b|VALUES\b)/i.test(text)) return 'DML';
  return 'DDL';
}

/** An in-memory DuckDB whose relative paths resolve in `lakeRoot`, with UTC as its zone like Athena's. */
export async function openDuckDb(lakeRoot: string | undefined): Promise<DuckDBInstance> {
  const instance = await DuckDBInstance.create(':memory:', {
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'true',
    threads: '2',
    ...(lakeRoot ? { file_search_path: path.resolve(lakeRoot) } : {}),
  });
  const connection = await instance.connect();
  try {
    await connection.run("SET GLOBAL TimeZone = 'UTC'");
  } finally {
    connection.closeSync();
  }
  return instance;
}

/** Runs one statement and renders its result the way GetQueryResults would. */
export async function runStatement(connection: DuckDBConnection, sql: string): Promise<ResultTable> {
  const reader = await connection.runAndReadAll(sql);
  if (reader.returnType === ResultReturnType.CHANGED_ROWS) return { columns: [], rows: [], updateCount: reader.rowsChanged };
  // CREATE/DROP answer a `Count` column in DuckDB; Athena returns no result set for DDL.
  if (reader.returnType !== ResultReturnType.QUERY_RESULT) return { columns: [], rows: [], updateCount: 0 };
  const types = reader.columnTypes();
  const columns = reader.columnNames().map((name, index) => columnInfo(name, types[index]));
  const rows = reader.getRows().map((row) => row.map((value, index) => {
    const type = types[index];
    return type ? athenaTextOf(value, type) : undefined;
  }));
  return { columns, rows, updateCount: 0 };
}

function columnInfo(name: string, type: DuckDBType | undefined): AthenaColumnInfo {
  const athenaType = type ? athenaTypeOf(type) : 'varchar';
  const decimal = type?.typeId === DuckDBTypeId.DECIMAL ? type : undefined;
  return {
    CatalogName: 'hive',
    SchemaName: '',
    TableName: '',
    Name: name,
    Label: name,
    Type: athenaType,
    Precision: decimal ? decimal.width : athenaType === 'varchar' ? 2147483647 : 0,
    Scale: decimal ? decimal.scale : 0,
    Nullable: 'UNKNOWN',
    CaseSensitive: athenaType === 'varchar',
  };
}

import { GetQueryResultsCommand, type AthenaClient, type ColumnInfo, type Row } from '@aws-sdk/client-athena';
import type { LakeRow } from '../lake-engine.port';
import { decodeAthenaValue } from './athena-values';

/** GetQueryResults refuses MaxResults above this. */
export const MAX_PAGE_SIZE = 1000;

interface Column {
  key: string;
  name: string;
  type: string | undefined;
}

export interface ReadOptions {
  pageSize: number;
  /** False for DDL and UTILITY statements, whose first row is data even when it equals the column names. */
  mayHaveHeader: boolean;
  /** Aborts the page requests (timeout, caller, close). */
  signal: AbortSignal;
}

/** Reads every page of a SUCCEEDED query's results; column metadata comes with the first page. */
export async function readAllRows(client: AthenaClient, queryExecutionId: string, { pageSize, mayHaveHeader, signal }: ReadOptions): Promise<LakeRow[]> {
  const rows: LakeRow[] = [];
  let columns: Column[] | undefined;
  let nextToken: string | undefined;
  do {
    const page = await client.send(new GetQueryResultsCommand({ QueryExecutionId: queryExecutionId, MaxResults: pageSize, NextToken: nextToken }), {
      abortSignal: signal,
    });
    let pageRows = page.ResultSet?.Rows ?? [];
    if (!columns) {
      columns = columnsOf(page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []);
      if (mayHaveHeader && isHeaderRow(pageRows[0], columns)) pageRows = pageRows.slice(1);
    }
    for (const row of pageRows) rows.push(toLakeRow(row, columns));
    nextToken = page.NextToken;
  } while (nextToken);
  return rows;
}

/** Repeated names get `:1`, `:2` suffixes, as the DuckDB engine's rows do, so no column overwrites another. */
function columnsOf(info: readonly ColumnInfo[]): Column[] {
  const seen = new Map<string, number>();
  return info.map((column, index) => {
    const name = column.Label ?? column.Name ?? `_col${index}`;
    const count = seen.get(name) ?? 0;
    seen.set(name, count + 1);
    return { key: count === 0 ? name : `${name}:${count}`, name: column.Name ?? name, type: column.Type };
  });
}

/**
 * SELECT results start with a row of column names. Checking the values too (as PyAthena does)
 * keeps a first data row when a result comes without the header.
 */
function isHeaderRow(row: Row | undefined, columns: readonly Column[]): boolean {
  if (!row?.Data || columns.length === 0 || row.Data.length !== columns.length) return false;
  return row.Data.every((datum, index) => datum.VarCharValue === columns[index]?.name);
}

function toLakeRow(row: Row, columns: readonly Column[]): LakeRow {
  const result: LakeRow = {};
  columns.forEach((column, index) => {
    result[column.key] = decodeAthenaValue(row.Data?.[index]?.VarCharValue, column.type);
  });
  return result;
}

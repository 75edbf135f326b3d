import { DuckDBDataChunk, DuckDBTypeId, INTEGER, type DuckDBConnection } from '@duckdb/node-api';
import type { NumberColumn, NumberColumnKind, NumberColumnOf } from '../lake-columns.port';

const TYPE_OF_KIND: Record<NumberColumnKind, DuckDBTypeId> = { int32: DuckDBTypeId.INTEGER, float64: DuckDBTypeId.DOUBLE };
const SQL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const FIRST_CAPACITY = 1 << 16;

function grown<T extends NumberColumn>(column: T, capacity: number): T {
  const larger = (column instanceof Int32Array ? new Int32Array(capacity) : new Float64Array(capacity)) as T;
  larger.set(column);
  return larger;
}

/** LakeColumns.readNumberColumns on one connection: the result streamed chunk by chunk into growing typed arrays. */
export async function readNumberColumns<const K extends readonly NumberColumnKind[]>(
  connection: DuckDBConnection,
  sql: string,
  kinds: K,
): Promise<{ -readonly [I in keyof K]: NumberColumnOf<K[I]> }> {
  const result = await connection.stream(sql);
  if (result.columnCount !== kinds.length) throw new Error(`expected ${kinds.length} columns, the query returns ${result.columnCount}`);
  kinds.forEach((kind, index) => {
    if (result.columnTypeId(index) !== TYPE_OF_KIND[kind]) {
      throw new Error(`column ${index + 1} (${result.columnName(index)}) is ${result.columnType(index).toString()}, expected ${kind === 'int32' ? 'INTEGER' : 'DOUBLE'}`);
    }
  });
  let capacity = FIRST_CAPACITY;
  let columns: NumberColumn[] = kinds.map((kind) => (kind === 'int32' ? new Int32Array(capacity) : new Float64Array(capacity)));
  let rows = 0;
  for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
    const count = chunk.rowCount;
    if (rows + count > capacity) {
      while (rows + count > capacity) capacity *= 2;
      columns = columns.map((column) => grown(column, capacity));
    }
    for (let index = 0; index < columns.length; index++) {
      const vector = chunk.getColumnVector(index);
      const column = columns[index];
      for (let row = 0; row < count; row++) {
        const value = vector.getItem(row);
        if (typeof value !== 'number') throw new Error(`column ${index + 1} (${result.columnName(index)}) is NULL in row ${rows + row + 1}`);
        column[rows + row] = value;
      }
    }
    rows += count;
  }
  // Column i was made for kinds[i] above, which is what the mapped type says.
  return columns.map((column) => column.slice(0, rows)) as unknown as { -readonly [I in keyof K]: NumberColumnOf<K[I]> };
}

/** LakeColumns.writeIntegerTable on one connection: the table created, then filled through an appender a chunk at a time. */
export async function writeIntegerTable(
  connection: DuckDBConnection,
  schema: string,
  table: string,
  columns: ReadonlyArray<readonly [name: string, values: Int32Array]>,
): Promise<void> {
  for (const name of [schema, table, ...columns.map(([column]) => column)]) {
    if (!SQL_NAME.test(name)) throw new Error(`not a plain SQL name: ${JSON.stringify(name)}`);
  }
  if (columns.length === 0) throw new Error(`${schema}.${table}: no columns`);
  const rows = columns[0][1].length;
  if (columns.some(([, values]) => values.length !== rows)) throw new Error(`${schema}.${table}: columns of different lengths`);
  await connection.run(`CREATE OR REPLACE TABLE ${schema}.${table} (${columns.map(([name]) => `${name} INTEGER`).join(', ')})`);
  const appender = await connection.createAppender(table, schema);
  try {
    const size = 2048;
    const chunk = DuckDBDataChunk.create(columns.map(() => INTEGER), size);
    for (let start = 0; start < rows; start += size) {
      const count = Math.min(size, rows - start);
      chunk.rowCount = count;
      columns.forEach(([, values], index) => {
        const vector = chunk.getColumnVector(index);
        for (let row = 0; row < count; row++) vector.setItem(row, values[start + row]);
        vector.flush();
      });
      appender.appendDataChunk(chunk);
    }
  } finally {
    appender.closeSync();
  }
}

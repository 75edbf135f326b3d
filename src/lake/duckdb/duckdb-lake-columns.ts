import { DuckDBDataChunk, DuckDBTypeId, INTEGER, type DuckDBConnection } from '@duckdb/node-api';
import duckdb from '@duckdb/node-bindings';
import type { NumberColumn, NumberColumnKind, NumberColumnOf } from '../lake-columns.port';

const TYPE_OF_KIND: Record<NumberColumnKind, DuckDBTypeId> = { int32: DuckDBTypeId.INTEGER, float64: DuckDBTypeId.DOUBLE };
const SQL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const BLOCK_ROWS = 1 << 20;

/** Row of the first NULL in the first `count` rows of a vector's validity mask (bit set = valid), or -1. */
function firstNull(validity: Uint8Array | null, count: number): number {
  if (!validity) return -1;
  for (let byte = 0; byte * 8 < count; byte++) {
    const bits = Math.min(8, count - byte * 8);
    const mask = (1 << bits) - 1;
    if ((validity[byte] & mask) !== mask) {
      for (let bit = 0; bit < bits; bit++) if ((validity[byte] & (1 << bit)) === 0) return byte * 8 + bit;
    }
  }
  return -1;
}

/**
 * The first `count` values of a vector of `kind`, copied into `column` at `offset`; the row of a NULL
 * instead, if one is there. Columns cross a vector at a time, as one copy of its data, through the C
 * API @duckdb/node-api is built on (@duckdb/node-bindings): its per-value accessors (getItem,
 * setItem) cost 1.2 s per ten million rows of four columns, more than twice what streaming them costs DuckDB.
 */
function copyVector(chunk: DuckDBDataChunk, index: number, kind: NumberColumnKind, count: number, column: NumberColumn, offset: number): number {
  const vector = duckdb.data_chunk_get_vector(chunk.chunk, index);
  // A NULL-free vector may have no mask at all (null), or one with every bit set.
  const missing = firstNull(duckdb.vector_get_validity(vector, Math.ceil(count / 64) * 8), count);
  if (missing >= 0) return missing;
  const width = kind === 'int32' ? Int32Array.BYTES_PER_ELEMENT : Float64Array.BYTES_PER_ELEMENT;
  const data = duckdb.vector_get_data(vector, count * width);
  column.set(kind === 'int32' ? new Int32Array(data.buffer, data.byteOffset, count) : new Float64Array(data.buffer, data.byteOffset, count), offset);
  return -1;
}

/** LakeColumns.readNumberColumns on one connection: the result streamed chunk by chunk into typed arrays. */
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
  // Filled in blocks, then joined once the row count is known: growing one array by doubling copied
  // and zero-filled each column several times over (0.5 s of 1.3 at ten million rows).
  const blocks: NumberColumn[][] = [];
  let block: NumberColumn[] = [];
  let filled = BLOCK_ROWS;
  let rows = 0;
  for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
    const count = chunk.rowCount;
    if (filled + count > BLOCK_ROWS) {
      if (blocks.length > 0) blocks[blocks.length - 1] = block.map((column) => column.subarray(0, filled));
      block = kinds.map((kind) => (kind === 'int32' ? new Int32Array(Math.max(BLOCK_ROWS, count)) : new Float64Array(Math.max(BLOCK_ROWS, count))));
      blocks.push(block);
      filled = 0;
    }
    for (let index = 0; index < kinds.length; index++) {
      const missing = copyVector(chunk, index, kinds[index], count, block[index], filled);
      if (missing >= 0) throw new Error(`column ${index + 1} (${result.columnName(index)}) is NULL in row ${rows + missing + 1}`);
    }
    filled += count;
    rows += count;
  }
  if (blocks.length > 0) blocks[blocks.length - 1] = block.map((column) => column.subarray(0, filled));
  const columns = kinds.map((kind, index) => {
    const column = kind === 'int32' ? new Int32Array(rows) : new Float64Array(rows);
    let offset = 0;
    for (const parts of blocks) {
      column.set(parts[index], offset);
      offset += parts[index].length;
    }
    return column;
  });
  // Column i was made for kinds[i] above, which is what the mapped type says.
  return columns as unknown as { -readonly [I in keyof K]: NumberColumnOf<K[I]> };
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
    // The C API copies from an ArrayBuffer; a column on shared memory is copied out once first.
    const sources = columns.map(([, values]) => (values.buffer instanceof ArrayBuffer ? { buffer: values.buffer, byteOffset: values.byteOffset } : { buffer: new Int32Array(values).buffer, byteOffset: 0 }));
    for (let start = 0; start < rows; start += size) {
      const count = Math.min(size, rows - start);
      chunk.rowCount = count;
      sources.forEach(({ buffer, byteOffset }, index) => {
        // A new chunk's vectors have no validity mask: every row is valid.
        const vector = duckdb.data_chunk_get_vector(chunk.chunk, index);
        duckdb.copy_data_to_vector(vector, 0, buffer, byteOffset + start * Int32Array.BYTES_PER_ELEMENT, count * Int32Array.BYTES_PER_ELEMENT);
      });
      appender.appendDataChunk(chunk);
    }
  } finally {
    appender.closeSync();
  }
}

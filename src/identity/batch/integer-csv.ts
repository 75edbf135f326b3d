import { closeSync, openSync, readSync, writeSync } from 'node:fs';

// The lake engine and the stitcher exchange the graph as CSV files of integers: DuckDB writes and
// reads them at hundreds of MB/s, and parsing them byte by byte into typed arrays costs about a
// second per ten million rows, with no JavaScript object per row (the query API would make one per
// row and value, which for ten million edges is most of the time and memory budget).

const READ_CHUNK = 1 << 22;
const WRITE_CHUNK = 1 << 20;
const COMMA = 44;
const NEWLINE = 10;
const MINUS = 45;
const ZERO = 48;
const NINE = 57;

/** Reads a header-less CSV of `columns` integer columns and exactly `rows` rows into one Int32Array per column. */
export function readIntegerCsv(file: string, columns: number, rows: number): Int32Array[] {
  return readNumberColumns(file, Array.from({ length: columns }, () => 'int32' as const), rows) as Int32Array[];
}

/**
 * Reads a header-less CSV of integer columns and exactly `rows` rows: an Int32Array per `int32`
 * column, a Float64Array per `wide` one (integers up to 2^53, e.g. milliseconds since an epoch).
 */
export function readNumberColumns(file: string, kinds: ReadonlyArray<'int32' | 'wide'>, rows: number): Array<Int32Array | Float64Array> {
  const columns = kinds.length;
  const output = kinds.map((kind) => (kind === 'wide' ? new Float64Array(rows) : new Int32Array(rows)));
  const buffer = Buffer.allocUnsafe(READ_CHUNK);
  const fd = openSync(file, 'r');
  let row = 0;
  let column = 0;
  let value = 0;
  let negative = false;
  try {
    for (let read = readSync(fd, buffer, 0, READ_CHUNK, null); read > 0; read = readSync(fd, buffer, 0, READ_CHUNK, null)) {
      for (let index = 0; index < read; index++) {
        const byte = buffer[index];
        if (byte >= ZERO && byte <= NINE) value = value * 10 + (byte - ZERO);
        else if (byte === COMMA || byte === NEWLINE) {
          if (row >= rows || column >= columns) throw new Error(`${file}: more than ${rows} rows of ${columns} columns`);
          output[column][row] = negative ? -value : value;
          value = 0;
          negative = false;
          if (byte === COMMA) column++;
          else {
            if (column !== columns - 1) throw new Error(`${file}: row ${row} has ${column + 1} columns, expected ${columns}`);
            column = 0;
            row++;
          }
        } else if (byte === MINUS) negative = true;
        else if (byte !== 13) throw new Error(`${file}: unexpected byte ${byte} in row ${row}`);
      }
    }
  } finally {
    closeSync(fd);
  }
  if (row !== rows) throw new Error(`${file}: ${row} rows, expected ${rows}`);
  return output;
}

/** Writes integer columns of equal length as a header-less CSV, row by row, digits straight into a buffer. */
export function writeIntegerCsv(file: string, columns: ReadonlyArray<ArrayLike<number>>, rows = columns[0]?.length ?? 0): void {
  const fd = openSync(file, 'w');
  const buffer = Buffer.allocUnsafe(WRITE_CHUNK);
  const digits = new Uint8Array(12);
  let used = 0;
  try {
    for (let row = 0; row < rows; row++) {
      // A row of int32s needs at most 12 bytes a column; flush before one could overflow.
      if (used + 12 * columns.length > WRITE_CHUNK) {
        writeSync(fd, buffer, 0, used);
        used = 0;
      }
      for (let column = 0; column < columns.length; column++) {
        if (column > 0) buffer[used++] = COMMA;
        let value = columns[column][row];
        if (!Number.isInteger(value)) throw new Error(`${file}: row ${row} column ${column} is not an integer`);
        if (value < 0) {
          buffer[used++] = MINUS;
          value = -value;
        }
        let count = 0;
        do {
          digits[count++] = ZERO + (value % 10);
          value = Math.floor(value / 10);
        } while (value > 0);
        while (count > 0) buffer[used++] = digits[--count];
      }
      buffer[used++] = NEWLINE;
    }
    if (used > 0) writeSync(fd, buffer, 0, used);
  } finally {
    closeSync(fd);
  }
}

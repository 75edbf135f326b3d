/** How a number column crosses between the lake engine and the process: INTEGER as int32, DOUBLE as float64. */
export type NumberColumnKind = 'int32' | 'float64';
export type NumberColumn = Int32Array | Float64Array;
/** The typed array a kind comes back as. */
export type NumberColumnOf<K extends NumberColumnKind> = K extends 'int32' ? Int32Array : Float64Array;

/**
 * Whole number columns moved between the lake engine and typed arrays, with no text and no object
 * per row in between: what an in-process algorithm over ten million rows (identity stitching's
 * union-find) reads and writes back. Only the embedded engine offers it; rows keep their order.
 */
export interface LakeColumns {
  /**
   * Runs a query whose column i is INTEGER when kinds[i] is 'int32' and DOUBLE when it is
   * 'float64', none NULL, and returns each column whole, in the query's row order.
   */
  readNumberColumns<const K extends readonly NumberColumnKind[]>(sql: string, kinds: K): Promise<{ -readonly [I in keyof K]: NumberColumnOf<K[I]> }>;
  /** Creates or replaces `schema.table` with one INTEGER column per entry, row i holding element i of each (all the same length). */
  writeIntegerTable(schema: string, table: string, columns: ReadonlyArray<readonly [name: string, values: Int32Array]>): Promise<void>;
}

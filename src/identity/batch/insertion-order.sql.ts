/**
 * `sql` run with DuckDB's preserve_insertion_order off, for statements whose rows' order means
 * nothing: groupings, and joins whose rows are numbered by rowid only once stored. Keeping the
 * order makes DuckDB's threads hand their rows over in sequence; the edges join spends a quarter
 * of its time on it. The setting is global to the DuckDB instance, not the connection: while such
 * a statement runs, the stitch runs nothing beside it whose order matters (its side-by-side writes
 * are order-free or sorted), and stitchLake resets the setting when it ends, failed or not, since a
 * failed statement never reaches its own RESET.
 */
export function withoutInsertionOrder(sql: string): string {
  return `SET preserve_insertion_order = false; ${sql}; RESET preserve_insertion_order`;
}

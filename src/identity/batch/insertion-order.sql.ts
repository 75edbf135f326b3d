/**
 * `sql` run with DuckDB's preserve_insertion_order off, for statements whose rows' order means
 * nothing: groupings, and joins whose rows are numbered by rowid only once stored. Keeping the
 * order makes DuckDB's threads hand their rows over in sequence; the edges join spends a quarter
 * of its time on it. The setting is set and reset around the statement in the one call, so it
 * holds on the connection that runs it and nowhere else. Should the statement fail, that
 * connection keeps it until the engine closes; a failed statement ends the stitch (and the
 * command that opened the engine for it), so nothing reads in order after it.
 */
export function withoutInsertionOrder(sql: string): string {
  return `SET preserve_insertion_order = false; ${sql}; RESET preserve_insertion_order`;
}

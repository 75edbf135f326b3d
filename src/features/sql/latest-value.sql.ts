/**
 * The value of a customer's newest matching row, ties on time settled by the greater value, as
 * the online store settles equal event times, so batch and stream agree on the winner. max_by
 * alone would pick among tied rows arbitrarily.
 */
export function latestValueSql(source: string, value: string, time: string, where: string): string {
  return `SELECT customer_id, max(value) AS value FROM (
        SELECT customer_id, ${value} AS value, ${time} AS t, max(${time}) OVER (PARTITION BY customer_id) AS newest
        FROM ${source} WHERE ${where} AND ${value} IS NOT NULL
      ) AS candidates
      WHERE t = newest GROUP BY customer_id`;
}

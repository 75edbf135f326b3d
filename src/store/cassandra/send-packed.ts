import type { Client, types } from 'cassandra-driver';

export interface PackedQuery {
  query: string;
  params: unknown[];
}

/**
 * Sends one request packed by packByReplicas: a lone statement as itself, else unlogged batches of
 * at most `statementsPerBatch`, one after another. Only a partition too wide to share a request is
 * split, and its cells then go first ones first. Unlogged: each partition's part of a batch is
 * applied atomically already, and the batch log would only add latency. `timestamp` (microseconds)
 * writes every cell at that time instead of the client's clock; `beforeEach` runs before each request
 * and may stop the rest by throwing.
 */
export async function sendPacked(
  client: Pick<Client, 'execute' | 'batch'>,
  queries: readonly PackedQuery[],
  options: { consistency: types.consistencies; statementsPerBatch: number; timestamp?: number; beforeEach?: () => void },
): Promise<void> {
  const settings = { prepare: true, isIdempotent: true, consistency: options.consistency, ...(options.timestamp === undefined ? {} : { timestamp: options.timestamp }) };
  for (let start = 0; start < queries.length; start += options.statementsPerBatch) {
    options.beforeEach?.();
    const chunk = queries.slice(start, start + options.statementsPerBatch);
    if (chunk.length === 1) await client.execute(chunk[0].query, chunk[0].params, settings);
    else await client.batch([...chunk], { ...settings, logged: false });
  }
}

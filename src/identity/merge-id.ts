import { createHash } from 'node:crypto';
import type { IdentityStore, MergeRecord } from './identity-store.port';

/**
 * A merge's id, derived from the two customers (and, from the second merge of the same pair on, a
 * generation): replaying the same merge (a retried stream batch, a re-run batch) records it once.
 */
export function mergeIdFor(from: string, into: string, generation = 0): string {
  const pair = generation === 0 ? `${from}>${into}` : `${from}>${into}#${generation}`;
  return `m_${createHash('sha256').update(pair, 'utf8').digest('hex').slice(0, 20)}`;
}

const MAX_GENERATIONS = 100;

/**
 * The pair's merge as it stands: the id a merge of `from` into `into` made now takes, the pair's
 * first id or the next generation's while an earlier merge of the pair was undone (a batch revival
 * undoes one without keeping the two apart, so they may merge again), so that history keeps both;
 * and the merge recorded under it, in force, if any (the same merge, replayed).
 */
export async function pairMerge(store: Pick<IdentityStore, 'merge'>, from: string, into: string): Promise<{ mergeId: string; inForce: MergeRecord | undefined }> {
  for (let generation = 0; generation < MAX_GENERATIONS; generation++) {
    const mergeId = mergeIdFor(from, into, generation);
    const recorded = await store.merge(mergeId);
    if (!recorded || recorded.undoneAt === null) return { mergeId, inForce: recorded };
  }
  throw new Error(`identity: ${from} was merged into ${into} and undone ${MAX_GENERATIONS} times`);
}

/** The id a merge of `from` into `into` made now takes (see pairMerge). */
export async function mergeIdNow(store: Pick<IdentityStore, 'merge'>, from: string, into: string): Promise<string> {
  return (await pairMerge(store, from, into)).mergeId;
}

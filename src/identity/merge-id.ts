import { createHash } from 'node:crypto';

/**
 * A merge's id, derived from the two customers: replaying the same merge (a retried stream batch, a
 * re-run batch) records it once. The same pair cannot merge twice, since un-merging separates them.
 */
export function mergeIdFor(from: string, into: string): string {
  return `m_${createHash('sha256').update(`${from}>${into}`, 'utf8').digest('hex').slice(0, 20)}`;
}

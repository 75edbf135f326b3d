import type { Identifier } from '../identifier';
import { compareText, type CompiledRules } from './identity-rules';

/**
 * A customer's seed: its earliest identifier (first seen first; on a tie, the strongest type). The
 * seed names a new customer (customerIdFor) and dates it: when two customers merge, the one whose
 * seed sorts first — the older one — keeps its id. Batch stitching numbers identifiers in this same
 * order, so a component's seed there is simply its smallest node number.
 */
export interface Seed extends Identifier {
  /** Epoch ms of the first record that carried the identifier. */
  firstSeen: number;
}

export function compareSeeds(rules: CompiledRules, a: Seed, b: Seed): number {
  return a.firstSeen - b.firstSeen || rules.rank(a.type) - rules.rank(b.type) || compareText(a.type, b.type) || compareText(a.value, b.value);
}

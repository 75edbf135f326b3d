import type { StitchGraph } from './stitch-graph';

/** What choosing needs of the linked graph (ConstrainedUnionFind's view). */
export interface LinkedComponents {
  find(node: number): number;
  /** Identifiers of a type the component of `root` holds. */
  count(root: number, type: number): number;
  /** The separation sides (tokens 2·separation + side) the component of `root` holds, if any. */
  sidesOf(root: number): ReadonlySet<number> | undefined;
}

/** Previous customers' identifiers the lake shows, grouped by customer (CSR layout: nodes of p are nodes[start[p]..start[p+1])). */
function lakeNodesByPrevious(graph: StitchGraph): { start: Int32Array; nodes: Int32Array } {
  const start = new Int32Array(graph.previousCount + 1);
  for (let node = 0; node < graph.nodeCount; node++) {
    if (graph.inLake[node] === 1 && graph.previousOf[node] >= 0) start[graph.previousOf[node] + 1]++;
  }
  for (let p = 0; p < graph.previousCount; p++) start[p + 1] += start[p];
  const fill = start.slice(0, graph.previousCount);
  const nodes = new Int32Array(start[graph.previousCount]);
  for (let node = 0; node < graph.nodeCount; node++) {
    if (graph.inLake[node] === 1 && graph.previousOf[node] >= 0) nodes[fill[graph.previousOf[node]]++] = node;
  }
  return { start, nodes };
}

/**
 * The separation sides each previous customer stands for (only customers that stand for any): the
 * sides whose strongest identifiers it holds. A customer that only picked up weaker identifiers of a
 * side since the un-merge (the lake joined them to its account) is that side's no more than any
 * other customer, and follows its own strongest identifier wherever the lake puts it.
 */
function tokensByPrevious(graph: StitchGraph): Map<number, number[]> {
  const strongestOf = new Map<number, number>();
  for (const [node, nodeTokens] of graph.separations) {
    for (const token of nodeTokens) strongestOf.set(token, Math.min(strongestOf.get(token) ?? 256, graph.typeOf[node]));
  }
  const tokens = new Map<number, number[]>();
  for (const [node, nodeTokens] of graph.separations) {
    const previous = graph.previousOf[node];
    if (previous < 0) continue;
    const held = nodeTokens.filter((token) => strongestOf.get(token) === graph.typeOf[node]);
    if (held.length > 0) tokens.set(previous, [...(tokens.get(previous) ?? []), ...held]);
  }
  return tokens;
}

/**
 * Per previous customer: whether its account (user_id) only the store knows (the lake shows none of
 * its accounts yet), and whether it holds any identifier only the store knows.
 */
function storeKnowledge(graph: StitchGraph): { accountOnlyStored: Uint8Array; holdsStoreOnly: Uint8Array } {
  const account = graph.roles.account;
  const accountOnlyStored = new Uint8Array(graph.previousCount);
  const holdsStoreOnly = new Uint8Array(graph.previousCount);
  const inLakeAccount = new Uint8Array(graph.previousCount);
  for (let node = 0; node < graph.nodeCount; node++) {
    const previous = graph.previousOf[node];
    if (previous < 0) continue;
    if (graph.inLake[node] === 0) holdsStoreOnly[previous] = 1;
    if (account < 0 || graph.typeOf[node] !== account) continue;
    if (graph.inLake[node] === 1) inLakeAccount[previous] = 1;
    else accountOnlyStored[previous] = 1;
  }
  for (let p = 0; p < graph.previousCount; p++) if (inLakeAccount[p] === 1) accountOnlyStored[p] = 0;
  return { accountOnlyStored, holdsStoreOnly };
}

/**
 * The component (root) each previous customer continues in, -1 for none: the one holding its
 * strongest identifier the lake shows (type codes follow priority, so an account's customer follows
 * its user_id: its id is the account's, and goes to no other account when the lake splits it), then
 * the one holding most of its identifiers of that type, then the one holding the earliest. Never:
 * - a component holding the other side of an un-merge the customer stands for (it holds the
 *   strongest identifiers of one side: see tokensByPrevious): an identifier that joined the survivor
 *   after a wrong merge, through the merged customer's identifiers, is on neither side, and
 *   following it to the merged side would merge the two again;
 * - for a customer whose account only the store knows (the stream saw the login, the lake not yet),
 *   a component holding an account: its id is its own account's, and that account joins it afterwards
 *   (attachStoreOnly), which the cap would refuse there.
 *   Nor one another such customer chose: both accounts would join it, and the cap refuse one.
 * A customer none of whose identifiers the lake shows chooses none; so does one none of whose
 * components is allowed, if it holds identifiers only the store knows (it continues in those). One
 * without such identifiers chooses as if unguarded: else its identifiers would go to other customers
 * and leave it live and empty.
 */
export function chooseComponents(graph: StitchGraph, linked: LinkedComponents): Int32Array {
  const { start, nodes } = lakeNodesByPrevious(graph);
  const tokensOf = tokensByPrevious(graph);
  const { accountOnlyStored, holdsStoreOnly } = storeKnowledge(graph);
  const account = graph.roles.account;
  const chosen = new Int32Array(graph.previousCount).fill(-1);
  /** Components chosen by a customer whose account only the store knows. */
  const claimedByStoredAccount = new Set<number>();
  const tally = new Map<number, number>();

  const choose = (p: number, allowed: (root: number) => boolean): number => {
    let strongest = 256;
    for (let index = start[p]; index < start[p + 1]; index++) {
      if (allowed(linked.find(nodes[index]))) strongest = Math.min(strongest, graph.typeOf[nodes[index]]);
    }
    tally.clear();
    // Nodes ascend (seed order), so the roots enter the tally in the order of their earliest
    // identifier, and a later root wins only with more: a tie stays with the earliest.
    for (let index = start[p]; index < start[p + 1]; index++) {
      if (graph.typeOf[nodes[index]] !== strongest) continue;
      const root = linked.find(nodes[index]);
      if (allowed(root)) tally.set(root, (tally.get(root) ?? 0) + 1);
    }
    let best = -1;
    let bestCount = 0;
    for (const [root, count] of tally) {
      if (count > bestCount) {
        best = root;
        bestCount = count;
      }
    }
    return best;
  };

  for (let p = 0; p < graph.previousCount; p++) {
    if (start[p] === start[p + 1]) continue;
    const tokens = tokensOf.get(p) ?? [];
    const storedAccount = accountOnlyStored[p] === 1;
    const guarded = (root: number) =>
      (!storedAccount || (linked.count(root, account) === 0 && !claimedByStoredAccount.has(root))) && !tokens.some((token) => linked.sidesOf(root)?.has(token ^ 1) === true);
    let best = choose(p, guarded);
    if (best < 0 && holdsStoreOnly[p] === 0) best = choose(p, () => true);
    if (best >= 0 && storedAccount) claimedByStoredAccount.add(best);
    chosen[p] = best;
  }
  return chosen;
}

/**
 * For each merge of a previous customer, the previous customers its cause link joined it with: the
 * other side of the link at the moment it was applied. That is what an un-merge keeps apart from
 * the merged customer (MergeRecord.intoIdentifiers), as the stream's survivor holds what it absorbed
 * before, and only that: a customer that joined the merged one first, through a link of its own, is
 * not on the survivor's side.
 *
 * Only those that continue where the merged customer continues (`chosen`, by previous customer): a
 * customer's identifiers can sit in several components, so the other side of a join may hold one
 * that went elsewhere. The survivor always counts: the cause found may be a join with a third
 * customer that joined the survivor only later.
 *
 * `joins` are stitchGraph's previousJoins ([edge, older, younger] triples in link order; older and
 * younger are the oldest previous customer of each side), `merges` assignCustomers' [from, into,
 * cause edge] triples. Returns (merge's from, counterpart) pairs; a merge without a cause has none.
 */
export function mergeCounterparts(joins: Int32Array, merges: Int32Array, chosen: Int32Array): { from: Int32Array; member: Int32Array } {
  const mergesByCause = new Map<number, number[]>();
  const intoOf = new Map<number, number>();
  for (let index = 0; index < merges.length; index += 3) {
    const cause = merges[index + 2];
    if (cause < 0) continue;
    mergesByCause.set(cause, [...(mergesByCause.get(cause) ?? []), merges[index]]);
    intoOf.set(merges[index], merges[index + 1]);
  }
  // Groups of previous customers joined so far (only those that take part in joins are stored).
  const parent = new Map<number, number>();
  const members = new Map<number, number[]>();
  const find = (customer: number): number => {
    let current = customer;
    for (let next = parent.get(current); next !== undefined && next !== current; next = parent.get(current)) current = next;
    return current;
  };
  const membersOf = (root: number) => members.get(root) ?? [root];
  const from: number[] = [];
  const member: number[] = [];
  for (let index = 0; index < joins.length; index += 3) {
    const [edge, older, younger] = [joins[index], joins[index + 1], joins[index + 2]];
    const a = find(older);
    const b = find(younger);
    if (a === b) continue;
    for (const merged of mergesByCause.get(edge) ?? []) {
      const side = find(merged);
      const other = side === a ? b : side === b ? a : -1;
      if (other < 0) continue;
      const into = intoOf.get(merged) ?? -1;
      for (const counterpart of membersOf(other)) {
        if (counterpart === into || chosen[counterpart] !== chosen[merged]) continue;
        from.push(merged);
        member.push(counterpart);
      }
      from.push(merged);
      member.push(into);
    }
    const [kept, absorbed] = membersOf(a).length >= membersOf(b).length ? [a, b] : [b, a];
    const keptMembers = membersOf(kept);
    for (const customer of membersOf(absorbed)) keptMembers.push(customer);
    members.set(kept, keptMembers);
    members.delete(absorbed);
    parent.set(absorbed, kept);
  }
  return { from: Int32Array.from(from), member: Int32Array.from(member) };
}

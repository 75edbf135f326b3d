import { identifierKey } from '../../../src/identity/identifier';
import type { IdentityStore } from '../../../src/identity/identity-store.port';

/** What is wrong with the store: a live customer with no identifiers, a record and assignments that disagree, two accounts in one customer. */
export async function storeProblems(store: IdentityStore): Promise<string[]> {
  const assigned = new Map<string, string[]>();
  for await (const page of store.scanAssignments()) {
    for (const { identifier, customerId } of page) assigned.set(customerId, [...(assigned.get(customerId) ?? []), identifierKey(identifier)]);
  }
  const problems: string[] = [];
  const recorded = new Set<string>();
  for await (const page of store.scanCustomers()) {
    for (const customer of page) {
      recorded.add(customer.customerId);
      const holds = (assigned.get(customer.customerId) ?? []).sort();
      const lists = customer.identities.map(identifierKey).sort();
      if (customer.mergedInto === null && lists.length === 0) problems.push(`${customer.customerId} is live with no identifiers`);
      if (holds.join() !== lists.join()) problems.push(`${customer.customerId} lists [${lists.join()}] but holds [${holds.join()}]`);
      if (lists.filter((key) => key.startsWith('user_id:')).length > 1) problems.push(`${customer.customerId} holds two accounts`);
    }
  }
  for (const [customerId, holds] of assigned) if (!recorded.has(customerId)) problems.push(`${customerId} holds [${holds.sort().join()}] but has no record`);
  return problems;
}

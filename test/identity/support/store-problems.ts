import { identifierKey } from '../../../src/identity/identifier';
import type { IdentityStore, StoredCustomer } from '../../../src/identity/identity-store.port';
import { anchorOf, soleHolder, unmergedMerges } from '../../../src/identity/merge-anchor';
import { CompiledRules, DEFAULT_RULES } from '../../../src/identity/rules/identity-rules';

/**
 * What is wrong with the store: a live customer with no identifiers, a record and assignments that
 * disagree, two accounts in one customer, a customer holding both sides of an un-merge.
 */
export async function storeProblems(store: IdentityStore): Promise<string[]> {
  const assigned = new Map<string, string[]>();
  const holderOf = new Map<string, string>();
  for await (const page of store.scanAssignments()) {
    for (const { identifier, customerId } of page) {
      assigned.set(customerId, [...(assigned.get(customerId) ?? []), identifierKey(identifier)]);
      holderOf.set(identifierKey(identifier), customerId);
    }
  }
  const problems: string[] = [];
  for (const { separationId, sides } of await store.separations()) {
    const [first, second] = sides.map((side) => new Set(side.map((identifier) => holderOf.get(identifierKey(identifier))).filter((holder) => holder !== undefined)));
    for (const holder of first ?? []) if (second?.has(holder)) problems.push(`${holder} holds both sides of separation ${separationId}`);
  }
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

/**
 * What is wrong with the store's lineage: a merge in force whose merged customer is live or merged
 * elsewhere, a chain of merges that loops or breaks, a live customer listing a live one as merged
 * into it or one whose merges lead elsewhere, a merged customer missing from the lineage of the
 * live customer its chain ends at, a merged customer whose chain ends elsewhere than at a
 * customer holding its anchor (see anchorHoldersOf).
 */
export async function lineageProblems(store: IdentityStore): Promise<string[]> {
  const customers = new Map<string, StoredCustomer>();
  for await (const page of store.scanCustomers()) for (const customer of page) customers.set(customer.customerId, customer);
  const problems: string[] = [];
  for await (const page of store.scanMerges()) {
    for (const merge of page) {
      if (merge.undoneAt === null && customers.get(merge.from)?.mergedInto !== merge.into) problems.push(`merge ${merge.from} > ${merge.into} is in force, but ${merge.from} is merged into ${customers.get(merge.from)?.mergedInto ?? 'nothing'}`);
    }
  }
  const liveEnd = (customerId: string): string | undefined => {
    const seen = new Set<string>();
    for (let at: string | undefined = customerId; at !== undefined && !seen.has(at); ) {
      seen.add(at);
      const customer = customers.get(at);
      if (customer?.mergedInto === null) return at;
      at = customer?.mergedInto ?? undefined;
    }
    return undefined;
  };
  /** The customers a customer's merges lead through, itself first. */
  const chainOf = (customerId: string): string[] => {
    const chain: string[] = [];
    for (let at: string | null | undefined = customerId; at && !chain.includes(at); at = customers.get(at)?.mergedInto) chain.push(at);
    return chain;
  };
  const anchorHolders = await anchorHoldersOf(store, [...customers.values()].filter((customer) => customer.mergedInto !== null));
  for (const customer of customers.values()) {
    const end = liveEnd(customer.customerId);
    const holders = anchorHolders.get(customer.customerId) ?? [];
    if (end === undefined) problems.push(`the merges of ${customer.customerId} loop or break`);
    else if (holders.length > 0 && !holders.includes(end)) problems.push(`${customer.customerId} leads to ${end}, but its anchor is ${holders.join()}'s`);
    else if (end !== customer.customerId && !customers.get(end)?.mergedFrom.includes(customer.customerId)) problems.push(`${customer.customerId} leads to ${end}, whose lineage lacks it`);
    for (const from of customer.mergedFrom) {
      if (customers.get(from)?.mergedInto === null) problems.push(`${customer.customerId} lists live ${from} as merged into it`);
      else if (!chainOf(from).includes(customer.customerId)) problems.push(`${customer.customerId} lists ${from}, whose merges lead elsewhere`);
    }
  }
  return problems;
}

/**
 * Of each merged customer, the customer holding its anchor (merge-anchor.ts: the stream's reading of
 * the rule the batch applies in SQL), or none when the anchor is split or gone; a customer with no
 * anchor on record is held to its seed.
 */
async function anchorHoldersOf(store: IdentityStore, merged: readonly StoredCustomer[]): Promise<Map<string, string[]>> {
  const rules = new CompiledRules(DEFAULT_RULES);
  const result = new Map<string, string[]>();
  const unmerged = await unmergedMerges(store);
  for (const customer of merged) {
    const anchor = anchorOf(await store.mergesOf(customer.customerId), customer.customerId, unmerged);
    const holder = await soleHolder(store, rules, anchor.length > 0 ? anchor : [customer.seed]);
    result.set(customer.customerId, holder === undefined ? [] : [holder]);
  }
  return result;
}

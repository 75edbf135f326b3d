import type { IdentityStore } from '../../../src/identity/identity-store.port';

/**
 * The same store seen through the port alone: code that special-cases an adapter class (the
 * embedded store's child processes) takes its generic path, as for Cassandra. Closing it leaves
 * the store open.
 */
export function throughThePort(store: IdentityStore): IdentityStore {
  return {
    lookup: (identifiers) => store.lookup(identifiers),
    customers: (ids) => store.customers(ids),
    mergesOf: (id) => store.mergesOf(id),
    merge: (id) => store.merge(id),
    separations: () => store.separations(),
    apply: (changes) => store.apply(changes),
    scanAssignments: (pageSize) => store.scanAssignments(pageSize),
    scanCustomers: (pageSize) => store.scanCustomers(pageSize),
    scanMerges: (pageSize) => store.scanMerges(pageSize),
    close: () => Promise.resolve(),
  };
}

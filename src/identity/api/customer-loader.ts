import DataLoader from 'dataloader';
import { identifierKey, type Identifier } from '../identifier';
import type { MergeRecord, StoredCustomer } from '../identity-store.port';
import type { CustomerDirectory } from './customer-directory';
import { MAX_CUSTOMERS } from './customer-request';

export interface CustomerLoaders {
  /** Requested id → the live customer (its survivor, for an id merged away), or null. */
  customers: DataLoader<string, StoredCustomer | null>;
  /** Normalized identifier → its live customer, or null. */
  byIdentifier: DataLoader<Identifier, StoredCustomer | null, string>;
  /** Customer id → its merge history. */
  merges: DataLoader<StoredCustomer, MergeRecord[], string>;
}

// One set of loaders per GraphQL request, keyed by the request's context object: every customer
// named in the request (aliases, `customers(ids)`, other domains' fields) is read in one store call,
// every identifier looked up in one more (and one read of their customers),
// and nothing is cached across requests or callers.
const loaders = new WeakMap<object, CustomerLoaders>();

export function customerLoadersFor(context: object, directory: CustomerDirectory): CustomerLoaders {
  let found = loaders.get(context);
  if (!found) {
    found = {
      customers: new DataLoader<string, StoredCustomer | null>(
        async (ids) => {
          const live = await directory.customers(ids);
          return ids.map((id) => live.get(id) ?? null);
        },
        { maxBatchSize: MAX_CUSTOMERS },
      ),
      byIdentifier: new DataLoader<Identifier, StoredCustomer | null, string>(
        async (identifiers) => {
          const live = await directory.customersOf(identifiers);
          return identifiers.map((identifier) => live.get(identifierKey(identifier)) ?? null);
        },
        { cacheKeyFn: identifierKey, maxBatchSize: MAX_CUSTOMERS },
      ),
      merges: new DataLoader<StoredCustomer, MergeRecord[], string>(
        async (customers) => {
          const histories = await directory.mergeHistories(customers);
          return customers.map((customer) => histories.get(customer.customerId) ?? []);
        },
        { cacheKeyFn: (customer) => customer.customerId, maxBatchSize: MAX_CUSTOMERS },
      ),
    };
    loaders.set(context, found);
  }
  return found;
}

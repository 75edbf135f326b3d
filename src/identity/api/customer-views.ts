import type { Identifier } from '../identifier';
import type { MergeRecord, StoredCustomer } from '../identity-store.port';
import { Customer, type CustomerMergeModel, type IdentityModel } from './customer.model';
import { isPersonal, maskedValue } from './mask-identifier';
import { maskedRecordId } from './mask-record-id';

const iso = (ms: number): string => new Date(ms).toISOString();

export function customerModel(stored: StoredCustomer): Customer {
  return Object.assign(new Customer(), { customerId: stored.customerId, firstSeen: iso(stored.firstSeen), mergedFrom: stored.mergedFrom, stored });
}

export function identityModels(identifiers: readonly Identifier[], revealPersonal: boolean): IdentityModel[] {
  return identifiers.map((identifier) => {
    const masked = !revealPersonal && isPersonal(identifier);
    return { type: identifier.type, value: masked ? maskedValue(identifier) : identifier.value, masked };
  });
}

export function mergeModels(merges: readonly MergeRecord[], revealPersonal: boolean): CustomerMergeModel[] {
  return merges.map((merge) => ({
    mergeId: merge.mergeId,
    into: merge.into,
    from: merge.from,
    at: iso(merge.at),
    via: merge.via,
    cause: merge.cause && {
      source: merge.cause.source,
      ...recordIdModel(merge.cause.source, merge.cause.recordId, revealPersonal),
      time: merge.cause.time === null ? null : iso(merge.cause.time),
      link: identityModels(merge.cause.link, revealPersonal),
    },
    identifiers: identityModels(merge.identifiers, revealPersonal),
    undoneAt: merge.undoneAt === null ? null : iso(merge.undoneAt),
  }));
}

function recordIdModel(source: string, recordId: string, revealPersonal: boolean): { recordId: string; recordIdMasked: boolean } {
  const shown = revealPersonal ? { recordId, masked: false } : maskedRecordId(source, recordId);
  return { recordId: shown.recordId, recordIdMasked: shown.masked };
}

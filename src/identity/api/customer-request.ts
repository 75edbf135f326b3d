import { validateSync } from 'class-validator';
import { DomainError } from '../../shared/domain-error';
import { CUSTOMER_ID_PATTERN } from '../customer-id';
import type { Identifier } from '../identifier';
import { IdentifierInput } from './customer.inputs';

/** Customers per `customers(ids)` request: a page of a support tool or of an audience, not an export (`c360 identity export`). */
export const MAX_CUSTOMERS = 500;
const MERGE_ID_PATTERN = /^m_[0-9a-f]{20}$/;

function badInput(message: string, details: Record<string, string | number> = {}): DomainError {
  return new DomainError('BAD_USER_INPUT', message, details);
}

/** Ids are named by position in errors: messages stay free of the caller's data. */
export function validateCustomerIds(ids: readonly unknown[], field = 'ids'): string[] {
  if (ids.length > MAX_CUSTOMERS) throw badInput(`${field} names ${ids.length} customers; at most ${MAX_CUSTOMERS} per request`, { field, max: MAX_CUSTOMERS });
  const bad = ids.flatMap((id, index) => (typeof id === 'string' && CUSTOMER_ID_PATTERN.test(id) ? [] : [index]));
  if (bad.length > 0) {
    const shown = bad.slice(0, 10).map((index) => `${field}[${index}]`).join(', ');
    throw badInput(`${shown}${bad.length > 10 ? ` and ${bad.length - 10} more` : ''}: a customer id is c_ and 20 hex digits`, { field });
  }
  return ids as string[];
}

/** Exactly one of id and identifier, each well formed. */
export function validateCustomerQuery(id: unknown, identifier: unknown): { id: string } | { identifier: Identifier } {
  const hasId = id !== undefined && id !== null;
  const hasIdentifier = identifier !== undefined && identifier !== null;
  if (hasId === hasIdentifier) throw badInput('give exactly one of id and identifier');
  if (hasId) return { id: validateCustomerIds([id], 'id')[0] as string };
  const input = Object.assign(new IdentifierInput(), identifier);
  const problems = validateSync(input, { forbidUnknownValues: true }).flatMap((error) => Object.values(error.constraints ?? {}));
  if (problems.length > 0) throw badInput(`identifier: ${problems.join('; ')}`, { field: 'identifier' });
  return { identifier: { type: input.type, value: input.value } };
}

export function validateMergeId(mergeId: unknown): string {
  if (typeof mergeId !== 'string' || !MERGE_ID_PATTERN.test(mergeId)) throw badInput('mergeId: a merge id is m_ and 20 hex digits (see a customer’s mergeHistory)', { field: 'mergeId' });
  return mergeId;
}

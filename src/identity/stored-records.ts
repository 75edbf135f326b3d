import type { Identifier } from './identifier';
import type { MergeCause, MergeRecord, Separation, StoredCustomer } from './identity-store.port';

// Records come back from storage as untyped JSON; these guards turn them into typed records or
// undefined, so a damaged or foreign entry is skipped instead of crashing a lookup.

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const isString = (value: unknown): value is string => typeof value === 'string';
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

export function decodeIdentifier(value: unknown): Identifier | undefined {
  return isObject(value) && isString(value.type) && isString(value.value) ? { type: value.type, value: value.value } : undefined;
}

export function decodeIdentifiers(value: unknown): Identifier[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const identifiers = value.map(decodeIdentifier);
  return identifiers.every((identifier) => identifier !== undefined) ? (identifiers as Identifier[]) : undefined;
}

export function decodeCustomer(value: unknown): StoredCustomer | undefined {
  if (!isObject(value) || !isString(value.customerId) || !isNumber(value.firstSeen) || !isNumber(value.updatedAt)) return undefined;
  const identities = decodeIdentifiers(value.identities);
  const seed = decodeIdentifier(value.seed);
  const mergedFrom = Array.isArray(value.mergedFrom) && value.mergedFrom.every(isString) ? value.mergedFrom : undefined;
  const mergedInto = value.mergedInto === null || isString(value.mergedInto) ? value.mergedInto : undefined;
  if (!identities || !seed || !mergedFrom || mergedInto === undefined) return undefined;
  return { customerId: value.customerId, identities, seed, firstSeen: value.firstSeen, mergedInto, mergedFrom, updatedAt: value.updatedAt };
}

function decodeCause(value: unknown): MergeCause | null | undefined {
  if (value === null) return null;
  if (!isObject(value) || !isString(value.source) || !isString(value.recordId) || !(value.time === null || isNumber(value.time))) return undefined;
  const link = decodeIdentifiers(value.link);
  if (!link || link.length !== 2) return undefined;
  return { source: value.source, recordId: value.recordId, time: value.time, link: [link[0], link[1]] };
}

export function decodeMerge(value: unknown): MergeRecord | undefined {
  if (!isObject(value) || !isString(value.mergeId) || !isString(value.into) || !isString(value.from) || !isNumber(value.at)) return undefined;
  if (value.via !== 'batch' && value.via !== 'stream' && value.via !== 'manual') return undefined;
  const cause = decodeCause(value.cause);
  const identifiers = decodeIdentifiers(value.identifiers);
  const intoIdentifiers = value.intoIdentifiers === undefined ? undefined : decodeIdentifiers(value.intoIdentifiers);
  const undoneAt = value.undoneAt === null || isNumber(value.undoneAt) ? value.undoneAt : undefined;
  if (cause === undefined || !identifiers || undoneAt === undefined || (value.intoIdentifiers !== undefined && !intoIdentifiers)) return undefined;
  const merge: MergeRecord = { mergeId: value.mergeId, into: value.into, from: value.from, at: value.at, via: value.via, cause, identifiers, undoneAt };
  return intoIdentifiers ? { ...merge, intoIdentifiers } : merge;
}

export function decodeSeparation(value: unknown): Separation | undefined {
  if (!isObject(value) || !isString(value.separationId) || !isString(value.mergeId) || !isNumber(value.at) || !Array.isArray(value.sides)) return undefined;
  const left = decodeIdentifiers(value.sides[0]);
  const right = decodeIdentifiers(value.sides[1]);
  if (!left || !right) return undefined;
  return { separationId: value.separationId, mergeId: value.mergeId, at: value.at, sides: [left, right] };
}

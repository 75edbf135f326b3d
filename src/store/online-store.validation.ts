import { DomainError } from '../shared/domain-error';
import { MAX_WRITE_VERSION, type FeatureRow, type FeatureScalar } from './online-store.port';

/**
 * Limits every adapter enforces, so a row one engine accepts the other accepts too. LMDB keys
 * hold at most 1,978 bytes and carry entity key and feature name together; 512 bytes each leaves
 * room for the key encoding.
 */
export const MAX_NAME_BYTES = 512;

// Control characters would need escaping in LMDB's ordered key encoding (long strings are written
// raw, so a NUL inside one could fake the entity/feature separator); ids and names never need them.
function hasControlCharacter(name: string): boolean {
  for (let index = 0; index < name.length; index += 1) if (name.charCodeAt(index) < 0x20) return true;
  return false;
}

/** Whether `name` can be an entity key or feature name in every adapter. */
export function isStorableName(name: unknown): name is string {
  return typeof name === 'string' && name.length > 0 && !hasControlCharacter(name) && Buffer.byteLength(name) <= MAX_NAME_BYTES;
}

function isStorableValue(value: FeatureScalar): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  // JSON would silently turn NaN and Infinity into null.
  if (typeof value === 'number') return Number.isFinite(value);
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function invalid(message: string, details: Record<string, string | number>): DomainError {
  return new DomainError('BAD_USER_INPUT', message, details);
}

/**
 * Rejects a batch that some adapter could not store faithfully, before anything is written, so a
 * batch is never half applied because of one bad row.
 */
export function assertStorableRows(rows: readonly FeatureRow[]): void {
  rows.forEach((row, index) => {
    if (!isStorableName(row.entityKey)) {
      throw invalid(`row ${index}: entity keys must be 1-${MAX_NAME_BYTES} bytes without control characters`, { row: index });
    }
    // Integer milliseconds map exactly onto Cassandra's microsecond write timestamps.
    if (!Number.isSafeInteger(row.eventTime) || row.eventTime < 0) {
      throw invalid(`row ${index}: eventTime must be epoch milliseconds (a non-negative integer)`, { row: index });
    }
    // The version is the sub-millisecond part of Cassandra's write timestamp, so it must fit in it.
    if (row.version !== undefined && !(Number.isInteger(row.version) && row.version >= 0 && row.version <= MAX_WRITE_VERSION)) {
      throw invalid(`row ${index}: version must be an integer from 0 to ${MAX_WRITE_VERSION}`, { row: index });
    }
    for (const [feature, value] of Object.entries(row.features)) {
      if (!isStorableName(feature)) {
        throw invalid(`row ${index}: feature names must be 1-${MAX_NAME_BYTES} bytes without control characters`, { row: index });
      }
      if (!isStorableValue(value)) {
        throw invalid(`row ${index}: feature ${feature} must be a finite number, string, boolean, null or list of strings`, { row: index, feature });
      }
    }
  });
}

/** Distinct names, in first-seen order, that could have been stored; others are absent by definition. */
export function storableNames(names: readonly string[]): string[] {
  return [...new Set(names)].filter(isStorableName);
}

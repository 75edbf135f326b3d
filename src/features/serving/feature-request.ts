import { DomainError } from '../../shared/domain-error';
import { isStorableName, MAX_NAME_BYTES } from '../../store/online-store.validation';
import type { FeatureDefinition } from '../feature-definition';
import type { FeatureRegistry } from '../feature-registry';

/**
 * Entities per request. A recommendation request scores a page of candidates (tens to hundreds);
 * a thousand customers × 50 features is already ~1 MB of JSON, and larger exports belong to
 * `c360 features export`, not the hot path.
 */
export const MAX_ENTITIES = 1000;
/** Names per request, before de-duplication; bounds the work of validating a hostile request. */
export const MAX_FEATURE_NAMES = 1000;

function badInput(message: string, details: Record<string, string | number> = {}): DomainError {
  return new DomainError('BAD_USER_INPUT', message, details);
}

/**
 * The entity ids of a request, as given (order and duplicates kept, so answers line up with the
 * request). Bad ids are named by position: ids are the caller's data, messages stay free of it.
 */
export function validateEntityIds(entityIds: readonly unknown[], field = 'entityIds'): string[] {
  if (entityIds.length === 0) throw badInput(`${field} must name at least one entity`, { field });
  if (entityIds.length > MAX_ENTITIES) {
    throw badInput(`${field} names ${entityIds.length} entities; at most ${MAX_ENTITIES} per request`, { field, max: MAX_ENTITIES });
  }
  const bad = entityIds.flatMap((id, index) => (isStorableName(id) ? [] : [index]));
  if (bad.length > 0) {
    const shown = bad.slice(0, 10).map((index) => `${field}[${index}]`).join(', ');
    throw badInput(`${shown}${bad.length > 10 ? ` and ${bad.length - 10} more` : ''}: ids must be 1-${MAX_NAME_BYTES} bytes without control characters`, { field });
  }
  return entityIds as string[];
}

/** The features the names mean, in the order asked (duplicates once); unknown names are all named at once. */
export function resolveFeatureNames(registry: FeatureRegistry, names: readonly string[], field = 'names'): FeatureDefinition[] {
  if (names.length === 0) throw badInput(`${field} must name at least one feature`, { field });
  if (names.length > MAX_FEATURE_NAMES) {
    throw badInput(`${field} lists ${names.length} names; at most ${MAX_FEATURE_NAMES} per request`, { field, max: MAX_FEATURE_NAMES });
  }
  return registry.validate(names);
}

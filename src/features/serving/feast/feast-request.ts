import { DomainError } from '../../../shared/domain-error';
import type { FeatureDefinition } from '../../feature-definition';
import type { FeatureRegistry } from '../../feature-registry';
import { resolveFeatureNames, validateEntityIds } from '../feature-request';

/** The customer entity's join key, as a Feast client names it in `entities`. */
export const CUSTOMER_JOIN_KEY = 'customer_id';

/** Feast's `GetOnlineFeaturesRequest`, as its HTTP feature servers (Python and Go) accept it. */
export interface FeastOnlineFeaturesRequest {
  /** Entity ids exactly as sent (Feast clients often use numbers), echoed back in the join-key column. */
  joinKeyValues: Array<string | number>;
  /** The same ids as online-store lookups (numbers in decimal). */
  entityIds: string[];
  features: FeatureDefinition[];
  fullFeatureNames: boolean;
}

function badInput(message: string, field: string): DomainError {
  return new DomainError('BAD_USER_INPUT', message, { field });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function joinKeyValues(entities: unknown): Array<string | number> {
  if (!isRecord(entities)) throw badInput(`entities must be an object of join key → list of values, e.g. {"${CUSTOMER_JOIN_KEY}": ["c1"]}`, 'entities');
  const keys = Object.keys(entities);
  const unknown = keys.filter((key) => key !== CUSTOMER_JOIN_KEY);
  if (unknown.length > 0) throw badInput(`unknown join key${unknown.length > 1 ? 's' : ''} ${unknown.map((key) => JSON.stringify(key)).join(', ')}; the customer entity's join key is ${CUSTOMER_JOIN_KEY}`, 'entities');
  const values = entities[CUSTOMER_JOIN_KEY];
  if (!Array.isArray(values)) throw badInput(`entities.${CUSTOMER_JOIN_KEY} must be a list of customer ids`, `entities.${CUSTOMER_JOIN_KEY}`);
  return values.map((value: unknown, index) => {
    // Integers as well as strings: Feast examples key entities by int64, and a client switching
    // over should not have to change its request. Floats and other types name no customer.
    if (typeof value === 'string' || (typeof value === 'number' && Number.isSafeInteger(value))) return value;
    throw badInput(`entities.${CUSTOMER_JOIN_KEY}[${index}] must be a string or an integer`, `entities.${CUSTOMER_JOIN_KEY}`);
  });
}

function requestedFeatures(body: Record<string, unknown>, registry: FeatureRegistry): FeatureDefinition[] {
  // Feast's Python server uses the feature service when both are given; so do we.
  const service = body.feature_service;
  if (service !== undefined && service !== null) {
    if (typeof service !== 'string') throw badInput('feature_service must be the name of a feature service', 'feature_service');
    return registry.service(service);
  }
  const features = body.features;
  if (features === undefined || features === null) throw badInput('either features (a list of "view:feature" references) or feature_service is required', 'features');
  if (!Array.isArray(features) || !features.every((ref): ref is string => typeof ref === 'string')) {
    throw badInput('features must be a list of "view:feature" references', 'features');
  }
  return resolveFeatureNames(registry, features, 'features');
}

/**
 * Reads a Feast request body. Unknown fields are ignored, as Feast's server does (its
 * `request_context` feeds on-demand views, which c360 does not have); known ones are checked,
 * and every problem is a BAD_USER_INPUT naming the field.
 */
export function parseFeastRequest(body: unknown, registry: FeatureRegistry): FeastOnlineFeaturesRequest {
  if (!isRecord(body)) throw badInput('the body must be a JSON object: {"features": [...], "entities": {...}}', 'body');
  const fullFeatureNames = body.full_feature_names ?? false;
  if (typeof fullFeatureNames !== 'boolean') throw badInput('full_feature_names must be true or false', 'full_feature_names');
  const values = joinKeyValues(body.entities);
  const entityIds = validateEntityIds(
    values.map((value) => String(value)),
    `entities.${CUSTOMER_JOIN_KEY}`,
  );
  return { joinKeyValues: values, entityIds, features: requestedFeatures(body, registry), fullFeatureNames };
}

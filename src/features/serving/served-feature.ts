import type { FeatureScalar, StoredFeature } from '../../store/online-store.port';
import type { FeatureDefinition } from '../feature-definition';

/**
 * How a served value came to be. Feast's FieldStatus names where Feast has one; MASKED is ours:
 * Feast has no access control on values, and a masked value must not look like a missing one.
 */
export const FEATURE_STATUSES = ['PRESENT', 'NOT_FOUND', 'OUTSIDE_MAX_AGE', 'MASKED'] as const;
export type FeatureStatus = (typeof FEATURE_STATUSES)[number];

/**
 * One feature of one entity as served. `value` is null unless the status is PRESENT or
 * OUTSIDE_MAX_AGE (a PRESENT null is the feature's own answer, e.g. "no order ever"); `eventTime`
 * (epoch ms) is null when there is no value to date.
 */
export interface ServedFeature {
  feature: FeatureDefinition;
  status: FeatureStatus;
  value: FeatureScalar;
  eventTime: number | null;
}

/** The requested features of one requested entity, in the order the names were asked for. */
export interface EntityFeatures {
  entityId: string;
  features: ServedFeature[];
}

/** Every registered feature of one entity as stored (what the cache holds); absent = never written. */
export type StoredEntity = ReadonlyMap<string, StoredFeature>;

/** Whether a caller must be allowed personal data (pii:read) to see the feature's value. */
export function isSensitive(feature: FeatureDefinition): boolean {
  return feature.sensitivity !== 'public';
}

/**
 * The status rules, in order: a sensitive feature is masked for callers without pii:read whether
 * or not it has a value (absence is information too, and so is its event time); no stored value is
 * NOT_FOUND; a value older than the feature's ttl is OUTSIDE_MAX_AGE and still returned, as Feast's
 * Go server does, so a client may choose to use a stale value knowingly.
 */
export function serveFeature(feature: FeatureDefinition, stored: StoredFeature | undefined, now: number, revealSensitive: boolean): ServedFeature {
  if (!revealSensitive && isSensitive(feature)) return { feature, status: 'MASKED', value: null, eventTime: null };
  if (stored === undefined) return { feature, status: 'NOT_FOUND', value: null, eventTime: null };
  // Feast's rule: stale only when strictly older than the ttl, and a ttl of 0 never expires.
  const stale = feature.ttlSeconds > 0 && now - stored.eventTime > feature.ttlSeconds * 1000;
  return { feature, status: stale ? 'OUTSIDE_MAX_AGE' : 'PRESENT', value: stored.value, eventTime: stored.eventTime };
}

import type { FeatureDefinition, FeatureValueType, Sensitivity } from '../feature-definition';

const DAY_SECONDS = 86_400;

/**
 * Online max ages. A daily batch value is replaced every day, so two days means "the last run or
 * the one before": a windowed count older than that is wrong, not just stale. Slow aggregates
 * (90 days and more, RFM, preferences) move little per day and tolerate a missed run more.
 * Point facts the stream keeps current (last banner clicked…) stay true until replaced.
 */
export const TTL = {
  daily: 2 * DAY_SECONDS,
  slow: 3 * DAY_SECONDS,
  pointInTime: 35 * DAY_SECONDS,
} as const;

/** The team that answers for the batch features. */
export const FEATURES_OWNER = 'c360-features';

export interface FeatureSpec {
  name: string;
  type: FeatureValueType;
  description: string;
  windowDays?: number;
  ttlSeconds?: number;
  sensitivity?: Sensitivity;
  streamed?: boolean;
}

/** A definition builder for one feature view, so each feature states only what is particular to it. */
export function featureView(view: string): (spec: FeatureSpec) => FeatureDefinition {
  return (spec) => ({
    name: spec.name,
    view,
    entity: 'customer',
    type: spec.type,
    description: spec.description,
    owner: FEATURES_OWNER,
    ...(spec.windowDays === undefined ? {} : { windowDays: spec.windowDays }),
    ttlSeconds: spec.ttlSeconds ?? (spec.windowDays !== undefined && spec.windowDays > 30 ? TTL.slow : TTL.daily),
    sensitivity: spec.sensitivity ?? 'public',
    ...(spec.streamed ? { streamed: true } : {}),
  });
}

import type { FeatureDefinition, Sensitivity } from '../../../../src/features/feature-definition';
import { FeatureRegistry } from '../../../../src/features/feature-registry';

export const DAY_SECONDS = 86_400;

function feature(name: string, sensitivity: Sensitivity = 'public', ttlSeconds = 2 * DAY_SECONDS): FeatureDefinition {
  return { name, view: 'test_view', entity: 'customer', type: 'int', description: `test feature ${name}`, owner: 'serving-tests', ttlSeconds, sensitivity };
}

/** 20 public counters f00…f19, plus one personal and one health feature, in one view. */
export const SMALL_FEATURES: readonly FeatureDefinition[] = [
  ...Array.from({ length: 20 }, (_, i) => feature(`f${String(i).padStart(2, '0')}`)),
  feature('home_city', 'personal'),
  feature('prescriptions_90d', 'health'),
  feature('short_lived', 'public', 60),
];

export const smallRegistry = (): FeatureRegistry => new FeatureRegistry(SMALL_FEATURES, [{ name: 'small_v1', description: 'the first three', features: ['f00', 'test_view:f01', 'f02'] }]);

export const TWENTY = SMALL_FEATURES.slice(0, 20);

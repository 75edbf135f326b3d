import type { LakeRow, LakeValue } from '../../lake/lake-engine.port';
import type { FeatureScalar } from '../../store/online-store.port';
import type { FeatureDefinition } from '../feature-definition';
import { ENTITY_COLUMN } from '../sql/feature-table.sql';

/**
 * A feature table value as clients see it, online and in exports: numbers as numbers, timestamps
 * as ISO-8601 UTC text (what the stream writes too), lists as string arrays. Anything the column
 * type does not explain becomes null rather than a value of the wrong type.
 */
export function servedValue(feature: FeatureDefinition, value: LakeValue | undefined): FeatureScalar {
  if (value === null || value === undefined) return feature.type === 'string_list' ? [] : null;
  switch (feature.type) {
    case 'int':
    case 'float': {
      const number = typeof value === 'bigint' ? Number(value) : value;
      return typeof number === 'number' && Number.isFinite(number) ? number : null;
    }
    case 'bool':
      return typeof value === 'boolean' ? value : null;
    case 'string':
      return typeof value === 'string' ? value : String(value);
    case 'timestamp':
      return value instanceof Date ? value.toISOString() : typeof value === 'string' ? value : null;
    case 'string_list':
      return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
  }
}

/** The features of one feature-table row, by name, in registry order. */
export function servedFeatures(row: LakeRow, features: readonly FeatureDefinition[]): Record<string, FeatureScalar> {
  return Object.fromEntries(features.map((feature) => [feature.name, servedValue(feature, row[feature.name])]));
}

export function customerIdOf(row: LakeRow): string {
  return String(row[ENTITY_COLUMN]);
}

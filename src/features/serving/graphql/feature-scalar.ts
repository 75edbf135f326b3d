import { GraphQLError, GraphQLScalarType } from 'graphql';
import type { FeatureScalar } from '../../../store/online-store.port';

function isFeatureScalar(value: unknown): value is FeatureScalar {
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value === 'string' || typeof value === 'boolean') return true;
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/**
 * A feature value in its natural JSON form: a number (int or float), string, boolean, or list of
 * strings, as the feature's `type` says. One scalar instead of a field per type keeps responses
 * small and lets a client read `value` without knowing the type first; output only.
 */
export const FeatureScalarType = new GraphQLScalarType<FeatureScalar, FeatureScalar>({
  name: 'FeatureScalar',
  description: 'A feature value: a number, string, boolean or list of strings, as the feature type says (ISO-8601 text for timestamps)',
  serialize(value) {
    if (isFeatureScalar(value)) return value;
    throw new GraphQLError('a feature value must be a number, string, boolean or list of strings');
  },
  parseValue() {
    throw new GraphQLError('FeatureScalar is an output type');
  },
  parseLiteral() {
    throw new GraphQLError('FeatureScalar is an output type');
  },
});

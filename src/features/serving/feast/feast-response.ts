import type { FeatureScalar } from '../../../store/online-store.port';
import type { FeatureDefinition } from '../../feature-definition';
import type { EntityFeatures, FeatureStatus } from '../served-feature';
import { CUSTOMER_JOIN_KEY, type FeastOnlineFeaturesRequest } from './feast-request';

/** One column of Feast's response: a join key or a feature, one entry per requested entity. */
export interface FeastFeatureVector {
  values: Array<FeatureScalar | string | number>;
  statuses: FeatureStatus[];
  event_timestamps: string[];
}

/**
 * Feast's `GetOnlineFeaturesResponse` as its Python feature server writes it (MessageToDict with
 * proto field names): field order and names match, so the JSON text is the same for the same
 * data (one known difference: Python writes a whole float as `1.0`, JavaScript as `1`).
 */
export interface FeastOnlineFeaturesResponse {
  metadata: { feature_names: string[] };
  results: FeastFeatureVector[];
}

/** What Feast writes for "no timestamp": an unset protobuf Timestamp. */
export const NO_TIMESTAMP = '1970-01-01T00:00:00Z';

/**
 * Protobuf's JSON form of a Timestamp, as Feast writes it: whole seconds end in `Z`, otherwise
 * 3 fraction digits (our event times are milliseconds). Consecutive values are usually equal
 * (a batch stamps every value with the same time), so the last conversion is reused.
 */
function timestampWriter(): (eventTime: number | null) => string {
  let lastTime = Number.NaN;
  let lastText = NO_TIMESTAMP;
  return (eventTime) => {
    if (eventTime === null) return NO_TIMESTAMP;
    if (eventTime !== lastTime) {
      const iso = new Date(eventTime).toISOString();
      lastText = eventTime % 1000 === 0 ? `${iso.slice(0, 19)}Z` : iso;
      lastTime = eventTime;
    }
    return lastText;
  };
}

/** `view__feature` with full_feature_names, as Feast names them; the bare name otherwise. */
export function feastFeatureName(feature: FeatureDefinition, fullFeatureNames: boolean): string {
  return fullFeatureNames ? `${feature.view}__${feature.name}` : feature.name;
}

/**
 * Columns, join key first, then each feature in the order requested (Feast's Go server keeps that
 * order; the Python one groups by view). MASKED is not a Feast status: clients that treat every
 * status but PRESENT as "no value", as Feast's own remote client does, need no change.
 */
export function feastResponse(request: FeastOnlineFeaturesRequest, rows: readonly EntityFeatures[]): FeastOnlineFeaturesResponse {
  const timestamp = timestampWriter();
  const joinKeys: FeastFeatureVector = {
    values: request.joinKeyValues,
    statuses: request.joinKeyValues.map((): FeatureStatus => 'PRESENT'),
    event_timestamps: request.joinKeyValues.map(() => NO_TIMESTAMP),
  };
  const columns = request.features.map((_, column): FeastFeatureVector => {
    const vector: FeastFeatureVector = { values: new Array(rows.length), statuses: new Array(rows.length), event_timestamps: new Array(rows.length) };
    rows.forEach((row, index) => {
      const served = row.features[column];
      vector.values[index] = served?.value ?? null;
      vector.statuses[index] = served?.status ?? 'NOT_FOUND';
      vector.event_timestamps[index] = timestamp(served?.eventTime ?? null);
    });
    return vector;
  });
  return {
    metadata: { feature_names: [CUSTOMER_JOIN_KEY, ...request.features.map((feature) => feastFeatureName(feature, request.fullFeatureNames))] },
    results: [joinKeys, ...columns],
  };
}

import type { EntityFeatures, ServedFeature } from '../served-feature';
import type { EntityFeaturesModel, FeatureValueModel } from './feature-value.model';

/** ISO-8601 text of event times; consecutive values usually share one time (a batch run's), so the last is reused. */
function isoWriter(): (eventTime: number | null) => string | null {
  let lastTime = Number.NaN;
  let lastText = '';
  return (eventTime) => {
    if (eventTime === null) return null;
    if (eventTime !== lastTime) {
      lastText = new Date(eventTime).toISOString();
      lastTime = eventTime;
    }
    return lastText;
  };
}

function featureValues(served: readonly ServedFeature[], iso: (eventTime: number | null) => string | null): FeatureValueModel[] {
  return served.map(({ feature, status, value, eventTime }) => ({ name: feature.name, view: feature.view, type: feature.type, status, value, eventTime: iso(eventTime) }));
}

/** One entity's served features as GraphQL objects. */
export function featureValueModels(served: readonly ServedFeature[]): FeatureValueModel[] {
  return featureValues(served, isoWriter());
}

/** Domain results as GraphQL objects (plain data: the models only describe the schema). */
export function entityFeatureModels(rows: readonly EntityFeatures[]): EntityFeaturesModel[] {
  const iso = isoWriter();
  return rows.map((row) => ({ entityId: row.entityId, features: featureValues(row.features, iso) }));
}

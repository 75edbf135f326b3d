import type { FeatureScalar } from '../../../store/online-store.port';
import type { EntityFeatures, FeatureStatus, ServedFeature } from '../served-feature';
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

/**
 * An entity's answer whose forms are getters, computed only when a query selects them: the
 * columns cost a fraction of the objects, and a query asking for one form should not pay for the
 * other. GraphQL's default resolver reads them as properties, which graphql-jit inlines (a NestJS
 * @ResolveField would cost a call through Nest's pipeline per entity and field).
 */
class EntityFeaturesView implements EntityFeaturesModel {
  constructor(
    readonly entityId: string,
    private readonly served: readonly ServedFeature[],
  ) {}

  get features(): FeatureValueModel[] {
    return featureValueModels(this.served);
  }

  get values(): FeatureScalar[] {
    return this.served.map((each) => each.value);
  }

  get statuses(): FeatureStatus[] {
    return this.served.map((each) => each.status);
  }

  get eventTimes(): Array<string | null> {
    const iso = isoWriter();
    return this.served.map((each) => iso(each.eventTime));
  }
}

/** Domain results as GraphQL objects. */
export function entityFeatureModels(rows: readonly EntityFeatures[]): EntityFeaturesModel[] {
  return rows.map((row) => new EntityFeaturesView(row.entityId, row.features));
}

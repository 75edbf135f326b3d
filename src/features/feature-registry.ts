import { CUSTOMER_ACTIVITY_FEATURES } from './definitions/customer-activity.features';
import { CUSTOMER_CARE_FEATURES } from './definitions/customer-care.features';
import { CUSTOMER_ORDERS_FEATURES } from './definitions/customer-orders.features';
import { CUSTOMER_RFM_FEATURES } from './definitions/customer-rfm.features';
import { FEATURE_SERVICES as SERVICES } from './definitions/feature-services';
import type { FeatureDefinition, FeatureService } from './feature-definition';
import { FeaturesException, FeaturesExceptionCode } from './features.exception';

/** Every customer feature, grouped by view; the batch job materializes exactly these columns. */
export const FEATURES: readonly FeatureDefinition[] = [...CUSTOMER_ORDERS_FEATURES, ...CUSTOMER_RFM_FEATURES, ...CUSTOMER_ACTIVITY_FEATURES, ...CUSTOMER_CARE_FEATURES];

export const FEATURE_SERVICES: readonly FeatureService[] = SERVICES;

/** Feature names are SQL column names and GraphQL field names: lower snake case only. */
const NAME = /^[a-z][a-z0-9_]*$/;

/**
 * Looks features up by name or by Feast's `view:name` reference, and resolves feature services.
 * Built once from the definitions; construction refuses duplicates, bad names and services that
 * name unknown features, so a broken registry fails at start, not on a request.
 */
export class FeatureRegistry {
  private readonly byName: ReadonlyMap<string, FeatureDefinition>;
  /** Names and `view:name` references alike: lookups on the serving path are one map read. */
  private readonly byRef: ReadonlyMap<string, FeatureDefinition>;
  private readonly services: ReadonlyMap<string, FeatureService>;

  constructor(features: readonly FeatureDefinition[] = FEATURES, services: readonly FeatureService[] = FEATURE_SERVICES) {
    const byName = new Map<string, FeatureDefinition>();
    for (const feature of features) {
      if (!NAME.test(feature.name) || !NAME.test(feature.view)) throw new Error(`feature registry: ${feature.view}:${feature.name} must be lower snake case`);
      if (byName.has(feature.name)) throw new Error(`feature registry: two features are named ${feature.name}`);
      byName.set(feature.name, feature);
    }
    this.byName = byName;
    this.byRef = new Map([...byName, ...[...byName.values()].map((feature): [string, FeatureDefinition] => [`${feature.view}:${feature.name}`, feature])]);
    const byService = new Map<string, FeatureService>();
    for (const service of services) {
      if (byService.has(service.name)) throw new Error(`feature registry: two services are named ${service.name}`);
      const unknown = service.features.filter((ref) => this.find(ref) === undefined);
      if (unknown.length > 0) throw new Error(`feature registry: service ${service.name} names unknown features: ${unknown.join(', ')}`);
      byService.set(service.name, service);
    }
    this.services = byService;
  }

  /** Every feature, in registry order. */
  all(): readonly FeatureDefinition[] {
    return [...this.byName.values()];
  }

  /** The feature a name or `view:name` reference means, or undefined. */
  find(ref: string): FeatureDefinition | undefined {
    return this.byRef.get(ref);
  }

  /** The feature a reference means; throws UNKNOWN_FEATURE naming it otherwise. */
  get(ref: string): FeatureDefinition {
    return this.validate([ref])[0] as FeatureDefinition;
  }

  /**
   * The features the references mean, in the order given (duplicates once). Throws one error
   * listing every unknown reference, so a caller fixes them all in one go.
   */
  validate(refs: readonly string[]): FeatureDefinition[] {
    const found = new Set<FeatureDefinition>();
    const unknown: string[] = [];
    for (const ref of refs) {
      const feature = this.find(ref);
      if (!feature) unknown.push(ref);
      else found.add(feature);
    }
    if (unknown.length > 0) {
      const shown = unknown.map((ref) => JSON.stringify(ref)).join(', ');
      throw new FeaturesException(
        FeaturesExceptionCode.UNKNOWN_FEATURE,
        `unknown feature${unknown.length > 1 ? 's' : ''} ${shown}; \`c360 features list\` shows the ${this.byName.size} known features`,
        { unknown: unknown.join(',') },
      );
    }
    return [...found];
  }

  /** The service's features, in its order; throws UNKNOWN_SERVICE naming the known services otherwise. */
  service(name: string): FeatureDefinition[] {
    const service = this.services.get(name);
    if (!service) {
      throw new FeaturesException(FeaturesExceptionCode.UNKNOWN_SERVICE, `unknown feature service ${JSON.stringify(name)}; known: ${[...this.services.keys()].join(', ')}`, { service: name });
    }
    return this.validate(service.features);
  }

  /** Every feature service. */
  allServices(): readonly FeatureService[] {
    return [...this.services.values()];
  }
}

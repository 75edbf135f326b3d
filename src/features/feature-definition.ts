/** The value type a feature serves; GraphQL and Feast responses are typed from it. */
export type FeatureValueType = 'int' | 'float' | 'string' | 'bool' | 'string_list' | 'timestamp';

/** Health-related features are sensitive: served only to callers with pii:read, never logged. */
export type Sensitivity = 'public' | 'personal' | 'health';

/**
 * One feature of the registry (a Feast feature inside a feature view). `view` groups features
 * computed together; `view:name` is the Feast-style reference.
 */
export interface FeatureDefinition {
  name: string;
  view: string;
  entity: 'customer';
  type: FeatureValueType;
  description: string;
  owner: string;
  /** Look-back window of the aggregation, in days; undefined for all-time or point features. */
  windowDays?: number;
  /** Online reads of values older than this come back OUTSIDE_MAX_AGE (Feast's ttl). */
  ttlSeconds: number;
  sensitivity: Sensitivity;
  /** Feature kept current by the stream consumers between batch runs. */
  streamed?: boolean;
}

/** A named list of feature references a client asks for at once (Feast's feature service). */
export interface FeatureService {
  name: string;
  description: string;
  features: readonly string[];
}

/** Online-store entity key of a customer; features of one customer live in one partition. */
export function customerEntityKey(customerId: string): string {
  return `customer:${customerId}`;
}

import type { FeatureScalar } from '../../store/online-store.port';

/** A clickstream event as the predicate reads it; `properties` is the parsed properties object. */
export interface FactEvent {
  type: string;
  event: string | null;
  messageId: string | null;
  /** Event time, epoch ms. */
  time: number;
  properties: unknown;
}

/**
 * What the in-memory predicate knows of one customer: feature values as the online store serves
 * them (timestamps as ISO text, lists as arrays, missing as null or absent), the customer's
 * events (at least those of the definition's windows), and their consent.
 */
export interface CustomerFacts {
  features: Readonly<Record<string, FeatureScalar | undefined>>;
  events: readonly FactEvent[];
  optedOut: boolean;
}

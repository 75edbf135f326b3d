import type { FeatureDefinition } from '../../features/feature-definition';

/**
 * The segment definition language, as parsed (syntax checked) and as checked against the feature
 * registry and the other segments. A definition is one condition; docs/SEGMENTS.md is the guide.
 */

export type Scalar = string | number | boolean;

export const COMPARISONS = ['eq', 'ne', 'lt', 'lte', 'gt', 'gte'] as const;
export type Comparison = (typeof COMPARISONS)[number];

export const FEATURE_OPS = [...COMPARISONS, 'between', 'in', 'not_in', 'exists', 'contains', 'within_last_days'] as const;
export type FeatureOp = (typeof FEATURE_OPS)[number];

export const PROPERTY_OPS = [...COMPARISONS, 'in'] as const;
export type PropertyOp = (typeof PROPERTY_OPS)[number];

/** The keys that say what kind a condition is; a condition object has exactly one of them. */
export const CONDITION_KINDS = ['all', 'any', 'not', 'feature', 'event', 'segment'] as const;

/** What a feature condition tests, by op; which ops a feature allows depends on its type. */
export type FeatureTest =
  | { op: 'exists' }
  | { op: Comparison; value: Scalar }
  | { op: 'between'; min: Scalar; max: Scalar }
  | { op: 'in' | 'not_in'; values: Scalar[] }
  | { op: 'contains'; value: Scalar }
  | { op: 'within_last_days'; value: Scalar };

export type PropertyFilter = { property: string; op: Comparison; value: Scalar } | { property: string; op: 'in'; values: Scalar[] };

/** `path` is where the condition sits in the definition (`$.all[1]`), for messages. */
export type Condition =
  | { kind: 'all' | 'any'; path: string; conditions: Condition[] }
  | { kind: 'not'; path: string; condition: Condition }
  | { kind: 'feature'; path: string; feature: string; test: FeatureTest }
  | { kind: 'behaviour'; path: string; event: string; atLeast: number; inLastDays: number | undefined; where: PropertyFilter[] }
  | { kind: 'segment'; path: string; segmentId: string };

/**
 * A feature test after checking: values fit the feature's type; timestamps are epoch ms. Every
 * test is false for a customer without a value (null, or an empty list), `not` included only as
 * the negation of the whole test.
 */
export type CheckedTest =
  | { op: 'exists' }
  | { op: Comparison; value: number | string | boolean }
  | { op: 'between'; min: number; max: number }
  | { op: 'in' | 'not_in'; values: Array<number | string> }
  | { op: 'contains'; value: string }
  | { op: 'within_last_days'; days: number };

/**
 * A property filter after checking. The operand's kind says which properties can match: text
 * operands match JSON strings, numbers match JSON numbers, booleans JSON true/false; a property of
 * another kind, or missing, matches nothing (`ne` included). `eq` and `ne` have one value.
 */
export type CheckedFilter =
  | { property: string; kind: 'text'; op: 'eq' | 'ne' | 'in'; values: string[] }
  | { property: string; kind: 'number'; op: Comparison | 'in'; values: number[] }
  | { property: string; kind: 'boolean'; op: 'eq' | 'ne'; values: boolean[] };

export interface CheckedBehaviour {
  kind: 'behaviour';
  /** A track event's name, as the clickstream carries it. */
  event: string;
  atLeast: number;
  /** The window: the as-of day and the N-1 days before it. */
  inLastDays: number;
  where: CheckedFilter[];
}

export type CheckedCondition =
  | { kind: 'all' | 'any'; conditions: CheckedCondition[] }
  | { kind: 'not'; condition: CheckedCondition }
  | { kind: 'feature'; feature: FeatureDefinition; test: CheckedTest }
  | CheckedBehaviour
  /** Membership of another segment: its own checked definition, inlined, as of the same day. */
  | { kind: 'segment'; segmentId: string; version: number; condition: CheckedCondition };

/** Every behaviour condition of a checked definition, depth first: the evaluators number them the same way. */
export function behavioursOf(condition: CheckedCondition): CheckedBehaviour[] {
  switch (condition.kind) {
    case 'all':
    case 'any':
      return condition.conditions.flatMap(behavioursOf);
    case 'not':
      return behavioursOf(condition.condition);
    case 'segment':
      return behavioursOf(condition.condition);
    case 'behaviour':
      return [condition];
    case 'feature':
      return [];
  }
}

/** Every feature a checked definition reads, each once, in first-use order. */
export function featuresOf(condition: CheckedCondition): FeatureDefinition[] {
  const seen = new Map<string, FeatureDefinition>();
  const walk = (node: CheckedCondition): void => {
    if (node.kind === 'feature') seen.set(node.feature.name, node.feature);
    else if (node.kind === 'all' || node.kind === 'any') node.conditions.forEach(walk);
    else if (node.kind === 'not' || node.kind === 'segment') walk(node.condition);
  };
  walk(condition);
  return [...seen.values()];
}

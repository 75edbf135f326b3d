import { asOf, windowStartDay } from '../../features/sql/as-of';
import type { FeatureDefinition } from '../../features/feature-definition';
import type { FeatureScalar } from '../../store/online-store.port';
import type { CheckedBehaviour, CheckedCondition, CheckedFilter, CheckedTest, Comparison } from '../definition/segment-condition';
import type { CustomerFacts, FactEvent } from './customer-facts';

/** Membership of one customer, consent applied: the real-time twin of the SQL evaluator. */
export type SegmentPredicate = (facts: CustomerFacts) => boolean;

const COMPARE: Readonly<Record<Comparison, (a: number | string | boolean, b: number | string | boolean) => boolean>> = {
  eq: (a, b) => a === b,
  ne: (a, b) => a !== b,
  lt: (a, b) => a < b,
  lte: (a, b) => a <= b,
  gt: (a, b) => a > b,
  gte: (a, b) => a >= b,
};

interface Clock {
  endMs: number;
  windowStartMs(days: number): number;
}

/** A served value in the type SQL compares it as, or undefined when it is missing or of another type. */
function typed(feature: FeatureDefinition, value: FeatureScalar | undefined): number | string | boolean | readonly string[] | undefined {
  if (value === null || value === undefined) return undefined;
  switch (feature.type) {
    case 'int':
    case 'float':
      return typeof value === 'number' ? value : undefined;
    case 'string':
      return typeof value === 'string' ? value : undefined;
    case 'bool':
      return typeof value === 'boolean' ? value : undefined;
    case 'timestamp': {
      const ms = typeof value === 'string' ? Date.parse(value) : NaN;
      return Number.isNaN(ms) ? undefined : ms;
    }
    case 'string_list':
      return Array.isArray(value) && value.length > 0 ? (value as readonly string[]) : undefined;
  }
}

function featureTest(feature: FeatureDefinition, test: CheckedTest, raw: FeatureScalar | undefined, clock: Clock): boolean {
  const value = typed(feature, raw);
  if (value === undefined) return false;
  switch (test.op) {
    case 'exists':
      return true;
    case 'contains':
      return Array.isArray(value) && value.includes(test.value);
    case 'within_last_days':
      return typeof value === 'number' && value >= clock.windowStartMs(test.days);
    case 'between':
      return typeof value === 'number' && value >= test.min && value <= test.max;
    case 'in':
      return test.values.includes(value as number | string);
    case 'not_in':
      return !test.values.includes(value as number | string);
    default:
      return !Array.isArray(value) && COMPARE[test.op](value as number | string | boolean, test.value);
  }
}

/** A property as the filter's kind sees it: JSON strings for text, numbers for numbers, booleans for booleans. */
function propertyOf(properties: unknown, name: string): unknown {
  if (typeof properties !== 'object' || properties === null || Array.isArray(properties) || !Object.hasOwn(properties, name)) return undefined;
  return (properties as Record<string, unknown>)[name];
}

function filterMatches(filter: CheckedFilter, properties: unknown): boolean {
  const value = propertyOf(properties, filter.property);
  const kind = filter.kind === 'text' ? 'string' : filter.kind;
  if (typeof value !== kind) return false;
  if (filter.op === 'in') return (filter.values as ReadonlyArray<unknown>).includes(value);
  return COMPARE[filter.op](value as number | string | boolean, filter.values[0] as number | string | boolean);
}

function behaviourCount(behaviour: CheckedBehaviour, events: readonly FactEvent[], clock: Clock): number {
  const from = clock.windowStartMs(behaviour.inLastDays);
  const counted = new Set<string>();
  for (const event of events) {
    if (event.type !== 'track' || event.event !== behaviour.event || event.messageId === null) continue;
    if (event.time < from || event.time >= clock.endMs) continue;
    if (behaviour.where.every((filter) => filterMatches(filter, event.properties))) counted.add(event.messageId);
  }
  return counted.size;
}

/** Kleene's three-valued logic: `undefined` is "cannot tell from what is known". */
type Verdict = boolean | undefined;

function holds(condition: CheckedCondition, facts: PartialFacts, clock: Clock): Verdict {
  switch (condition.kind) {
    case 'all': {
      let verdict: Verdict = true;
      for (const child of condition.conditions) {
        const value = holds(child, facts, clock);
        if (value === false) return false;
        if (value === undefined) verdict = undefined;
      }
      return verdict;
    }
    case 'any': {
      let verdict: Verdict = false;
      for (const child of condition.conditions) {
        const value = holds(child, facts, clock);
        if (value === true) return true;
        if (value === undefined) verdict = undefined;
      }
      return verdict;
    }
    case 'not': {
      const value = holds(condition.condition, facts, clock);
      return value === undefined ? undefined : !value;
    }
    case 'segment':
      return holds(condition.condition, facts, clock);
    case 'feature':
      return featureTest(condition.feature, condition.test, facts.features[condition.feature.name], clock);
    case 'behaviour':
      return facts.events === undefined ? undefined : behaviourCount(condition, facts.events, clock) >= condition.atLeast;
  }
}

/** Facts where the events may be unknown: the stream knows a customer's features, not their event history. */
export interface PartialFacts {
  features: CustomerFacts['features'];
  events: CustomerFacts['events'] | undefined;
  optedOut: boolean;
}

function clockOf(day: string): Clock {
  const { endExclusiveMs } = asOf(day);
  const starts = new Map<number, number>();
  return {
    endMs: endExclusiveMs,
    windowStartMs(days) {
      let start = starts.get(days);
      if (start === undefined) starts.set(days, (start = Date.parse(`${windowStartDay(day, days)}T00:00:00Z`)));
      return start;
    },
  };
}

/** The in-memory evaluator of a checked definition as of the end of `day`, with the SQL evaluator's semantics. */
export function compilePredicate(condition: CheckedCondition, day: string): SegmentPredicate {
  const clock = clockOf(day);
  return (facts) => !facts.optedOut && holds(condition, facts, clock) === true;
}

/**
 * The same evaluator when the events may be unknown: true or false when the known facts decide
 * (a customer whose cart emptied has left "cart abandoners" whatever they did), undefined when
 * only the events could. The real-time path acts on decided verdicts and leaves the rest to the
 * daily run.
 */
export function compilePartialPredicate(condition: CheckedCondition, day: string): (facts: PartialFacts) => Verdict {
  const clock = clockOf(day);
  return (facts) => (facts.optedOut ? false : holds(condition, facts, clock));
}

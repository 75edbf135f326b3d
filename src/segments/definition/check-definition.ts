import type { FeatureValueType } from '../../features/feature-definition';
import type { FeatureRegistry } from '../../features/feature-registry';
import { isDay } from '../../lake/lake-layout';
import { SegmentsException, SegmentsExceptionCode } from '../segments.exception';
import { closestName, DefinitionProblems } from './definition-problems';
import { parseDefinition } from './parse-definition';
import {
  behavioursOf,
  COMPARISONS,
  type CheckedCondition,
  type CheckedFilter,
  type CheckedTest,
  type Condition,
  type FeatureOp,
  type FeatureTest,
  type PropertyFilter,
  type Scalar,
} from './segment-condition';

/** Behaviour looks back at most a year: a longer window would scan the whole clickstream history. */
export const MAX_BEHAVIOUR_DAYS = 365;
/** Behaviour conditions per definition, referenced segments included: each is a pass over the window's events. */
export const MAX_BEHAVIOURS = 20;
/** Segments referencing segments referencing…: deeper is a maze nobody can read. */
export const MAX_REFERENCE_DEPTH = 5;
export const MAX_WITHIN_DAYS = 3650;

/** A stored segment, as a reference to it needs it. */
export interface ReferencedSegment {
  id: string;
  version: number;
  archived: boolean;
  definition: unknown;
}

/** Where references to other segments are looked up (the segment repository). */
export interface SegmentLookup {
  find(id: string): Promise<ReferencedSegment | undefined>;
}

export interface CheckContext {
  registry: FeatureRegistry;
  segments: SegmentLookup;
  /** The segment being created or updated, so it cannot reference itself. */
  self?: string;
}

const OPS_BY_TYPE: Readonly<Record<FeatureValueType, readonly FeatureOp[]>> = {
  int: [...COMPARISONS, 'between', 'in', 'not_in', 'exists'],
  float: [...COMPARISONS, 'between', 'in', 'not_in', 'exists'],
  string: ['eq', 'ne', 'in', 'not_in', 'exists'],
  bool: ['eq', 'ne', 'exists'],
  timestamp: ['lt', 'lte', 'gt', 'gte', 'between', 'exists', 'within_last_days'],
  string_list: ['contains', 'exists'],
};

const ISO_TIME = /^(\d{4}-\d{2}-\d{2})(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

/** A timestamp operand as epoch ms: a day (UTC midnight) or an ISO-8601 time with its zone. */
export function timeOperand(value: Scalar): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = ISO_TIME.exec(value);
  if (!match || !isDay(match[1] as string)) return undefined;
  const ms = Date.parse(match[0].length === 10 ? `${value}T00:00:00Z` : value);
  return Number.isNaN(ms) ? undefined : ms;
}

const describe = (value: Scalar): string => `${JSON.stringify(value)} is ${typeof value === 'string' ? 'text' : typeof value === 'number' ? 'a number' : 'a boolean'}`;

class Checker {
  readonly problems = new DefinitionProblems();

  constructor(
    private readonly context: CheckContext,
    private readonly stack: readonly string[],
    private readonly prefix: string,
  ) {}

  async node(condition: Condition): Promise<CheckedCondition | undefined> {
    switch (condition.kind) {
      case 'all':
      case 'any': {
        const children: Array<CheckedCondition | undefined> = [];
        for (const child of condition.conditions) children.push(await this.node(child));
        return children.every((child) => child !== undefined) ? { kind: condition.kind, conditions: children as CheckedCondition[] } : undefined;
      }
      case 'not': {
        const child = await this.node(condition.condition);
        return child && { kind: 'not', condition: child };
      }
      case 'feature':
        return this.feature(condition);
      case 'behaviour':
        return this.behaviour(condition);
      case 'segment':
        return this.segment(condition);
    }
  }

  private add(path: string, reason: SegmentsExceptionCode, message: string): undefined {
    this.problems.add(`${this.prefix}${path}`, reason, message);
    return undefined;
  }

  private feature(condition: Extract<Condition, { kind: 'feature' }>): CheckedCondition | undefined {
    const { registry } = this.context;
    const feature = registry.find(condition.feature);
    const at = `${condition.path}.feature`;
    if (!feature) {
      const guess = closestName(condition.feature, registry.all().map((known) => known.name));
      return this.add(at, SegmentsExceptionCode.UNKNOWN_FEATURE, `unknown feature ${JSON.stringify(condition.feature)}${guess ? ` (did you mean ${guess}?)` : ''}; \`c360 features list\` shows the ${registry.all().length} known features`);
    }
    const allowed = OPS_BY_TYPE[feature.type];
    if (!allowed.includes(condition.test.op)) {
      return this.add(`${condition.path}.op`, SegmentsExceptionCode.TYPE_MISMATCH, `feature ${feature.name} is ${feature.type}; op "${condition.test.op}" does not apply to it (use ${allowed.join(', ')})`);
    }
    const test = this.test(feature.name, feature.type, condition.test, condition.path);
    return test && { kind: 'feature', feature, test };
  }

  private test(name: string, type: FeatureValueType, test: FeatureTest, path: string): CheckedTest | undefined {
    const operand = (value: Scalar, where: string): number | string | boolean | undefined => {
      const mismatch = (expected: string) => this.add(`${path}.${where}`, SegmentsExceptionCode.TYPE_MISMATCH, `feature ${name} is ${type}; ${describe(value)}, expected ${expected}`);
      switch (type) {
        case 'int':
        case 'float':
          return typeof value === 'number' ? value : mismatch('a number');
        case 'string':
        case 'string_list':
          return typeof value === 'string' ? value : mismatch('text');
        case 'bool':
          return typeof value === 'boolean' ? value : mismatch('true or false');
        case 'timestamp':
          return timeOperand(value) ?? mismatch('a day (2026-03-01) or an ISO-8601 time with its zone (2026-03-01T09:30:00Z)');
      }
    };
    switch (test.op) {
      case 'exists':
        return test;
      case 'within_last_days': {
        const days = test.value;
        if (typeof days !== 'number' || !Number.isInteger(days) || days < 1 || days > MAX_WITHIN_DAYS) {
          return this.add(`${path}.value`, SegmentsExceptionCode.TYPE_MISMATCH, `within_last_days takes a whole number of days, 1-${MAX_WITHIN_DAYS} (${describe(days)})`);
        }
        return { op: test.op, days };
      }
      case 'between': {
        const min = operand(test.min, 'min');
        const max = operand(test.max, 'max');
        if (typeof min !== 'number' || typeof max !== 'number') return undefined;
        if (min > max) return this.add(`${path}.min`, SegmentsExceptionCode.INVALID_DEFINITION, 'between needs min ≤ max');
        return { op: test.op, min, max };
      }
      case 'in':
      case 'not_in': {
        const values = test.values.map((value, index) => operand(value, `values[${index}]`));
        if (!values.every((value) => typeof value === 'number' || typeof value === 'string')) return undefined;
        return { op: test.op, values: [...new Set(values as Array<number | string>)] };
      }
      case 'contains': {
        const value = operand(test.value, 'value');
        return typeof value === 'string' ? { op: test.op, value } : undefined;
      }
      default: {
        const value = operand(test.value, 'value');
        return value === undefined ? undefined : { op: test.op, value };
      }
    }
  }

  private behaviour(condition: Extract<Condition, { kind: 'behaviour' }>): CheckedCondition | undefined {
    const { inLastDays } = condition;
    if (inLastDays === undefined) {
      return this.add(condition.path, SegmentsExceptionCode.UNBOUNDED_SCAN, `an event condition needs inLastDays (1-${MAX_BEHAVIOUR_DAYS}); without it every day of clickstream ever recorded would be scanned`);
    }
    if (inLastDays > MAX_BEHAVIOUR_DAYS) {
      return this.add(`${condition.path}.inLastDays`, SegmentsExceptionCode.UNBOUNDED_SCAN, `inLastDays is at most ${MAX_BEHAVIOUR_DAYS} (got ${inLastDays}); a longer look-back scans the whole clickstream history`);
    }
    const where = condition.where.map((filter, index) => this.filter(filter, `${condition.path}.where[${index}]`));
    if (!where.every((filter) => filter !== undefined)) return undefined;
    return { kind: 'behaviour', event: condition.event, atLeast: condition.atLeast, inLastDays, where: where as CheckedFilter[] };
  }

  private filter(filter: PropertyFilter, path: string): CheckedFilter | undefined {
    const { property, op } = filter;
    const values = filter.op === 'in' ? filter.values : [filter.value];
    const at = filter.op === 'in' ? (index: number) => `${path}.values[${index}]` : () => `${path}.value`;
    const kind = typeof values[0];
    const odd = values.findIndex((value) => typeof value !== kind);
    if (odd >= 0) return this.add(at(odd), SegmentsExceptionCode.TYPE_MISMATCH, `the values of one filter are all text or all numbers; ${describe(values[odd] as Scalar)}, the first is ${kind === 'string' ? 'text' : `a ${kind}`}`);
    if (kind === 'number') return { property, kind: 'number', op, values: [...new Set(values as number[])] };
    if (op !== 'eq' && op !== 'ne' && op !== 'in') {
      return this.add(`${path}.op`, SegmentsExceptionCode.TYPE_MISMATCH, `op "${op}" compares numbers; ${describe(values[0] as Scalar)}`);
    }
    if (kind === 'string') return { property, kind: 'text', op, values: [...new Set(values as string[])] };
    if (op === 'in') return this.add(`${path}.op`, SegmentsExceptionCode.TYPE_MISMATCH, 'op "in" takes text or numbers; true/false take eq or ne');
    return { property, kind: 'boolean', op, values: values as boolean[] };
  }

  private async segment(condition: Extract<Condition, { kind: 'segment' }>): Promise<CheckedCondition | undefined> {
    const id = condition.segmentId;
    const at = `${condition.path}.segment`;
    const chain = [...this.stack, id];
    if (this.stack.includes(id)) return this.add(at, SegmentsExceptionCode.SEGMENT_CYCLE, `segments would contain themselves: ${chain.join(' → ')}`);
    if (this.stack.length > MAX_REFERENCE_DEPTH) {
      return this.add(at, SegmentsExceptionCode.INVALID_DEFINITION, `segments reference segments more than ${MAX_REFERENCE_DEPTH} deep (${chain.join(' → ')})`);
    }
    const found = await this.context.segments.find(id);
    if (!found) return this.add(at, SegmentsExceptionCode.UNKNOWN_SEGMENT, `no segment ${JSON.stringify(id)}`);
    if (found.archived) return this.add(at, SegmentsExceptionCode.UNKNOWN_SEGMENT, `segment ${id} is archived`);
    const inner = new Checker(this.context, chain, `${this.prefix}${condition.path}.segment→${id}:`);
    let parsed: Condition;
    try {
      parsed = parseDefinition(found.definition);
    } catch (error) {
      if (!(error instanceof SegmentsException)) throw error;
      return this.add(at, SegmentsExceptionCode.INVALID_DEFINITION, `segment ${id} (version ${found.version}) no longer parses: ${error.message}`);
    }
    const checked = await inner.node(parsed);
    this.problems.list.push(...inner.problems.list);
    return checked && { kind: 'segment', segmentId: id, version: found.version, condition: checked };
  }
}

/**
 * The meaning check of a definition, after parseDefinition's syntax check: features exist and
 * their ops and operands fit their types, behaviour windows are bounded, referenced segments exist,
 * are active and form no cycle (they are inlined, so both evaluators see one self-contained tree).
 * Throws one SegmentsException listing every problem with its path.
 */
export async function checkDefinition(input: unknown, context: CheckContext): Promise<CheckedCondition> {
  const parsed = parseDefinition(input);
  const checker = new Checker(context, context.self === undefined ? [] : [context.self], '');
  const checked = await checker.node(parsed);
  if (checked !== undefined) {
    const behaviours = behavioursOf(checked).length;
    if (behaviours > MAX_BEHAVIOURS) checker.problems.add('$', SegmentsExceptionCode.UNBOUNDED_SCAN, `${behaviours} event conditions (referenced segments included); at most ${MAX_BEHAVIOURS}`);
  }
  checker.problems.throwIfAny();
  return checked as CheckedCondition;
}

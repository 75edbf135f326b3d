import { validateSync, type ValidationError } from 'class-validator';
import { SegmentsExceptionCode } from '../segments.exception';
import { AllDto, AnyDto, EventConditionDto, FeatureConditionDto, NotDto, PropertyFilterDto, SegmentReferenceDto } from './definition-dtos';
import { DefinitionProblems } from './definition-problems';
import { CONDITION_KINDS, type Comparison, type Condition, type FeatureTest, type PropertyFilter, type Scalar } from './segment-condition';

/** Nesting and size limits: a definition is meant to be read by people. */
export const MAX_DEPTH = 12;
export const MAX_CONDITIONS = 200;

type Dto = new () => object;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

/**
 * Copies own keys onto a fresh DTO with defineProperty, never assignment, so a `__proto__` key in
 * the JSON stays a plain (and forbidden) property instead of swapping the DTO's prototype.
 */
function toDto<T extends object>(type: new () => T, input: Record<string, unknown>): T {
  const dto = new type();
  for (const key of Object.keys(input)) Object.defineProperty(dto, key, { value: input[key], enumerable: true, writable: true, configurable: true });
  return dto;
}

function report(problems: DefinitionProblems, path: string, errors: readonly ValidationError[]): void {
  for (const error of errors) {
    const where = `${path}.${error.property}`;
    // Unknown keys were reported already, with the keys that are known.
    for (const [name, message] of Object.entries(error.constraints ?? {})) if (name !== 'whitelistValidation') problems.add(where, SegmentsExceptionCode.INVALID_DEFINITION, message);
    report(problems, where, error.children ?? []);
  }
}

/** The keys each DTO knows; checked by hand too, since class-validator's whitelist lets `__proto__` through. */
const KNOWN_KEYS = new Map<Dto, readonly string[]>();

/** Validates one node with class-validator; unknown keys are problems, not silently dropped. */
function validated<T extends object>(type: new () => T, input: Record<string, unknown>, path: string, problems: DefinitionProblems): T | undefined {
  const known = KNOWN_KEYS.get(type) ?? [];
  const unknown = Object.keys(input).filter((key) => !known.includes(key));
  for (const key of unknown) problems.add(`${path}.${key}`, SegmentsExceptionCode.INVALID_DEFINITION, `unknown key ${JSON.stringify(key)} (expected ${known.join(', ')})`);
  const dto = toDto(type, input);
  const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  report(problems, path, errors);
  return errors.length === 0 && unknown.length === 0 ? dto : undefined;
}

const DTO_BY_KIND: Readonly<Record<(typeof CONDITION_KINDS)[number], Dto>> = {
  all: AllDto,
  any: AnyDto,
  not: NotDto,
  feature: FeatureConditionDto,
  event: EventConditionDto,
  segment: SegmentReferenceDto,
};

KNOWN_KEYS.set(AllDto, ['all']);
KNOWN_KEYS.set(AnyDto, ['any']);
KNOWN_KEYS.set(NotDto, ['not']);
KNOWN_KEYS.set(FeatureConditionDto, ['feature', 'op', 'value', 'values', 'min', 'max']);
KNOWN_KEYS.set(EventConditionDto, ['event', 'atLeast', 'inLastDays', 'where']);
KNOWN_KEYS.set(SegmentReferenceDto, ['segment']);
KNOWN_KEYS.set(PropertyFilterDto, ['property', 'op', 'value', 'values']);

/** Which keys an op takes, so `"op":"in","value":3` is a clear problem rather than a silent ignore. */
function operandKeys(op: string): readonly string[] {
  if (op === 'exists') return [];
  if (op === 'between') return ['min', 'max'];
  if (op === 'in' || op === 'not_in') return ['values'];
  return ['value'];
}

function checkOperands(input: Record<string, unknown>, op: string, allowed: readonly string[], path: string, problems: DefinitionProblems): boolean {
  const wanted = operandKeys(op);
  let ok = true;
  for (const key of allowed) {
    if (wanted.includes(key) && input[key] === undefined) {
      problems.add(`${path}.${key}`, SegmentsExceptionCode.INVALID_DEFINITION, `op "${op}" needs ${key}`);
      ok = false;
    } else if (!wanted.includes(key) && input[key] !== undefined) {
      const takes = wanted.length === 0 ? 'takes no operand' : `takes ${wanted.join(' and ')}`;
      problems.add(`${path}.${key}`, SegmentsExceptionCode.INVALID_DEFINITION, `op "${op}" ${takes}, not ${key}`);
      ok = false;
    }
  }
  return ok;
}

function featureTest(dto: FeatureConditionDto): FeatureTest {
  const op = dto.op as FeatureTest['op'];
  if (op === 'exists') return { op };
  if (op === 'between') return { op, min: dto.min as Scalar, max: dto.max as Scalar };
  if (op === 'in' || op === 'not_in') return { op, values: dto.values as Scalar[] };
  return { op, value: dto.value as Scalar };
}

function propertyFilter(input: unknown, path: string, problems: DefinitionProblems): PropertyFilter | undefined {
  if (!isPlainObject(input)) {
    problems.add(path, SegmentsExceptionCode.INVALID_DEFINITION, 'a property filter is an object: {"property": …, "op": …, "value": …}');
    return undefined;
  }
  const dto = validated(PropertyFilterDto, input, path, problems);
  if (!dto || !checkOperands(input, dto.op, ['value', 'values'], path, problems)) return undefined;
  if (dto.op === 'in') return { property: dto.property, op: 'in', values: dto.values as Scalar[] };
  return { property: dto.property, op: dto.op as Comparison, value: dto.value as Scalar };
}

class Parser {
  readonly problems = new DefinitionProblems();
  private conditions = 0;

  node(input: unknown, path: string, depth: number): Condition | undefined {
    if (depth > MAX_DEPTH) {
      this.problems.add(path, SegmentsExceptionCode.INVALID_DEFINITION, `nested deeper than ${MAX_DEPTH} levels`);
      return undefined;
    }
    if (++this.conditions > MAX_CONDITIONS) {
      if (this.conditions === MAX_CONDITIONS + 1) this.problems.add(path, SegmentsExceptionCode.INVALID_DEFINITION, `more than ${MAX_CONDITIONS} conditions`);
      return undefined;
    }
    if (!isPlainObject(input)) {
      this.problems.add(path, SegmentsExceptionCode.INVALID_DEFINITION, `a condition is an object with one of: ${CONDITION_KINDS.join(', ')}`);
      return undefined;
    }
    const kinds = CONDITION_KINDS.filter((kind) => Object.hasOwn(input, kind));
    if (kinds.length !== 1) {
      const found = kinds.length === 0 ? `found ${Object.keys(input).map((key) => JSON.stringify(key)).join(', ') || 'no keys'}` : `found ${kinds.join(' and ')}`;
      this.problems.add(path, SegmentsExceptionCode.INVALID_DEFINITION, `a condition has exactly one of ${CONDITION_KINDS.join(', ')} (${found})`);
      return undefined;
    }
    const kind = kinds[0] as (typeof CONDITION_KINDS)[number];
    const dto = validated(DTO_BY_KIND[kind], input, path, this.problems);
    if (!dto) return undefined;
    switch (kind) {
      case 'all':
      case 'any': {
        const children = (dto as AllDto & AnyDto)[kind].map((child, index) => this.node(child, `${path}.${kind}[${index}]`, depth + 1));
        return children.every((child) => child !== undefined) ? { kind, path, conditions: children as Condition[] } : undefined;
      }
      case 'not': {
        const child = this.node((dto as NotDto).not, `${path}.not`, depth + 1);
        return child && { kind: 'not', path, condition: child };
      }
      case 'feature': {
        const feature = dto as FeatureConditionDto;
        if (!checkOperands(input, feature.op, ['value', 'values', 'min', 'max'], path, this.problems)) return undefined;
        return { kind: 'feature', path, feature: feature.feature, test: featureTest(feature) };
      }
      case 'event': {
        const event = dto as EventConditionDto;
        const where = (event.where ?? []).map((filter, index) => propertyFilter(filter, `${path}.where[${index}]`, this.problems));
        if (!where.every((filter) => filter !== undefined)) return undefined;
        return { kind: 'behaviour', path, event: event.event, atLeast: event.atLeast ?? 1, inLastDays: event.inLastDays, where: where as PropertyFilter[] };
      }
      case 'segment':
        return { kind: 'segment', path, segmentId: (dto as SegmentReferenceDto).segment };
    }
  }
}

/**
 * The syntax check of a definition (JSON already parsed): every node is one known kind, every
 * key is known, operands fit their op, text is printable and bounded. Meaning (features, types,
 * scan bounds, other segments) is checked by checkDefinition. Throws one SegmentsException
 * listing every problem with its path.
 */
export function parseDefinition(input: unknown, root = '$'): Condition {
  const parser = new Parser();
  const condition = parser.node(input, root, 1);
  parser.problems.throwIfAny();
  return condition as Condition;
}

/** JSON text → definition; a syntax error names its position. */
export function parseDefinitionJson(text: string): Condition {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const problems = new DefinitionProblems();
    problems.add('$', SegmentsExceptionCode.INVALID_DEFINITION, `not JSON (${error instanceof Error ? error.message : String(error)})`);
    problems.throwIfAny();
  }
  return parseDefinition(value);
}

import { isDay } from '../lake/lake-layout';
import { DomainError } from '../shared/domain-error';
import {
  BREAKDOWNS,
  DAY_MS,
  MAX_RANGE_DAYS,
  MAX_STEPS,
  type Breakdown,
  type FunnelSpec,
  type FunnelStep,
  type PropertyFilter,
} from './funnel-definition';
import { parseWindow } from './funnel-window';

/** A step as callers send it (GraphQL input, CLI JSON): an event name or `order: true`. */
export interface FunnelStepInput {
  event?: string | null;
  order?: boolean | null;
  name?: string | null;
  filters?: ReadonlyArray<{ property: string; equals: string }> | null;
}

export interface FunnelRequest {
  steps: readonly FunnelStepInput[];
  from: string;
  to: string;
  window?: string | null;
  breakdown?: string | null;
}

export const DEFAULT_WINDOW = '7d';

/** Event properties are JSON keys; the shape is checked so a name can never be more than a name. */
const PROPERTY_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
/** `context.os.name` is the one context field a filter may use (it is a processed column). */
export const PLATFORM_PROPERTY = 'context.os.name';
/** Order columns a filter may use; `status` is not one: cancelled orders never count. */
export const ORDER_FILTER_COLUMNS = ['vertical', 'currency'] as const;
const MAX_FILTERS = 10;
const MAX_TEXT = 500;

function bad(message: string, details: Record<string, string | number> = {}): DomainError {
  return new DomainError('BAD_USER_INPUT', message, details);
}

function hasControlCharacter(text: string): boolean {
  for (let index = 0; index < text.length; index += 1) if (text.charCodeAt(index) < 0x20) return true;
  return false;
}

/** Text that reaches SQL only as a bound parameter; limited so a request stays small and printable. */
function boundText(value: unknown, what: string, step: number): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_TEXT || hasControlCharacter(value)) {
    throw bad(`step ${step}: ${what} must be 1-${MAX_TEXT} printable characters`, { step });
  }
  return value;
}

function filtersOf(input: FunnelStepInput, step: number, order: boolean): PropertyFilter[] {
  const filters = input.filters ?? [];
  if (filters.length > MAX_FILTERS) throw bad(`step ${step}: at most ${MAX_FILTERS} filters`, { step });
  return filters.map((filter) => {
    const property = filter.property;
    const allowed = order
      ? (ORDER_FILTER_COLUMNS as readonly string[]).includes(property)
      : property === PLATFORM_PROPERTY || PROPERTY_NAME.test(property);
    if (!allowed) {
      const expected = order ? ORDER_FILTER_COLUMNS.join(' or ') : `an event property name (letters, digits, _) or ${PLATFORM_PROPERTY}`;
      throw bad(`step ${step}: filter property must be ${expected}`, { step });
    }
    return { property, equals: boundText(filter.equals, 'a filter value', step) };
  });
}

function stepOf(input: FunnelStepInput, index: number, count: number): FunnelStep {
  const step = index + 1;
  const isOrder = input.order === true;
  if (isOrder === (input.event !== undefined && input.event !== null)) {
    throw bad(`step ${step}: give either an event name or order: true`, { step });
  }
  const label = input.name === undefined || input.name === null ? undefined : boundText(input.name, 'a name', step);
  if (isOrder) {
    if (step !== count || step === 1) throw bad('only the last step (not the first) may be an order', { step });
    return { kind: 'order', name: label ?? 'Order placed', filters: filtersOf(input, step, true) };
  }
  const event = boundText(input.event, 'the event name', step);
  return { kind: 'event', name: label ?? event, event, filters: filtersOf(input, step, false) };
}

/** Entry days: real days, in order, and a bounded range. */
export function validateRange(from: string, to: string): void {
  if (!isDay(from) || !isDay(to)) throw bad('from and to must be days as YYYY-MM-DD');
  if (from > to) throw bad(`from (${from}) is after to (${to})`);
  const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS + 1;
  if (days > MAX_RANGE_DAYS) throw bad(`the range may cover at most ${MAX_RANGE_DAYS} days`);
}

export function validateBreakdown(breakdown: string | null | undefined): Breakdown | undefined {
  if (breakdown === undefined || breakdown === null) return undefined;
  const known = BREAKDOWNS.find((candidate) => candidate === breakdown);
  if (!known) throw bad(`breakdown must be one of ${BREAKDOWNS.join(', ')}`);
  return known;
}

/** Checks an ad hoc funnel request; anything wrong is a BAD_USER_INPUT the caller can fix. */
export function validateFunnelRequest(request: FunnelRequest): FunnelSpec {
  if (request.steps.length === 0) throw bad('a funnel needs at least one step');
  if (request.steps.length > MAX_STEPS) throw bad(`a funnel has at most ${MAX_STEPS} steps`);
  const steps = request.steps.map((step, index) => stepOf(step, index, request.steps.length));
  validateRange(request.from, request.to);
  const breakdown = validateBreakdown(request.breakdown);
  if (breakdown === 'vertical' && steps[steps.length - 1]?.kind !== 'order') {
    throw bad('the vertical breakdown needs an order as the last step');
  }
  return {
    steps,
    from: request.from,
    to: request.to,
    windowMs: parseWindow(request.window ?? DEFAULT_WINDOW),
    breakdown,
    unit: 'customers',
  };
}

import type { FunnelSpec, FunnelStep, PropertyFilter } from '../../../src/funnels/funnel-definition';
import type { FunnelGroupStats } from '../../../src/funnels/funnel-stats';
import type { RefData, RefEvent, RefOrder } from './reference-data';

/**
 * An independent, deliberately naive implementation of DESIGN.md's funnel semantics, used only to
 * check the SQL. It shares no code with src/funnels beyond the spec type, and searches chains by
 * brute force (every pair of candidates) instead of the SQL's greedy next-step joins:
 *
 * - a unit (customer; plus the entry's promotion, entry day or breakdown value when those split the
 *   results) enters with any step-1 event inside [from, to+1d);
 * - step j is reachable from an entry when some event of step j happens strictly after some
 *   reachable step j-1 event and no later than entry + window;
 * - the unit's level is the best over its entries; ties go to the earliest entry;
 * - times to convert are between the earliest reachable events of consecutive steps; the median
 *   is the middle value (the lower middle one for an even count);
 * - revenue is the total of the earliest reachable order (smallest order_id among equal times).
 */

const DAY = 86_400_000;

interface Candidate {
  t: number;
  order?: RefOrder;
}

interface Evaluation {
  level: number;
  times: number[];
  revenue: number | null;
}

function propertyOf(event: RefEvent, property: string): string | null {
  if (property === 'context.os.name') return event.os;
  if (property === 'promotion_id') return event.promotionId;
  if (property === 'order_id') return event.orderId;
  const value = event.properties[property];
  return value === undefined || value === null ? null : String(value);
}

function matchesEvent(event: RefEvent, name: string, filters: readonly PropertyFilter[]): boolean {
  return event.event === name && filters.every((filter) => propertyOf(event, filter.property) === filter.equals);
}

function matchesOrder(order: RefOrder, filters: readonly PropertyFilter[]): boolean {
  if ((order.status ?? '').toLowerCase() === 'cancelled') return false;
  return filters.every((filter) => (filter.property === 'vertical' ? order.vertical : order.currency) === filter.equals);
}

/** The middle value; for an even count the lower of the two middle ones. */
function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? null;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const list = groups.get(key(item)) ?? [];
    list.push(item);
    groups.set(key(item), list);
  }
  return groups;
}

function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

class CustomerFunnel {
  constructor(
    private readonly spec: FunnelSpec,
    private readonly events: readonly RefEvent[],
    private readonly orders: readonly RefOrder[],
  ) {}

  private candidates(step: FunnelStep, entry: RefEvent, vertical: string | null | undefined): Candidate[] {
    if (step.kind === 'order') {
      return this.orders
        .filter((order) => matchesOrder(order, step.filters) && (vertical === undefined || order.vertical === vertical))
        .map((order) => ({ t: order.t, order }));
    }
    const linked = this.spec.perEntryProperty !== undefined && step.sameAsEntry === 'promotion_id';
    return this.events
      .filter((event) => matchesEvent(event, step.event, step.filters) && (!linked || event.promotionId === entry.promotionId))
      .map((event) => ({ t: event.t }));
  }

  private excluded(entry: RefEvent, stepTime: number): boolean {
    const exclusion = this.spec.exclusion;
    if (!exclusion) return false;
    const linked = this.spec.perEntryProperty !== undefined && exclusion.sameAsEntry === 'promotion_id';
    return this.events.some(
      (event) =>
        matchesEvent(event, exclusion.event, exclusion.filters) &&
        (!linked || event.promotionId === entry.promotionId) &&
        event.t > entry.t &&
        event.t < stepTime,
    );
  }

  /** Every chain from `entry`, by reachability over all pairs of candidates. */
  evaluate(entry: RefEvent, vertical: string | null | undefined): Evaluation {
    const end = entry.t + this.spec.windowMs;
    let reachable: Candidate[] = [{ t: entry.t }];
    const times = [entry.t];
    let last: Candidate[] = reachable;
    for (let j = 1; j < this.spec.steps.length; j++) {
      const step = this.spec.steps[j];
      if (!step) break;
      const previous = reachable;
      const next = this.candidates(step, entry, vertical).filter(
        (candidate) =>
          candidate.t > entry.t &&
          candidate.t <= end &&
          previous.some((before) => before.t < candidate.t) &&
          !(j === 1 && this.excluded(entry, candidate.t)),
      );
      if (next.length === 0) break;
      reachable = next;
      last = next;
      times.push(Math.min(...next.map((candidate) => candidate.t)));
    }
    const level = times.length;
    let revenue: number | null = null;
    if (level === this.spec.steps.length && this.spec.steps[level - 1]?.kind === 'order') {
      const first = Math.min(...last.map((candidate) => candidate.t));
      const orders = last.flatMap((candidate) => (candidate.t === first && candidate.order ? [candidate.order] : []));
      orders.sort((a, b) => (a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : 0));
      revenue = orders[0]?.amount ?? null;
    }
    return { level, times, revenue };
  }

  /** The verticals of the customer's qualifying orders in [start, end), or [null] when none. */
  verticals(start: number, end: number): Array<string | null> {
    const last = this.spec.steps[this.spec.steps.length - 1];
    const filters = last?.kind === 'order' ? last.filters : [];
    const values = new Set(this.orders.filter((order) => matchesOrder(order, filters) && order.t >= start && order.t < end).map((order) => order.vertical));
    return values.size === 0 ? [null] : [...values];
  }
}

interface UnitResult {
  group: string;
  promotionId?: string;
  day?: string;
  value?: string | null;
  evaluation: Evaluation;
}

function best(evaluations: readonly Evaluation[]): Evaluation {
  return evaluations.reduce((chosen, candidate) =>
    candidate.level > chosen.level || (candidate.level === chosen.level && (candidate.times[0] ?? 0) < (chosen.times[0] ?? 0)) ? candidate : chosen,
  );
}

export function referenceFunnel(data: RefData, spec: FunnelSpec): FunnelGroupStats[] {
  const fromMs = Date.parse(`${spec.from}T00:00:00Z`);
  const toEndMs = Date.parse(`${spec.to}T00:00:00Z`) + DAY;
  const byDay = spec.unit === 'customer-days' || spec.breakdown === 'day' || spec.perDay === true;
  const outputByDay = spec.breakdown === 'day' || spec.perDay === true;
  const first = spec.steps[0];
  if (first?.kind !== 'event') throw new Error('step 1 must be an event');
  const eventsByCustomer = groupBy(data.events, (event) => event.customer);
  const ordersByCustomer = groupBy(data.orders, (order) => order.customer);
  const units: UnitResult[] = [];

  for (const [customer, events] of eventsByCustomer) {
    const funnel = new CustomerFunnel(spec, events, ordersByCustomer.get(customer) ?? []);
    const entries = events.filter(
      (event) =>
        matchesEvent(event, first.event, first.filters) &&
        event.t >= fromMs &&
        event.t < toEndMs &&
        (spec.perEntryProperty === undefined || event.promotionId !== null),
    );
    const unitsOfCustomer = groupBy(entries, (entry) =>
      JSON.stringify([spec.perEntryProperty ? entry.promotionId : '', byDay ? dayOf(entry.t) : '', spec.breakdown === 'platform' ? entry.os : '']),
    );
    for (const unitEntries of unitsOfCustomer.values()) {
      const sample = unitEntries[0];
      if (!sample) continue;
      const day = dayOf(sample.t);
      const values: Array<string | null | undefined> =
        spec.breakdown === 'vertical'
          ? byDay
            ? funnel.verticals(Date.parse(`${day}T00:00:00Z`), Date.parse(`${day}T00:00:00Z`) + DAY + spec.windowMs)
            : funnel.verticals(fromMs, toEndMs + spec.windowMs)
          : [undefined];
      for (const vertical of values) {
        const evaluation = best(unitEntries.map((entry) => funnel.evaluate(entry, vertical)));
        const result: UnitResult = { group: '', evaluation };
        if (spec.perEntryProperty) result.promotionId = sample.promotionId ?? '';
        if (outputByDay) result.day = day;
        if (spec.breakdown === 'platform') result.value = sample.os;
        if (spec.breakdown === 'vertical') result.value = vertical ?? null;
        result.group = JSON.stringify([result.promotionId ?? '', result.day ?? '', result.value ?? null]);
        units.push(result);
      }
    }
  }

  const stepCount = spec.steps.length;
  const endsWithOrder = spec.steps[stepCount - 1]?.kind === 'order';
  const groups = groupBy(units, (unit) => unit.group);
  const results: FunnelGroupStats[] = [];
  for (const members of groups.values()) {
    const sample = members[0];
    if (!sample) continue;
    const steps = Array.from({ length: stepCount }, (_, index) => {
      const j = index + 1;
      const reached = members.filter((unit) => unit.evaluation.level >= j);
      const times = (from: number) => reached.map((unit) => (unit.evaluation.times[index] ?? 0) - (unit.evaluation.times[from] ?? 0));
      return {
        customers: reached.length,
        medianFromPreviousMs: j === 1 ? null : median(times(index - 1)),
        medianFromFirstMs: j === 1 ? null : median(times(0)),
      };
    });
    const revenue = endsWithOrder
      ? members.filter((unit) => unit.evaluation.level === stepCount).reduce((sum, unit) => sum + (unit.evaluation.revenue ?? 0), 0)
      : null;
    const group: FunnelGroupStats = { steps, revenue };
    if (sample.promotionId !== undefined) group.promotionId = sample.promotionId;
    if (sample.day !== undefined) group.day = sample.day;
    if (sample.value !== undefined) group.value = sample.value;
    results.push(group);
  }
  return results;
}

import type { CartOp, EventEffects } from './event-effects';
import { needsDedup } from './event-effects';
import { COUNTERS, WINDOW_DAYS, type CounterName } from './streamed-features';

/** One day of a customer's counted events: their messageIds (for dedup) and counter sums. */
export interface DaySlot {
  day: string;
  ids: string[];
  counters: Partial<Record<CounterName, number>>;
}

/** A batch-materialized counter value and the watermark (end of day D, epoch ms) it is valid at. */
export interface CounterBase {
  value: number;
  watermark: number;
}

/**
 * A cart change in event time; `set` is a batch-materialized cart the later changes apply on.
 * `n` is the order it was applied in, which breaks ties of equal event times (SDKs stamp calls
 * made in the same millisecond alike) by arrival, as a partition delivers them.
 */
export type CartEntry = { id: string; t: number; n: number } & (CartOp | { op: 'set'; products: readonly string[] });

/**
 * What the stream remembers about one customer. Counter values are
 *   base − (days of the base's window that have since expired) + (days after the base),
 * from daily slots, so late events land in their own day, windows roll without a batch run,
 * and events at or before the watermark (already in the batch value) change nothing served.
 */
export interface CustomerStreamState {
  /** Event time of the stream's last write for this customer; every write is newer. */
  version: number;
  slots: Map<string, DaySlot>;
  bases: Partial<Record<CounterName, CounterBase>>;
  /** Cart changes since the last clear or set, in any order (folded by time). */
  cart: CartEntry[];
  /** Customers already merged in, so a merge redelivered after a crash is not counted twice. */
  merged: string[];
}

/** Days of slots kept: a base can be up to a window old, and its window reaches a window further back. */
export const RETAINED_DAYS = 2 * WINDOW_DAYS + 2;
const DAY_MS = 86_400_000;
// A redelivered merge comes within minutes of the first; the list only needs the recent ones.
const MERGES_REMEMBERED = 100;

export const dayNumber = (day: string): number => Math.floor(Date.parse(`${day}T00:00:00Z`) / DAY_MS);
const dayOf = (ms: number): number => Math.floor(ms / DAY_MS);

export function emptyState(): CustomerStreamState {
  return { version: 0, slots: new Map(), bases: {}, cart: [], merged: [] };
}

/**
 * Applies events; returns the days whose slots changed. A counted event already in its day's
 * slot (a redelivery or an SDK retry: same messageId) is skipped, so effects are exactly once.
 */
export function applyEffects(state: CustomerStreamState, effects: readonly EventEffects[]): Set<string> {
  const changed = new Set<string>();
  for (const effect of effects) {
    if (!needsDedup(effect)) continue;
    // Older than any window can reach: no counter or cart would change, and its slot would be dropped at once.
    if (dayNumber(effect.day) <= asOfDay(state) - RETAINED_DAYS) continue;
    const slot = state.slots.get(effect.day) ?? { day: effect.day, ids: [], counters: {} };
    if (slot.ids.includes(effect.messageId)) continue;
    slot.ids.push(effect.messageId);
    for (const [name, delta] of Object.entries(effect.counters) as [CounterName, number][]) slot.counters[name] = (slot.counters[name] ?? 0) + delta;
    if (effect.cart) state.cart.push({ id: effect.messageId, t: effect.time, n: nextSequence(state), ...effect.cart });
    state.slots.set(effect.day, slot);
    changed.add(effect.day);
  }
  pruneCart(state);
  return changed;
}

/** The newest day the state knows of; windows end there. */
function asOfDay(state: CustomerStreamState): number {
  let newest = Number.NEGATIVE_INFINITY;
  for (const day of state.slots.keys()) newest = Math.max(newest, dayNumber(day));
  for (const base of Object.values(state.bases)) newest = Math.max(newest, dayOf(base.watermark));
  return newest;
}

/** Drops slots no window can need any more; returns the days dropped. */
export function pruneSlots(state: CustomerStreamState): string[] {
  const oldest = asOfDay(state) - RETAINED_DAYS;
  const dropped = [...state.slots.keys()].filter((day) => dayNumber(day) <= oldest);
  for (const day of dropped) state.slots.delete(day);
  return dropped;
}

function sum(state: CustomerStreamState, name: CounterName, fromDay: number, toDay: number): number {
  let total = 0;
  for (const slot of state.slots.values()) {
    const day = dayNumber(slot.day);
    if (day >= fromDay && day <= toDay) total += slot.counters[name] ?? 0;
  }
  return total;
}

/** Rolling counter values as of the state's newest day. */
export function counterValues(state: CustomerStreamState): Record<CounterName, number> {
  const end = asOfDay(state);
  const start = end - WINDOW_DAYS + 1;
  const values = {} as Record<CounterName, number>;
  for (const name of COUNTERS) {
    const base = state.bases[name];
    if (!base) {
      values[name] = round(sum(state, name, start, end));
      continue;
    }
    const baseDay = dayOf(base.watermark);
    // The base covers (baseDay − window, baseDay]; of that, days before `start` have expired.
    const baseLive = baseDay >= start ? base.value - sum(state, name, baseDay - WINDOW_DAYS + 1, start - 1) : 0;
    values[name] = round(Math.max(0, baseLive) + sum(state, name, Math.max(start, baseDay + 1), end));
  }
  return values;
}

/** Sums of decimal amounts drift (0.1 + 0.2); served values are cents-exact like the batch's SQL sums. */
function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

function nextSequence(state: CustomerStreamState): number {
  return state.cart.reduce((highest, entry) => Math.max(highest, entry.n ?? 0), 0) + 1;
}

function pruneCart(state: CustomerStreamState): void {
  state.cart.sort((a, b) => a.t - b.t || (a.n ?? 0) - (b.n ?? 0));
  let last = -1;
  state.cart.forEach((entry, index) => {
    if (entry.op === 'clear' || entry.op === 'set') last = index;
  });
  if (last > 0) state.cart = state.cart.slice(last);
}

/** The cart: the products of the last set (or none), then adds and removes in event-time order. */
export function cartProducts(state: CustomerStreamState): string[] {
  let products: string[] = [];
  for (const entry of state.cart) {
    if (entry.op === 'set') products = [...entry.products];
    else if (entry.op === 'clear') products = [];
    else if (entry.op === 'add' && !products.includes(entry.product)) products.push(entry.product);
    else if (entry.op === 'remove') products = products.filter((product) => product !== entry.product);
  }
  return products;
}

/** A value the batch wrote after the stream's last write becomes the new base. */
export function rebaseCounter(state: CustomerStreamState, name: CounterName, stored: { value: number; eventTime: number }): boolean {
  if (stored.eventTime <= state.version) return false;
  state.bases[name] = { value: stored.value, watermark: stored.eventTime };
  return true;
}

export function rebaseCart(state: CustomerStreamState, stored: { products: readonly string[]; eventTime: number }): boolean {
  if (stored.eventTime <= state.version) return false;
  state.cart = [{ id: '', t: stored.eventTime, n: 0, op: 'set', products: stored.products }, ...state.cart.filter((entry) => entry.t > stored.eventTime)];
  pruneCart(state);
  return true;
}

/**
 * Folds `from` (a customer merged away) into `into`: slots by day (ids united, sums added; an
 * event counted for both before they merged counts twice, the rare price of not storing per-event
 * contributions), bases added (the batch, stitching both, will count both), carts combined.
 */
export function mergeStates(into: CustomerStreamState, from: CustomerStreamState, fromId: string): boolean {
  if (into.merged.includes(fromId)) return false;
  into.merged = [...into.merged, fromId].slice(-MERGES_REMEMBERED);
  for (const slot of from.slots.values()) {
    const target = into.slots.get(slot.day) ?? { day: slot.day, ids: [], counters: {} };
    target.ids = [...new Set([...target.ids, ...slot.ids])];
    for (const [name, value] of Object.entries(slot.counters) as [CounterName, number][]) target.counters[name] = (target.counters[name] ?? 0) + value;
    into.slots.set(slot.day, target);
  }
  for (const [name, base] of Object.entries(from.bases) as [CounterName, CounterBase][]) {
    const current = into.bases[name];
    into.bases[name] = current ? { value: current.value + base.value, watermark: Math.max(current.watermark, base.watermark) } : base;
  }
  into.cart.push(...from.cart);
  pruneCart(into);
  into.version = Math.max(into.version, from.version);
  return true;
}

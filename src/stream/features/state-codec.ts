import type { FeatureRow, FeatureScalar, StoredFeature } from '../../store/online-store.port';
import { dayNumber, emptyState, RETAINED_DAYS, type CartEntry, type CounterBase, type CustomerStreamState, type DaySlot } from './customer-stream-state';
import type { CounterName } from './streamed-features';

/**
 * The stream's per-customer state lives in the customer's own online-store partition, in cells
 * named `_stream:…` (never a registered feature name), so one partition read and one atomic
 * single-partition write per customer and batch carry both state and features, and erasing the
 * customer erases it too. Feature serving must serve registered names only (it hides these).
 * Days use a ring of slots (`_stream:slot:<day mod N>`), so the state never grows past N + 2 cells
 * however long the customer stays active.
 */
const RING = RETAINED_DAYS + 2;
export const STATE_PREFIX = '_stream:';
const META = `${STATE_PREFIX}meta`;
const CART = `${STATE_PREFIX}cart`;

export const slotCell = (day: string): string => `${STATE_PREFIX}slot:${((dayNumber(day) % RING) + RING) % RING}`;

interface StoredSlot {
  d: string;
  ids: string[];
  c: Partial<Record<CounterName, number>>;
}

function parse(value: FeatureScalar | undefined): unknown {
  if (typeof value !== 'string') return undefined;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

/** The state stored in a customer's partition (an empty state when there is none). */
export function decodeState(cells: ReadonlyMap<string, StoredFeature> | undefined): CustomerStreamState {
  const state = emptyState();
  if (!cells) return state;
  const meta = parse(cells.get(META)?.value) as { v?: number; b?: Partial<Record<CounterName, CounterBase>>; m?: string[] } | undefined;
  state.version = typeof meta?.v === 'number' ? meta.v : 0;
  state.bases = meta?.b ?? {};
  state.merged = Array.isArray(meta?.m) ? meta.m : [];
  const cart = parse(cells.get(CART)?.value);
  state.cart = Array.isArray(cart) ? (cart as CartEntry[]) : [];
  for (const [name, stored] of cells) {
    if (!name.startsWith(`${STATE_PREFIX}slot:`)) continue;
    const slot = parse(stored.value) as StoredSlot | undefined;
    if (slot && typeof slot.d === 'string' && Array.isArray(slot.ids)) state.slots.set(slot.d, { day: slot.d, ids: slot.ids, counters: slot.c ?? {} });
  }
  return state;
}

/** The cells to write after a change: meta always, the cart if it changed, and the slots of `days` (emptied when dropped). */
export function encodeState(entityKey: string, state: CustomerStreamState, days: Iterable<string>, cartChanged: boolean): FeatureRow {
  const features: Record<string, FeatureScalar> = { [META]: JSON.stringify({ v: state.version, b: state.bases, m: state.merged }) };
  if (cartChanged) features[CART] = JSON.stringify(state.cart);
  const live = new Set([...state.slots.keys()].map(slotCell));
  for (const day of days) {
    const slot: DaySlot | undefined = state.slots.get(day);
    const cell = slotCell(day);
    if (slot) features[cell] = JSON.stringify({ d: slot.day, ids: slot.ids, c: slot.counters } satisfies StoredSlot);
    // A dropped day's cell holds null (decoding to nothing) until a later day reuses it; never
    // blank a cell a live day already holds.
    else if (!live.has(cell)) features[cell] = null;
  }
  return { entityKey, eventTime: state.version, features };
}

import { customerEntityKey } from '../../features/feature-definition';
import { consentRow } from '../../segments/online/online-memberships';
import type { FeatureRow, FeatureScalar, OnlineStore, StoredFeature } from '../../store/online-store.port';
import type { ClickstreamEvent } from '../clickstream-event';
import type { StreamIdentity } from '../identity/stream-identity.port';
import { CustomerCache, type CustomerView } from './customer-cache';
import { applyEffects, cartProducts, counterValues, mergeStates, pruneSlots, rebaseCart, rebaseCounter } from './customer-stream-state';
import { effectsOf, type EventEffects } from './event-effects';
import { decodeState, encodeState } from './state-codec';
import { CART_FEATURE, COUNTERS, LATEST, type LatestName } from './streamed-features';

const SERVED = [...COUNTERS, CART_FEATURE, ...LATEST];

/** One customer's work in a batch. */
interface Touched {
  view: CustomerView;
  changedDays: Set<string>;
  stateChanged: boolean;
  cartChanged: boolean;
  latest: Map<LatestName, { value: string; time: number }>;
  /** The newest consent choice in the batch; the store's event-time LWW keeps the newest overall. */
  consent?: { optedOut: boolean; time: number };
  newestEvent: number;
}

export interface ProjectionSummary {
  events: number;
  customers: number;
  merges: number;
}

export interface FeatureProjectorOptions {
  /** How long a loaded customer is trusted without reading the store again. Default 60 s; 0 disables. */
  cacheTtlMs?: number;
  /** Customers kept in memory. Default 200,000. */
  cacheCapacity?: number;
  now?: () => number;
}

/**
 * Applies a batch of events to the customers' real-time features: resolves customers (merging on
 * identify/alias), folds the events into each customer's stream state (deduplicated by messageId),
 * and writes the state, then the served features that changed, through the online store port.
 * Re-applying a batch, whole or in part, leaves the same values: what makes at-least-once
 * delivery exactly-once in effect.
 */
export class FeatureProjector {
  // Batches apply one at a time per process. The consumers of several partitions share customers
  // (a customer's anonymous and logged-in events are keyed differently), so resolving identities
  // and the read-modify-write of their state must not interleave; Node overlaps nothing else here.
  private tail: Promise<unknown> = Promise.resolve();
  private readonly cache: CustomerCache;
  private readonly now: () => number;

  constructor(
    private readonly store: OnlineStore,
    private readonly identity: StreamIdentity,
    options: FeatureProjectorOptions = {},
  ) {
    this.cache = new CustomerCache(options.cacheTtlMs ?? 60_000, options.cacheCapacity ?? 200_000);
    this.now = options.now ?? Date.now;
  }

  apply(events: readonly ClickstreamEvent[]): Promise<ProjectionSummary> {
    const run = this.tail.then(() => this.applyNow(events));
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async applyNow(events: readonly ClickstreamEvent[]): Promise<ProjectionSummary> {
    if (events.length === 0) return { events: 0, customers: 0, merges: 0 };
    const resolution = await this.identity.resolve(events);
    const customers = new Set<string>();
    const merging = new Set<string>();
    for (const resolved of resolution.events) {
      if (resolved.customerId !== undefined) customers.add(resolved.customerId);
      for (const merge of resolved.merges) merging.add(merge.from).add(merge.into);
    }
    for (const customerId of merging) customers.add(customerId);
    const touched = await this.load(customers, merging);
    try {
      let merges = 0;
      events.forEach((event, index) => {
        const { customerId, merges: eventMerges } = resolution.events[index];
        for (const merge of eventMerges) if (this.merge(touched, merge.into, merge.from)) merges += 1;
        // An event of no customer (every id junk) changes no one's features, as in the batch.
        if (customerId !== undefined) this.fold(touched.get(customerId) as Touched, effectsOf(event));
      });
      await this.write(touched);
      await resolution.commit();
      for (const [customerId, customer] of touched) this.cache.set(customerId, customer.view, customer.view.loadedAt);
      return { events: events.length, customers: customers.size, merges };
    } catch (error) {
      // In-memory states may now be ahead of the store: read them again next time.
      this.cache.forget(touched.keys());
      throw error;
    }
  }

  /** Cached views where fresh; the rest (and every customer in a merge) read from the store. */
  private async load(customers: ReadonlySet<string>, merging: ReadonlySet<string>): Promise<Map<string, Touched>> {
    const now = this.now();
    const views = new Map<string, CustomerView>();
    const rebased = new Set<string>();
    const missing: string[] = [];
    for (const customerId of customers) {
      const cached = merging.has(customerId) ? undefined : this.cache.get(customerId, now);
      if (cached) views.set(customerId, cached);
      else missing.push(customerId);
    }
    if (missing.length > 0) {
      // Whole partitions: naming the ~80 cells wanted would cost more to encode than the few extra cells cost to read.
      const stored = await this.store.read(missing.map(customerEntityKey));
      for (const customerId of missing) {
        const { view, rebased: changed } = this.viewOf(stored.get(customerEntityKey(customerId)) ?? new Map(), now);
        views.set(customerId, view);
        if (changed) rebased.add(customerId);
      }
    }
    const touched = new Map<string, Touched>();
    for (const [customerId, view] of views) touched.set(customerId, { view, changedDays: new Set(), stateChanged: rebased.has(customerId), cartChanged: rebased.has(customerId), latest: new Map(), newestEvent: 0 });
    return touched;
  }

  private viewOf(stored: ReadonlyMap<string, StoredFeature>, now: number): { view: CustomerView; rebased: boolean } {
    const state = decodeState(stored);
    const view: CustomerView = { state, served: new Map(), latest: new Map(), newestStored: 0, loadedAt: now };
    let rebased = false;
    // Values the batch wrote after the stream's last write become the base events apply on.
    for (const [name, value] of stored) {
      if (!(SERVED as readonly string[]).includes(name)) continue;
      view.newestStored = Math.max(view.newestStored, value.eventTime);
      if ((LATEST as readonly string[]).includes(name)) {
        if (typeof value.value === 'string') view.latest.set(name as LatestName, { value: value.value, time: value.eventTime });
        continue;
      }
      view.served.set(name, value.value);
      if (name === CART_FEATURE && Array.isArray(value.value)) rebased = rebaseCart(state, { products: value.value, eventTime: value.eventTime }) || rebased;
      else if (typeof value.value === 'number') rebased = rebaseCounter(state, name as (typeof COUNTERS)[number], { value: value.value, eventTime: value.eventTime }) || rebased;
    }
    return { view, rebased };
  }

  private merge(touched: Map<string, Touched>, into: string, from: string): boolean {
    const target = touched.get(into) as Touched;
    const source = touched.get(from) as Touched;
    if (!mergeStates(target.view.state, source.view.state, from)) return false;
    target.stateChanged = true;
    target.cartChanged = true;
    for (const day of source.view.state.slots.keys()) target.changedDays.add(day);
    // The absorbed customer's point features carry over with their own event times (LWW keeps the
    // newest): the stored ones, and those its events earlier in this batch set.
    for (const name of LATEST) {
      for (const carried of [source.view.latest.get(name), source.latest.get(name)]) if (carried) this.noteLatest(target, name, carried.value, carried.time);
    }
    if (source.consent) this.noteConsent(target, source.consent.optedOut, source.consent.time);
    return true;
  }

  private fold(customer: Touched, effects: EventEffects): void {
    const changed = applyEffects(customer.view.state, [effects]);
    if (changed.size > 0) customer.stateChanged = true;
    if (effects.cart) customer.cartChanged = true;
    for (const day of changed) customer.changedDays.add(day);
    for (const [name, value] of Object.entries(effects.latest) as [LatestName, string][]) this.noteLatest(customer, name, value, effects.time);
    if (effects.optedOut !== undefined) this.noteConsent(customer, effects.optedOut, effects.time);
    customer.newestEvent = Math.max(customer.newestEvent, effects.time);
  }

  private noteLatest(customer: Touched, name: LatestName, value: string, time: number): void {
    const current = customer.latest.get(name);
    if (!current || time > current.time || (time === current.time && value > current.value)) customer.latest.set(name, { value, time });
  }

  /** Newest choice wins; at the same instant an opt-out does (erring toward leaving someone out, as the batch does). */
  private noteConsent(customer: Touched, optedOut: boolean, time: number): void {
    const current = customer.consent;
    if (!current || time > current.time || (time === current.time && optedOut && !current.optedOut)) customer.consent = { optedOut, time };
  }

  /**
   * One write: per customer, its state cells and changed features go to its one partition, the
   * state row first (a store that splits a write applies it first, so served values are always
   * recomputable from a stored state); only what changed is written (a page view costs one cell).
   */
  private async write(touched: Map<string, Touched>): Promise<void> {
    const rows: FeatureRow[] = [];
    const after: Array<() => void> = [];
    for (const [customerId, customer] of touched) {
      const { view } = customer;
      const { state } = view;
      for (const day of pruneSlots(state)) {
        customer.changedDays.add(day);
        customer.stateChanged = true;
      }
      const values: Record<string, FeatureScalar> = { ...counterValues(state), [CART_FEATURE]: cartProducts(state) };
      const changedValues = Object.fromEntries(Object.entries(values).filter(([name, value]) => JSON.stringify(value) !== JSON.stringify(view.served.get(name))));
      if (customer.stateChanged || Object.keys(changedValues).length > 0) {
        // Newer than anything stored (so it wins last-write-wins) and than every event it reflects.
        state.version = Math.max(state.version + 1, view.newestStored + 1, customer.newestEvent);
        rows.push(encodeState(customerEntityKey(customerId), state, customer.changedDays, customer.cartChanged));
        if (Object.keys(changedValues).length > 0) rows.push({ entityKey: customerEntityKey(customerId), eventTime: state.version, features: changedValues });
        after.push(() => {
          for (const [name, value] of Object.entries(changedValues)) view.served.set(name, value);
          view.newestStored = Math.max(view.newestStored, state.version);
        });
      }
      for (const [name, point] of customer.latest) {
        const stored = view.latest.get(name);
        if (stored && (stored.time > point.time || (stored.time === point.time && stored.value >= point.value))) continue;
        rows.push({ entityKey: customerEntityKey(customerId), eventTime: Math.max(0, point.time), features: { [name]: point.value } });
        after.push(() => {
          view.latest.set(name, point);
          view.newestStored = Math.max(view.newestStored, point.time);
        });
      }
      // Consent is written with the choice's own event time; through the segment-evaluating store
      // it re-evaluates the customer, so an opt-out leaves every segment at once.
      if (customer.consent) rows.push(consentRow(customerId, customer.consent.optedOut, Math.max(0, customer.consent.time)));
    }
    if (rows.length > 0) await this.store.writeBatch(rows);
    for (const update of after) update();
  }
}

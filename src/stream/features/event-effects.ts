import { CONSENT_EVENT, optsOut } from '../../segments/consent/marketing-consent';
import { eventTimeMs, utcDay, type ClickstreamEvent } from '../clickstream-event';
import type { CounterName, LatestName } from './streamed-features';

/** A change to the cart: add or remove a product, or empty it (an order was placed). */
export type CartOp = { op: 'add' | 'remove'; product: string } | { op: 'clear' };

/** What one event does to a customer's streamed features, computed once and applied anywhere. */
export interface EventEffects {
  messageId: string;
  time: number;
  day: string;
  /** Counter increments; only events that change a counter are deduplicated by messageId. */
  counters: Partial<Record<CounterName, number>>;
  latest: Partial<Record<LatestName, string>>;
  cart?: CartOp;
  /** A marketing consent choice: true refuses advertising (segments' consent, DESIGN in docs/SEGMENTS.md). */
  optedOut?: boolean;
}

function text(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function amount(value: unknown): number {
  const parsed = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  return Number.isFinite(parsed) ? parsed : 0;
}

/**
 * The e-commerce spec's events (DESIGN.md): Promotion Viewed/Clicked are the banner impression
 * and click, Order Completed an order with `revenue`, Product Added/Removed change the cart.
 * Every event counts for last_seen_at.
 */
export function effectsOf(event: ClickstreamEvent): EventEffects {
  const time = eventTimeMs(event);
  const effects: EventEffects = { messageId: event.messageId, time, day: utcDay(time), counters: {}, latest: { last_seen_at: new Date(time).toISOString() } };
  if (event.type !== 'track') return effects;
  const properties = event.properties ?? {};
  const promotion = text(properties.promotion_id);
  const product = text(properties.product_id) ?? text(properties.sku);
  switch (event.event) {
    case 'Promotion Viewed':
      effects.counters.banner_views_30d = 1;
      if (promotion) effects.latest.last_banner_seen = promotion;
      break;
    case 'Promotion Clicked':
      effects.counters.banner_clicks_30d = 1;
      if (promotion) effects.latest.last_banner_clicked = promotion;
      break;
    case 'Order Completed':
      effects.counters.orders_30d = 1;
      effects.counters.gmv_30d = amount(properties.revenue);
      effects.cart = { op: 'clear' };
      break;
    case 'Product Added':
      if (product) effects.cart = { op: 'add', product };
      break;
    case 'Product Removed':
      if (product) effects.cart = { op: 'remove', product };
      break;
    case CONSENT_EVENT:
      effects.optedOut = optsOut(event.context);
      break;
  }
  return effects;
}

/** Whether an event must be remembered by messageId (its effect is not idempotent on its own). */
export function needsDedup(effects: EventEffects): boolean {
  return Object.keys(effects.counters).length > 0 || effects.cart !== undefined;
}

import type { DeliveredMessage, EventBus, OutgoingMessage, Subscription, SubscriptionOptions } from '../../src/stream/event-bus.port';

/** What one subscription has been given: every delivery, and the ones its handler accepted. */
export interface Collector {
  subscription: Subscription;
  /** Every batch handed to the handler, accepted or not, in delivery order. */
  readonly deliveries: DeliveredMessage[][];
  /** Batches the handler accepted. */
  readonly accepted: DeliveredMessage[][];
  values(): string[];
}

/**
 * Subscribes and records deliveries. `react` runs first for each batch; if it throws or
 * rejects, the handler rejects and the batch does not count as accepted.
 */
export async function collect(
  bus: EventBus,
  options: SubscriptionOptions,
  react: (batch: readonly DeliveredMessage[], deliveryIndex: number) => void | Promise<void> = () => undefined,
): Promise<Collector> {
  const deliveries: DeliveredMessage[][] = [];
  const accepted: DeliveredMessage[][] = [];
  const subscription = await bus.subscribe(options, async (batch) => {
    deliveries.push([...batch]);
    await react(batch, deliveries.length - 1);
    accepted.push([...batch]);
  });
  return { subscription, deliveries, accepted, values: () => accepted.flat().map((message) => message.value) };
}

/** Polls `condition` until true; fails with `describe()` so a timeout says what was missing. */
export async function waitUntil(condition: () => boolean, describe: () => string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** `count` messages `<label>-<i>` with keys cycling through `keys`. */
export function messages(topic: string, label: string, count: number, keys: readonly string[] = ['k0', 'k1', 'k2', 'k3', 'k4']): OutgoingMessage[] {
  return Array.from({ length: count }, (_, i) => ({ topic, key: keys[i % keys.length], value: `${label}-${i}` }));
}

export const sorted = (values: readonly string[]) => [...values].sort();

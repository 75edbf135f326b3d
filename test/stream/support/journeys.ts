/** A deterministic pseudo-random sequence, so a failing run can be reproduced. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

export type JourneyEvent = Record<string, unknown> & { messageId: string };

/**
 * Clickstream of `users` customers over the two days before `now`: anonymous browsing with banner
 * impressions and clicks and cart changes, most of them logging in (identify), then orders. Each
 * customer's events are in time order; customers interleave.
 */
export function journeys(run: string, users: number, eventsPerUser: number, now: number, seed = 7): JourneyEvent[] {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  const perUser: JourneyEvent[][] = [];
  for (let u = 0; u < users; u++) {
    const anonymousId = `a-${run}-${u}`;
    const userId = `u-${run}-${u}`;
    const logsIn = random() < 0.8;
    const loginAt = Math.floor(eventsPerUser * (0.2 + random() * 0.3));
    let time = now - 2 * 86_400_000 + Math.floor(random() * 86_400_000);
    const list: JourneyEvent[] = [];
    for (let i = 0; i < eventsPerUser; i++) {
      time += 1000 + Math.floor(random() * 60_000);
      const ids = logsIn && i > loginAt ? { anonymousId, userId } : { anonymousId };
      const base = { messageId: `${run}-${u}-${i}`, timestamp: new Date(time).toISOString(), ...ids };
      if (logsIn && i === loginAt) {
        list.push({ ...base, type: 'identify', userId, traits: { plan: pick(['gold', 'basic']) } });
        continue;
      }
      const roll = random();
      if (roll < 0.3) list.push({ ...base, type: 'page', name: pick(['Home', 'Search', 'Lab tests']) });
      else if (roll < 0.5) list.push({ ...base, type: 'track', event: 'Promotion Viewed', properties: { promotion_id: pick(['b1', 'b2', 'b3']) } });
      else if (roll < 0.6) list.push({ ...base, type: 'track', event: 'Promotion Clicked', properties: { promotion_id: pick(['b1', 'b2', 'b3']) } });
      else if (roll < 0.75) list.push({ ...base, type: 'track', event: 'Product Added', properties: { product_id: pick(['p1', 'p2', 'p3', 'p4']) } });
      else if (roll < 0.8) list.push({ ...base, type: 'track', event: 'Product Removed', properties: { product_id: pick(['p1', 'p2', 'p3', 'p4']) } });
      else if (roll < 0.9 && ids.userId) list.push({ ...base, type: 'track', event: 'Order Completed', properties: { order_id: `o-${base.messageId}`, revenue: Math.round(random() * 50_000) / 100 } });
      else list.push({ ...base, type: 'screen', name: 'Cart' });
    }
    perUser.push(list);
  }
  // Interleave customers as a live stream would, keeping each one's order.
  const merged: JourneyEvent[] = [];
  const cursors = perUser.map(() => 0);
  while (merged.length < users * eventsPerUser) {
    const u = Math.floor(random() * users);
    if (cursors[u] < perUser[u].length) merged.push(perUser[u][cursors[u]++]);
  }
  return merged;
}

import { eventLine, ORDER_CHANGE_HEADER, ORDER_COLUMNS, orderLine, type RawEvent, type RawOrder } from './raw-records';
import type { FeatureLake } from './feature-lake';

/**
 * A month of two customers and their edge cases, as raw files. The as-of day is 2026-03-31, so
 * the 30-day window is 2026-03-02 00:00 … 2026-03-31 23:59:59.999 UTC.
 *
 *   cust-1  user u1, browsed anonymously as a1 before logging in
 *   cust-2  user u2
 *   cust-3  user u3, whose only orders were cancelled or deleted
 *   cust-4  anonymous visitor a4 who never logged in
 */
export const AS_OF = '2026-03-31';
export const EARLIER = '2026-03-15';

const order = (id: string, user: string, vertical: string, amount: string, created: string, status = 'placed', updated = created): RawOrder => ({
  id,
  user,
  status,
  vertical,
  amount,
  created,
  updated,
});

const O1 = order('o1', 'u1', 'pharmacy', '100.00', '2026-03-01 23:59:59', 'delivered'); // one second before the window
const O2 = order('o2', 'u1', 'pharmacy', '200.00', '2026-03-02 00:00:00', 'delivered'); // the window's first second
const O3 = order('o3', 'u1', 'wellness', '50.00', '2026-03-10 10:00:00');
const O4 = order('o4', 'u1', 'lab_tests', '300.00', '2026-03-15 09:00:00');
const O5 = order('o5', 'u2', 'pharmacy', '80.00', '2026-03-20 12:00:00');
const O6 = order('o6', 'u2', 'consultations', '500.00', '2026-03-31 23:59:59'); // D's last second
const O7 = order('o7', 'u2', 'pharmacy', '70.00', '2026-04-01 00:00:00'); // after D
const O8 = order('o8', 'u3', 'pharmacy', '60.00', '2026-03-25 08:00:00');
const O9 = order('o9', 'u3', 'wellness', '40.00', '2026-03-26 08:00:00');
const O11 = order('o11', 'u2', 'wellness', '25.50', '2026-03-05 18:00:00');

function writeOrders(lake: FeatureLake): void {
  lake.raw('orders', '2026-03-02', 'LOAD00000001.csv', [ORDER_COLUMNS, orderLine(O1), orderLine(O2)]);
  lake.raw('orders', '2026-03-10', '20260310-120000000.csv', [
    ORDER_CHANGE_HEADER,
    orderLine(O3, 'I'),
    // An amount corrected after confirmation: the latest change counts, so 45.00.
    orderLine({ ...O3, status: 'confirmed', amount: '45.00', updated: '2026-03-10 10:05:00' }, 'U'),
    orderLine(O11, 'I'),
  ]);
  lake.raw('orders', '2026-03-15', '20260315-120000000.csv', [ORDER_CHANGE_HEADER, orderLine(O4, 'I')]);
  lake.raw('orders', '2026-03-16', '20260316-120000000.csv', [
    ORDER_CHANGE_HEADER,
    orderLine({ ...O4, status: 'cancelled', updated: '2026-03-16 08:00:00' }, 'U'),
    // Cancelled, then reinstated: the latest state is confirmed, so it counts.
    orderLine({ ...O11, status: 'cancelled', updated: '2026-03-06 08:00:00' }, 'U'),
    orderLine({ ...O11, status: 'confirmed', updated: '2026-03-07 08:00:00' }, 'U'),
  ]);
  lake.raw('orders', '2026-03-21', '20260321-120000000.csv', [
    ORDER_CHANGE_HEADER,
    orderLine(O5, 'I'),
    orderLine({ ...O5, updated: '2026-03-21 09:00:00' }, 'D'),
  ]);
  lake.raw('orders', '2026-03-27', '20260327-120000000.csv', [
    ORDER_CHANGE_HEADER,
    orderLine(O8, 'I'),
    orderLine({ ...O8, status: 'cancelled', updated: '2026-03-25 09:00:00' }, 'U'),
    orderLine(O9, 'I'),
    orderLine({ ...O9, updated: '2026-03-26 09:00:00' }, 'D'),
  ]);
  lake.raw('orders', '2026-04-01', '20260401-000000000.csv', [ORDER_CHANGE_HEADER, orderLine(O6, 'I'), orderLine(O7, 'I')]);
}

const click = (messageId: string, at: string, promotion: string, who: Pick<RawEvent, 'userId' | 'anonymousId'>): RawEvent => ({
  messageId,
  event: 'Promotion Clicked',
  at,
  ...who,
  properties: { promotion_id: promotion, creative: `${promotion}.webp` },
});

const CLICK_ANONYMOUS = click('m-anon-click', '2026-03-05T10:00:00.000Z', 'P1', { anonymousId: 'a1' });

function writeClickstream(lake: FeatureLake): void {
  lake.raw('clickstream', '2026-03-05', 'part-0001.jsonl', [
    eventLine({ messageId: 'm-view-1', event: 'Promotion Viewed', at: '2026-03-05T09:59:00.000Z', anonymousId: 'a1', properties: { promotion_id: 'P1' } }),
    // Clicked before logging in: counts for cust-1 through the stitched anonymous id.
    eventLine(CLICK_ANONYMOUS),
    eventLine(click('m-outside', '2026-03-01T23:59:59.999Z', 'P0', { userId: 'u1', anonymousId: 'a1' })),
    eventLine({ messageId: 'm-identify', type: 'identify', at: '2026-03-05T10:05:00.000Z', userId: 'u1', anonymousId: 'a1' }),
    eventLine(click('m-u1-click', '2026-03-06T08:00:00.000Z', 'P2', { userId: 'u1', anonymousId: 'a1' })),
    eventLine({ messageId: 'm-add-1', event: 'Product Added', at: '2026-03-09T08:00:00.000Z', userId: 'u1', properties: { product_id: 'MED001', category: 'medicines' } }),
    eventLine({
      messageId: 'm-order-o3',
      event: 'Order Completed',
      at: '2026-03-10T10:00:05.000Z',
      userId: 'u1',
      properties: { order_id: 'o3', revenue: 50, products: [{ product_id: 'WEL001', category: 'wellness', quantity: 1 }] },
    }),
    eventLine({ messageId: 'm-add-2', event: 'Product Added', at: '2026-03-12T08:00:00.000Z', userId: 'u1', properties: { product_id: 'CHR001', category: 'chronic care' } }),
  ]);
  lake.raw('clickstream', '2026-03-20', 'part-0001.jsonl', [
    // The SDK retried the anonymous click two weeks later: same messageId, counted once.
    eventLine({ ...CLICK_ANONYMOUS, receivedAt: '2026-03-20T00:00:00.000Z' }),
    eventLine(click('m-a4-click', '2026-03-20T12:00:00.000Z', 'P1', { anonymousId: 'a4' })),
    eventLine(click('m-stranger', '2026-03-20T12:00:00.000Z', 'P1', { anonymousId: 'a-never-stitched' })),
    eventLine({ messageId: 'm-add-u2', event: 'Product Added', at: '2026-03-20T10:00:00.000Z', userId: 'u2', channel: 'mobile', properties: { product_id: 'PC001' } }),
    eventLine({ messageId: 'm-rm-u2', event: 'Product Removed', at: '2026-03-20T10:20:00.000Z', userId: 'u2', channel: 'mobile', properties: { product_id: 'PC001' } }),
    eventLine({ messageId: 'm-home-u2', type: 'screen', at: '2026-03-20T11:00:00.000Z', userId: 'u2', channel: 'mobile' }),
  ]);
  lake.raw('clickstream', '2026-04-01', 'part-0001.jsonl', [
    eventLine(click('m-u2-last', '2026-03-31T23:59:59.999Z', 'P3', { userId: 'u2' })),
    eventLine(click('m-u2-after', '2026-04-01T00:00:00.000Z', 'P4', { userId: 'u2' })),
  ]);
}

export const IDENTITIES = [
  { type: 'user_id', value: 'u1', customer: 'cust-1' },
  { type: 'anonymous_id', value: 'a1', customer: 'cust-1' },
  { type: 'user_id', value: 'u2', customer: 'cust-2' },
  { type: 'user_id', value: 'u3', customer: 'cust-3' },
  { type: 'anonymous_id', value: 'a4', customer: 'cust-4' },
];

/** Writes the raw files, processes them and writes the identity map. */
export async function writeScenario(lake: FeatureLake): Promise<void> {
  writeOrders(lake);
  writeClickstream(lake);
  await lake.process();
  await lake.identities(IDENTITIES);
}

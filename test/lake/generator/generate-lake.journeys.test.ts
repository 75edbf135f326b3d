import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { type Generated, generate, removeGenerated } from './fixture';
import { at, csvFiles, isJunk, jsonLines, ms } from './raw-zone-reader';

// The behaviour behind the events: funnels narrow, anonymous visitors become customers, refills recur.

interface Event {
  type: string;
  event?: string;
  userId?: string;
  anonymousId: string;
  time: number;
  properties: Record<string, unknown>;
}

function events(root: string): Event[] {
  const out: Event[] = [];
  const seen = new Set<string>();
  for (const { value: e } of jsonLines(root, 'clickstream')) {
    if (!e || seen.has(e.messageId as string)) continue;
    seen.add(e.messageId as string);
    out.push({
      type: e.type as string,
      event: e.event as string | undefined,
      userId: e.userId as string | undefined,
      anonymousId: e.anonymousId as string,
      time: ms(e.timestamp ?? e.originalTimestamp),
      properties: (e.properties ?? {}) as Record<string, unknown>,
    });
  }
  return out.sort((a, b) => a.time - b.time);
}

describe('lake generate: journeys', () => {
  let lake: Generated;
  let all: Event[];
  before(async () => {
    lake = await generate({ users: 2000, days: 14, seed: 5 });
    all = events(lake.root);
  });
  after(removeGenerated);

  it('has anonymous banner viewers who log in later (identify with userId and their anonymousId)', () => {
    const firstIdentify = new Map<string, number>();
    for (const e of all) if (e.type === 'identify' && e.userId && !isJunk(e.userId) && !firstIdentify.has(e.anonymousId)) firstIdentify.set(e.anonymousId, e.time);
    const converted = all.filter((e) => e.event === 'Promotion Viewed' && e.userId === undefined && (firstIdentify.get(e.anonymousId) ?? -Infinity) > e.time);
    assert.ok(converted.length > 5, `anonymous viewers identified later: ${converted.length}`);
  });

  it('has a few percent of logged-in users answer the consent banner once, some refusing advertising', () => {
    const loggedIn = new Set(all.filter((e) => e.userId !== undefined && !isJunk(e.userId)).map((e) => e.userId));
    const answers = jsonLines(lake.root, 'clickstream')
      .map(({ value }) => value)
      .filter((e): e is Record<string, unknown> => e !== undefined && e.type === 'track' && e.event === 'Segment Consent Preference Updated');
    const byUser = new Map<string, Set<unknown>>();
    for (const e of answers) {
      const advertising = at(e, 'context.consent.categoryPreferences.Advertising');
      assert.equal(typeof advertising, 'boolean', JSON.stringify(e.context));
      assert.ok(typeof e.userId === 'string', 'a consent answer comes from a logged-in user');
      byUser.set(e.userId, new Set([...(byUser.get(e.userId) ?? []), e.messageId]));
    }
    const real = [...byUser.keys()].filter((userId) => !isJunk(userId));
    const share = real.length / loggedIn.size;
    assert.ok(share > 0.01 && share < 0.1, `${real.length} of ${loggedIn.size} logged-in users answered`);
    assert.ok(real.every((userId) => byUser.get(userId)?.size === 1), 'each user answers once (duplicate deliveries aside)');
    const refusing = answers.filter((e) => at(e, 'context.consent.categoryPreferences.Advertising') === false).length;
    assert.ok(refusing > 0 && refusing < answers.length, `${refusing} of ${answers.length} answers refuse advertising`);
  });

  it('has many visitors who never log in', () => {
    const identified = new Set(all.filter((e) => e.userId !== undefined).map((e) => e.anonymousId));
    const anonymousOnly = new Set(all.filter((e) => !identified.has(e.anonymousId)).map((e) => e.anonymousId));
    assert.ok(anonymousOnly.size > identified.size * 0.3, `${anonymousOnly.size} anonymous-only installs vs ${identified.size} identified`);
  });

  it('narrows the banner funnel: impressions > clicks > clicks followed by an add > such adds followed by an order', () => {
    // Each click converts at most once, as a funnel counts it: a shopper who adds three products
    // after one click is one conversion, not three.
    const openClick = new Map<string, number>();
    const openAdd = new Map<string, number>();
    const steps = [0, 0, 0, 0];
    for (const e of all) {
      if (e.event === 'Promotion Viewed') steps[0]++;
      if (e.event === 'Promotion Clicked') {
        steps[1]++;
        openClick.set(e.anonymousId, e.time);
      }
      const click = openClick.get(e.anonymousId);
      if (e.event === 'Product Added' && click !== undefined && e.time - click < 1_800_000) {
        steps[2]++;
        openClick.delete(e.anonymousId);
        openAdd.set(e.anonymousId, e.time);
      }
      const add = openAdd.get(e.anonymousId);
      if (e.event === 'Order Completed' && add !== undefined && e.time - add < 3_600_000) {
        steps[3]++;
        openAdd.delete(e.anonymousId);
      }
    }
    for (let i = 1; i < steps.length; i++) assert.ok(steps[i] < steps[i - 1], `step ${i}: ${steps.join(' > ')}`);
    assert.ok(steps[1] / steps[0] < 0.2, 'click-through is a few percent');
    assert.ok(steps[3] > 0, 'some banner clicks end in an order');
  });

  it('loses shoppers at each step after the cart: adds > checkouts > orders', () => {
    const count = (name: string): number => all.filter((e) => e.event === name).length;
    const steps = ['Product Viewed', 'Product Added', 'Checkout Started', 'Order Completed'].map(count);
    for (let i = 1; i < steps.length; i++) assert.ok(steps[i] < steps[i - 1], `step ${i}: ${steps.join(' > ')}`);
  });

  it('has banner-driven orders and orders without any banner click', () => {
    const clickers = new Set(all.filter((e) => e.event === 'Promotion Clicked').map((e) => e.userId ?? e.anonymousId));
    const buyers = all.filter((e) => e.event === 'Order Completed');
    const viaBanner = buyers.filter((e) => clickers.has(e.userId ?? '') || clickers.has(e.anonymousId));
    assert.ok(viaBanner.length > 0, 'some buyers clicked a banner');
    assert.ok(buyers.length - viaBanner.length > 0, 'some buyers never clicked one');
  });

  it('sells across pharmacy, wellness, personal care, lab tests and consultations', () => {
    const categories = new Set(all.filter((e) => e.event === 'Product Viewed').map((e) => e.properties.category));
    assert.deepEqual([...categories].sort(), ['chronic care', 'consultations', 'lab tests', 'medicines', 'personal care', 'wellness']);
  });

  it('gives a family tablet to two or three accounts, each logging in on it', () => {
    const accounts = new Map<string, Set<string>>();
    for (const { value: e } of jsonLines(lake.root, 'clickstream')) {
      const device = at(e, 'context.device.id');
      if (e?.type !== 'identify' || typeof device !== 'string' || isJunk(device) || isJunk(e.userId)) continue;
      if (!accounts.has(device)) accounts.set(device, new Set());
      accounts.get(device)?.add(e.userId as string);
    }
    const shared = [...accounts.values()].filter((users) => users.size >= 2);
    assert.ok(shared.length > 0);
    for (const users of shared) assert.ok(users.size <= 3);
  });

  it('moves orders through placed, confirmed, shipped and delivered, and cancels some', () => {
    const history = new Map<string, string[]>();
    for (const file of csvFiles(lake.root, 'orders').slice(1)) {
      for (const row of file.rows) if (row.Op !== 'D') history.set(row.order_id, [...(history.get(row.order_id) ?? []), row.status]);
    }
    const paths = [...history.values()].map((statuses) => statuses.join('>'));
    assert.ok(paths.some((p) => p.startsWith('placed>confirmed>shipped>delivered')));
    assert.ok(paths.some((p) => p.endsWith('cancelled')));
  });
});

describe('lake generate: refills', () => {
  after(removeGenerated);

  it('repeats the same chronic-care basket about a month apart', async () => {
    const lake = await generate({ users: 1500, days: 45, seed: 8 });
    const baskets = new Map<string, { time: number; basket: string }[]>();
    for (const e of events(lake.root)) {
      if (e.event !== 'Order Completed' || e.userId === undefined) continue;
      const products = (e.properties.products as { product_id: string; category: string }[]).filter((p) => p.category === 'chronic care');
      if (products.length === 0) continue;
      const basket = products.map((p) => p.product_id).sort().join('+');
      baskets.set(e.userId, [...(baskets.get(e.userId) ?? []), { time: e.time, basket }]);
    }
    const gaps: number[] = [];
    for (const orders of baskets.values()) {
      for (let i = 1; i < orders.length; i++) if (orders[i].basket === orders[i - 1].basket) gaps.push((orders[i].time - orders[i - 1].time) / 86_400_000);
    }
    assert.ok(gaps.length > 0, 'some customer refilled the same basket');
    assert.ok(gaps.filter((g) => g >= 24 && g <= 37).length >= gaps.length / 2, `gaps in days: ${gaps.map((g) => g.toFixed(1)).join(', ')}`);
  });
});

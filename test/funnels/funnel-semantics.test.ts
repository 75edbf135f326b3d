import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { FunnelSpec } from '../../src/funnels/funnel-definition';
import { counts } from './support/compare-stats';
import { FixtureLake, type FixtureData } from './support/fixture-lake';
import { checkedFunnel } from './support/funnel-check';
import { added, campaignSpec, clicked, DAY, viewed } from './support/specs';

/** Each case is its own small lake: the rows that make the edge case, and nothing else. */
async function funnelOn(data: FixtureData, spec: FunnelSpec) {
  const lake = new FixtureLake();
  try {
    await lake.write({ identities: [], ...data });
    return await checkedFunnel(await lake.engine(), lake.layout, spec);
  } finally {
    await lake.close();
  }
}

const id = (customer: string, ...ids: Array<['user_id' | 'anonymous_id', string]>) => ids.map(([type, value]) => ({ type, value, customer }));

describe('funnel semantics on hand-built lakes (SQL = reference)', () => {
  it('joins an anonymous banner view and a later logged-in order into one journey', async () => {
    const groups = await funnelOn(
      {
        identities: id('c1', ['anonymous_id', 'anon-1'], ['user_id', 'u1']),
        events: [
          { event: 'Promotion Viewed', at: '2026-03-02T10:00:00Z', anon: 'anon-1', promo: 'P' },
          { event: 'Promotion Clicked', at: '2026-03-02T10:00:05Z', anon: 'anon-1', promo: 'P' },
          { event: 'Product Added', at: '2026-03-02T10:01:00Z', anon: 'anon-1', user: 'u1' },
        ],
        orders: [{ id: 'o1', user: 'u1', at: '2026-03-03T09:00:00Z', amount: 499.5 }],
      },
      campaignSpec('P', '2026-03-01', '2026-03-07'),
    );
    assert.deepEqual(counts(groups), [1, 1, 1, 1]);
    assert.equal(groups[0]?.revenue, 499.5);
    assert.equal(groups[0]?.steps[1]?.medianFromPreviousMs, 5000);
    assert.equal(groups[0]?.steps[3]?.medianFromFirstMs, 23 * 3_600_000);
  });

  it('picks, among several entries, the one with the longest chain (and counts the customer once)', async () => {
    const data: FixtureData = {
      identities: id('c1', ['user_id', 'u1']),
      events: [
        // Day 1: a view that never converts within 7 days.
        { event: 'Promotion Viewed', at: '2026-03-01T08:00:00Z', user: 'u1', promo: 'P' },
        // Day 10: a second view that goes all the way.
        { event: 'Promotion Viewed', at: '2026-03-10T08:00:00Z', user: 'u1', promo: 'P' },
        { event: 'Promotion Clicked', at: '2026-03-10T08:00:10Z', user: 'u1', promo: 'P' },
        { event: 'Product Added', at: '2026-03-10T08:02:00Z', user: 'u1' },
      ],
      orders: [{ id: 'o1', user: 'u1', at: '2026-03-10T09:00:00Z', amount: 100 }],
    };
    const total = await funnelOn(data, campaignSpec('P', '2026-03-01', '2026-03-14'));
    assert.deepEqual(counts(total), [1, 1, 1, 1]);
    assert.equal(total[0]?.steps[1]?.medianFromFirstMs, 10_000, 'times come from the chosen (day-10) entry');
    const byDay = await funnelOn(data, campaignSpec('P', '2026-03-01', '2026-03-14', { breakdown: 'day' }));
    assert.deepEqual(
      byDay.map((group) => [group.day, group.steps.map((step) => step.customers)]),
      [
        ['2026-03-01', [1, 0, 0, 0]],
        ['2026-03-10', [1, 1, 1, 1]],
      ],
    );
  });

  it('measures the window from step 1: a step at entry + window counts, 1 ms later does not', async () => {
    const events = (user: string) => [
      { event: 'Promotion Viewed', at: '2026-03-02T00:00:00.000Z', user, promo: 'P' },
      { event: 'Promotion Clicked', at: '2026-03-02T00:00:01.000Z', user, promo: 'P' },
      { event: 'Product Added', at: '2026-03-08T00:00:00.000Z', user },
    ];
    const groups = await funnelOn(
      {
        identities: [...id('c1', ['user_id', 'u1']), ...id('c2', ['user_id', 'u2'])],
        events: [...events('u1'), ...events('u2')],
        orders: [
          { id: 'o1', user: 'u1', at: '2026-03-09T00:00:00.000Z', amount: 10 },
          { id: 'o2', user: 'u2', at: '2026-03-09T00:00:01.000Z', amount: 20 },
        ],
      },
      campaignSpec('P', '2026-03-02', '2026-03-02'),
    );
    assert.deepEqual(counts(groups), [2, 2, 2, 1]);
    assert.equal(groups[0]?.revenue, 10);
  });

  it('needs each step strictly after the previous one: equal timestamps do not advance', async () => {
    const groups = await funnelOn(
      {
        identities: [...id('c1', ['user_id', 'u1']), ...id('c2', ['user_id', 'u2'])],
        events: [
          { event: 'Promotion Viewed', at: '2026-03-02T10:00:00.000Z', user: 'u1', promo: 'P' },
          { event: 'Promotion Clicked', at: '2026-03-02T10:00:00.000Z', user: 'u1', promo: 'P' },
          { event: 'Promotion Viewed', at: '2026-03-02T10:00:00.000Z', user: 'u2', promo: 'P' },
          { event: 'Promotion Clicked', at: '2026-03-02T10:00:00.001Z', user: 'u2', promo: 'P' },
        ],
      },
      { ...campaignSpec('P', '2026-03-01', '2026-03-07'), steps: [viewed('P'), clicked('P')] },
    );
    assert.deepEqual(counts(groups), [2, 1]);
  });

  it('lets a step be the same event as the previous one only through a distinct, later event', async () => {
    const twice = [added, added];
    const groups = await funnelOn(
      {
        identities: [...id('c1', ['user_id', 'u1']), ...id('c2', ['user_id', 'u2'])],
        events: [
          { event: 'Product Added', at: '2026-03-02T10:00:00Z', user: 'u1' },
          { event: 'Product Added', at: '2026-03-02T10:00:00Z', user: 'u1' },
          { event: 'Product Added', at: '2026-03-02T10:00:00Z', user: 'u2' },
          { event: 'Product Added', at: '2026-03-02T10:05:00Z', user: 'u2' },
        ],
      },
      { steps: twice, from: '2026-03-02', to: '2026-03-02', windowMs: DAY, unit: 'customers' },
    );
    assert.deepEqual(counts(groups), [2, 1]);
  });

  it('requires the click on the promotion that was viewed', async () => {
    const groups = await funnelOn(
      {
        identities: id('c1', ['user_id', 'u1']),
        events: [
          { event: 'Promotion Viewed', at: '2026-03-02T10:00:00Z', user: 'u1', promo: 'P' },
          { event: 'Promotion Clicked', at: '2026-03-02T10:00:05Z', user: 'u1', promo: 'Q' },
          { event: 'Product Added', at: '2026-03-02T10:01:00Z', user: 'u1' },
        ],
        orders: [{ id: 'o1', user: 'u1', at: '2026-03-02T10:05:00Z', amount: 10 }],
      },
      campaignSpec('P', '2026-03-01', '2026-03-07'),
    );
    assert.deepEqual(counts(groups), [1, 0, 0, 0]);
  });

  it('ignores cancelled orders (deleted ones are absent) and takes the next valid order in the window', async () => {
    const groups = await funnelOn(
      {
        identities: [...id('c1', ['user_id', 'u1']), ...id('c2', ['user_id', 'u2'])],
        events: ['u1', 'u2'].flatMap((user) => [
          { event: 'Promotion Viewed', at: '2026-03-02T10:00:00Z', user, promo: 'P' },
          { event: 'Promotion Clicked', at: '2026-03-02T10:00:05Z', user, promo: 'P' },
          { event: 'Product Added', at: '2026-03-02T10:01:00Z', user },
        ]),
        orders: [
          { id: 'o1', user: 'u1', at: '2026-03-02T10:05:00Z', amount: 10, status: 'cancelled' },
          { id: 'o2', user: 'u1', at: '2026-03-04T10:05:00Z', amount: 30, status: 'shipped' },
          { id: 'o3', user: 'u2', at: '2026-03-02T10:05:00Z', amount: 40, status: 'CANCELLED' },
        ],
      },
      campaignSpec('P', '2026-03-01', '2026-03-07'),
    );
    assert.deepEqual(counts(groups), [2, 2, 2, 1]);
    assert.equal(groups[0]?.revenue, 30);
  });

  it('needs the order after the product was added, and the product after the click', async () => {
    const groups = await funnelOn(
      {
        identities: id('c1', ['user_id', 'u1']),
        events: [
          { event: 'Product Added', at: '2026-03-02T09:00:00Z', user: 'u1' },
          { event: 'Promotion Viewed', at: '2026-03-02T10:00:00Z', user: 'u1', promo: 'P' },
          { event: 'Promotion Clicked', at: '2026-03-02T10:00:05Z', user: 'u1', promo: 'P' },
        ],
        orders: [{ id: 'o1', user: 'u1', at: '2026-03-02T10:05:00Z', amount: 10 }],
      },
      campaignSpec('P', '2026-03-01', '2026-03-07'),
    );
    assert.deepEqual(counts(groups), [1, 1, 0, 0]);
  });

  it('applies the date range to step 1 only: later steps may fall after `to`', async () => {
    const groups = await funnelOn(
      {
        identities: [...id('c1', ['user_id', 'u1']), ...id('c2', ['user_id', 'u2'])],
        events: [
          // Before the range: not an entry, although its click is inside.
          { event: 'Promotion Viewed', at: '2026-03-01T23:59:59.999Z', user: 'u1', promo: 'P' },
          { event: 'Promotion Clicked', at: '2026-03-02T00:00:01Z', user: 'u1', promo: 'P' },
          // The last millisecond of `to`: an entry, converting two days later.
          { event: 'Promotion Viewed', at: '2026-03-03T23:59:59.999Z', user: 'u2', promo: 'P' },
          { event: 'Promotion Clicked', at: '2026-03-05T00:00:00Z', user: 'u2', promo: 'P' },
        ],
      },
      { ...campaignSpec('P', '2026-03-02', '2026-03-03'), steps: [viewed('P'), clicked('P')] },
    );
    assert.deepEqual(counts(groups), [1, 1]);
  });

  it('drops events and orders whose identifiers are not in the identity map (junk ids)', async () => {
    const groups = await funnelOn(
      {
        identities: id('c1', ['user_id', 'u1']),
        events: [
          { event: 'Promotion Viewed', at: '2026-03-02T10:00:00Z', user: 'null', anon: '00000000-0000-0000-0000-000000000000', promo: 'P' },
          { event: 'Promotion Viewed', at: '2026-03-02T10:00:00Z', user: 'u1', promo: 'P' },
          { event: 'Promotion Clicked', at: '2026-03-02T10:00:05Z', user: 'u1', promo: 'P' },
          { event: 'Product Added', at: '2026-03-02T10:01:00Z', user: 'u1' },
        ],
        // Placed by an account that is not this customer.
        orders: [{ id: 'o1', user: 'someone-else', at: '2026-03-02T10:05:00Z', amount: 10 }],
      },
      campaignSpec('P', '2026-03-01', '2026-03-07'),
    );
    assert.deepEqual(counts(groups), [1, 1, 1, 0]);
  });

  it('attributes revenue to the earliest converting order, the smallest order_id among equal times', async () => {
    const groups = await funnelOn(
      {
        identities: id('c1', ['user_id', 'u1']),
        events: [
          { event: 'Promotion Viewed', at: '2026-03-02T10:00:00Z', user: 'u1', promo: 'P' },
          { event: 'Promotion Clicked', at: '2026-03-02T10:00:05Z', user: 'u1', promo: 'P' },
          { event: 'Product Added', at: '2026-03-02T10:01:00Z', user: 'u1' },
        ],
        orders: [
          { id: 'o-b', user: 'u1', at: '2026-03-02T10:05:00Z', amount: 20 },
          { id: 'o-a', user: 'u1', at: '2026-03-02T10:05:00Z', amount: 15 },
          { id: 'o-0', user: 'u1', at: '2026-03-03T10:05:00Z', amount: 99 },
        ],
      },
      campaignSpec('P', '2026-03-01', '2026-03-07'),
    );
    assert.equal(groups[0]?.revenue, 15);
  });

  it('reports exact medians: the middle time, the lower of the two middle ones for an even count', async () => {
    const journey = (user: string, clickAfterSeconds: number) => [
      { event: 'Promotion Viewed', at: '2026-03-02T10:00:00Z', user, promo: 'P' },
      { event: 'Promotion Clicked', at: new Date(Date.parse('2026-03-02T10:00:00Z') + clickAfterSeconds * 1000).toISOString(), user, promo: 'P' },
    ];
    const users = [
      ['u1', 10],
      ['u2', 20],
      ['u3', 60],
      ['u4', 600],
    ] as const;
    const groups = await funnelOn(
      {
        identities: users.flatMap(([user]) => id(`c-${user}`, ['user_id', user])),
        events: users.flatMap(([user, seconds]) => journey(user, seconds)),
      },
      { ...campaignSpec('P', '2026-03-01', '2026-03-07'), steps: [viewed('P'), clicked('P')] },
    );
    assert.equal(groups[0]?.steps[1]?.medianFromPreviousMs, 20_000);
  });
});

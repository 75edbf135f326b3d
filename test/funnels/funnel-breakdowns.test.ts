import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { campaignFunnelSpec } from '../../src/funnels/campaign/campaign-funnels';
import type { FunnelSpec } from '../../src/funnels/funnel-definition';
import type { FunnelGroupStats } from '../../src/funnels/funnel-stats';
import { counts, groupKey } from './support/compare-stats';
import { FixtureLake, type FixtureData, type FixtureEvent } from './support/fixture-lake';
import { checkedFunnel } from './support/funnel-check';
import { added, campaignSpec, DAY } from './support/specs';

async function funnelOn(data: FixtureData, spec: FunnelSpec): Promise<FunnelGroupStats[]> {
  const lake = new FixtureLake();
  try {
    await lake.write(data);
    return await checkedFunnel(await lake.engine(), lake.layout, spec);
  } finally {
    await lake.close();
  }
}

/** Group key → step counts, for readable expectations. */
function byGroup(groups: readonly FunnelGroupStats[]): Record<string, number[]> {
  return Object.fromEntries(groups.map((group) => [groupKey(group), group.steps.map((step) => step.customers)]));
}

const users = (...names: string[]) => names.map((name) => ({ type: 'user_id' as const, value: name, customer: `c-${name}` }));

function journey(user: string, day: string, promo: string, extra: Partial<FixtureEvent> = {}): FixtureEvent[] {
  return [
    { event: 'Promotion Viewed', at: `${day}T10:00:00Z`, user, promo, ...extra },
    { event: 'Promotion Clicked', at: `${day}T10:00:05Z`, user, promo, ...extra },
    { event: 'Product Added', at: `${day}T10:01:00Z`, user, ...extra },
  ];
}

describe('funnel breakdowns and campaign variants (SQL = reference)', () => {
  it('breaks down by platform of the entry, each customer once per platform', async () => {
    const groups = await funnelOn(
      {
        identities: users('u1', 'u2', 'u3'),
        events: [
          // An iOS view whose window closes before the Android journey.
          { event: 'Promotion Viewed', at: '2026-03-01T08:00:00Z', user: 'u1', promo: 'P', os: 'iOS' },
          ...journey('u1', '2026-03-10', 'P', { os: 'Android' }),
          ...journey('u2', '2026-03-03', 'P', { os: 'iOS' }),
          { event: 'Promotion Viewed', at: '2026-03-02T08:00:00Z', user: 'u3', promo: 'P' },
        ],
        orders: [
          { id: 'o1', user: 'u1', at: '2026-03-10T11:00:00Z', amount: 10 },
          { id: 'o2', user: 'u2', at: '2026-03-03T11:00:00Z', amount: 20 },
        ],
      },
      campaignSpec('P', '2026-03-01', '2026-03-14', { breakdown: 'platform' }),
    );
    assert.deepEqual(byGroup(groups), {
      '["","","Android"]': [1, 1, 1, 1],
      '["","","iOS"]': [2, 1, 1, 1],
      '["","",null]': [1, 0, 0, 0],
    });
  });

  it("breaks down by the order's vertical: one funnel per vertical of the customer's orders, none → null", async () => {
    const groups = await funnelOn(
      {
        identities: users('u1', 'u2', 'u3'),
        events: [...journey('u1', '2026-03-03', 'P'), ...journey('u2', '2026-03-03', 'P'), ...journey('u3', '2026-03-03', 'P')],
        orders: [
          { id: 'o1', user: 'u1', at: '2026-03-03T11:00:00Z', amount: 10, vertical: 'pharmacy' },
          // Before the view: this vertical's funnel stops at Product Added for u1.
          { id: 'o2', user: 'u1', at: '2026-03-02T11:00:00Z', amount: 20, vertical: 'lab_tests' },
          { id: 'o3', user: 'u3', at: '2026-03-04T11:00:00Z', amount: 30, vertical: null },
        ],
      },
      campaignSpec('P', '2026-03-01', '2026-03-07', { breakdown: 'vertical' }),
    );
    assert.deepEqual(byGroup(groups), {
      '["","","pharmacy"]': [1, 1, 1, 1],
      '["","","lab_tests"]': [1, 1, 1, 0],
      '["","",null]': [2, 2, 2, 1],
    });
    const nulls = groups.find((group) => group.value === null);
    assert.equal(nulls?.revenue, 30);
  });

  it('counts view-through conversions: an order within a day of the view, no click on that banner between', async () => {
    const view = (user: string, at = '2026-03-02T10:00:00Z') => ({ event: 'Promotion Viewed', at, user, promo: 'P' });
    const groups = await funnelOn(
      {
        identities: users('u1', 'u2', 'u3', 'u4', 'u5'),
        events: [
          view('u1'),
          view('u2'),
          { event: 'Promotion Clicked', at: '2026-03-02T10:00:05Z', user: 'u2', promo: 'P' },
          view('u3'),
          { event: 'Promotion Clicked', at: '2026-03-02T10:00:05Z', user: 'u3', promo: 'Q' },
          view('u4'),
          { event: 'Promotion Clicked', at: '2026-03-02T09:00:00Z', user: 'u5', promo: 'P' },
          view('u5'),
        ],
        orders: ['u1', 'u2', 'u3', 'u5'].map((user, index) => ({ id: `o${index}`, user, at: '2026-03-02T20:00:00Z', amount: 10 })).concat([
          { id: 'o9', user: 'u4', at: '2026-03-03T10:00:01Z', amount: 10 },
        ]),
      },
      campaignFunnelSpec('view_through', { promotionId: 'P' }, { from: '2026-03-01', to: '2026-03-07', windowMs: DAY }),
    );
    assert.deepEqual(counts(groups), [5, 3]);
    assert.equal(groups[0]?.revenue, 30);
  });

  it('computes every promotion and day in one batch query, equal to each promotion on its own', async () => {
    const data: FixtureData = {
      identities: users('u1', 'u2'),
      events: [
        { event: 'Promotion Viewed', at: '2026-03-02T09:00:00Z', user: 'u1', promo: 'P' },
        ...journey('u1', '2026-03-02', 'Q'),
        { event: 'Promotion Viewed', at: '2026-03-03T09:00:00Z', user: 'u1', promo: 'P' },
        ...journey('u2', '2026-03-03', 'P', { os: 'Android' }),
        { event: 'Promotion Clicked', at: '2026-03-03T12:00:00Z', user: 'u1', promo: 'Q' },
      ],
      orders: [{ id: 'o1', user: 'u1', at: '2026-03-02T11:00:00Z', amount: 10 }],
    };
    const options = { from: '2026-03-01', to: '2026-03-07', windowMs: 7 * DAY, perDay: true };
    const batch = await funnelOn(data, campaignFunnelSpec('click_through', 'every-promotion', options));
    assert.deepEqual(byGroup(batch), {
      '["P","2026-03-02","(all)"]': [1, 0, 0, 0],
      '["P","2026-03-03","(all)"]': [2, 1, 1, 0],
      '["Q","2026-03-02","(all)"]': [1, 1, 1, 1],
    });
    for (const promotionId of ['P', 'Q']) {
      const single = await funnelOn(data, campaignFunnelSpec('click_through', { promotionId }, options));
      assert.deepEqual(
        byGroup(single.map((group) => ({ ...group, promotionId }))),
        byGroup(batch.filter((group) => group.promotionId === promotionId)),
      );
    }
    const viewThrough = await funnelOn(data, campaignFunnelSpec('view_through', 'every-promotion', { ...options, windowMs: DAY }));
    assert.deepEqual(byGroup(viewThrough), {
      '["P","2026-03-02","(all)"]': [1, 1],
      '["P","2026-03-03","(all)"]': [2, 0],
      '["Q","2026-03-02","(all)"]': [1, 0],
    });
  });

  it('counts customer-days in campaign funnels: a customer entering on two days counts twice', async () => {
    const data: FixtureData = {
      identities: users('u1'),
      events: [...journey('u1', '2026-03-02', 'P'), { event: 'Promotion Viewed', at: '2026-03-04T09:00:00Z', user: 'u1', promo: 'P' }],
    };
    const options = { from: '2026-03-01', to: '2026-03-07', windowMs: 7 * DAY };
    assert.deepEqual(counts(await funnelOn(data, campaignFunnelSpec('click_through', { promotionId: 'P' }, options))), [2, 1, 1, 0]);
    assert.deepEqual(counts(await funnelOn(data, campaignSpec('P', '2026-03-01', '2026-03-07'))), [1, 1, 1, 0]);
  });

  it('filters on event properties and on the platform', async () => {
    const groups = await funnelOn(
      {
        identities: users('u1', 'u2'),
        events: [
          { event: 'Product Viewed', at: '2026-03-02T09:00:00Z', user: 'u1', os: 'iOS' },
          { event: 'Product Added', at: '2026-03-02T09:01:00Z', user: 'u1', properties: { category: 'medicines', price: 12.5 } },
          { event: 'Product Viewed', at: '2026-03-02T09:00:00Z', user: 'u2', os: 'iOS' },
          { event: 'Product Added', at: '2026-03-02T09:01:00Z', user: 'u2', properties: { category: 'wellness' } },
        ],
      },
      {
        steps: [
          { kind: 'event', name: 'viewed on iOS', event: 'Product Viewed', filters: [{ property: 'context.os.name', equals: 'iOS' }] },
          { ...added, filters: [{ property: 'category', equals: 'medicines' }] },
        ],
        from: '2026-03-01',
        to: '2026-03-07',
        windowMs: DAY,
        unit: 'customers',
      },
    );
    assert.deepEqual(counts(groups), [2, 1]);
  });

  it('binds hostile text as data: quotes and comments in names and values match nothing and break nothing', async () => {
    const hostile = ["Promotion Viewed' OR '1'='1", "x'); DROP TABLE ids; --", '"; SELECT 1; --', 'P\\', "$.x') --"];
    const data: FixtureData = { identities: users('u1'), events: journey('u1', '2026-03-02', 'P') };
    for (const text of hostile) {
      const steps: FunnelSpec['steps'] = [
        { kind: 'event', name: text, event: text, filters: [{ property: 'promotion_id', equals: text }] },
        { kind: 'event', name: 'click', event: 'Promotion Clicked', filters: [{ property: 'creative', equals: text }] },
      ];
      const groups = await funnelOn(data, { steps, from: '2026-03-01', to: '2026-03-07', windowMs: DAY, unit: 'customers' });
      assert.deepEqual(counts(groups), [0, 0], text);
    }
  });
});

import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { CAMPAIGN_FIXTURE } from './support/campaign-fixture';
import { FixtureLake } from './support/fixture-lake';
import { FEATURES_KEY, FunnelsApp } from './support/funnels-app';

const CAMPAIGN = `query Campaign($promotionId: String!, $from: String!, $to: String!, $window: String, $breakdown: String) {
  campaignFunnel(promotionId: $promotionId, from: $from, to: $to, window: $window, breakdown: $breakdown) {
    promotionId source counting window revenue mediansEstimated
    steps { step name customers conversionFromPrevious conversionFromFirst medianSecondsFromPrevious medianSecondsFromFirst }
    breakdown breakdownRows { value revenue steps { customers } }
    viewThrough { source window revenue steps { name customers conversionFromFirst } }
  }
}`;

const FUNNEL = `query Funnel($steps: [FunnelStepInput!]!, $from: String!, $to: String!, $window: String, $breakdown: String) {
  funnel(steps: $steps, from: $from, to: $to, window: $window, breakdown: $breakdown) {
    source counting window steps { name customers conversionFromPrevious } revenue breakdownRows { value steps { customers } }
  }
}`;

interface StepAnswer {
  name: string;
  customers: number;
}

describe('funnels over GraphQL', () => {
  let lake: FixtureLake;
  let api: FunnelsApp;

  before(async () => {
    lake = new FixtureLake();
    await lake.write(CAMPAIGN_FIXTURE);
    api = await FunnelsApp.start(lake);
  });

  after(async () => {
    await api.close();
    await lake.close();
  });

  it('needs an API key, and the funnels:read scope', async () => {
    const variables = { promotionId: 'P', from: '2026-03-02', to: '2026-03-02' };
    assert.equal((await api.graphql(CAMPAIGN, variables, null)).status, 401);
    const forbidden = await api.graphql(CAMPAIGN, variables, FEATURES_KEY);
    assert.equal(forbidden.body.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    assert.match(forbidden.body.errors?.[0]?.message ?? '', /funnels:read/);
    const adHoc = await api.graphql(FUNNEL, { steps: [{ event: 'Promotion Viewed' }], from: '2026-03-02', to: '2026-03-02' }, FEATURES_KEY);
    assert.equal(adHoc.body.errors?.[0]?.extensions?.code, 'FORBIDDEN');
  });

  it('answers the campaign funnel ad hoc before the job ran, and from the precomputed metrics after', async () => {
    const variables = { promotionId: 'P', from: '2026-03-02', to: '2026-03-03' };
    const before = await api.graphql(CAMPAIGN, variables);
    assert.equal(before.body.errors, undefined);
    await api.precompute(lake, '2026-03-03', 1);
    const after = await api.graphql(CAMPAIGN, variables);
    const funnels = [before, after].map((answer) => answer.body.data?.campaignFunnel as Record<string, unknown>);
    assert.deepEqual(funnels.map((funnel) => funnel.source), ['ad_hoc', 'precomputed']);
    for (const funnel of funnels) {
      const steps = funnel.steps as StepAnswer[];
      assert.deepEqual(steps.map((step) => [step.name, step.customers]), [
        ['Promotion Viewed', 5],
        ['Promotion Clicked', 2],
        ['Product Added', 2],
        ['Order placed', 1],
      ]);
      assert.equal(funnel.counting, 'customer-days');
      assert.equal(funnel.revenue, 1250);
      const viewThrough = funnel.viewThrough as { steps: StepAnswer[]; revenue: number; window: string };
      assert.deepEqual(viewThrough.steps.map((step) => step.customers), [5, 1]);
      assert.equal(viewThrough.revenue, 450);
      assert.equal(viewThrough.window, '1d');
    }
  });

  it('breaks the campaign down by platform and by day', async () => {
    const byPlatform = await api.graphql(CAMPAIGN, { promotionId: 'P', from: '2026-03-02', to: '2026-03-03', breakdown: 'platform' });
    const rows = (byPlatform.body.data?.campaignFunnel as { breakdownRows: Array<{ value: string; steps: StepAnswer[] }> }).breakdownRows;
    assert.deepEqual(rows.map((row) => [row.value, row.steps.map((step) => step.customers)]), [
      ['Android', [2, 1, 1, 1]],
      ['iOS', [3, 1, 1, 0]],
    ]);
    const byDay = await api.graphql(CAMPAIGN, { promotionId: 'P', from: '2026-03-02', to: '2026-03-03', breakdown: 'day' });
    const days = (byDay.body.data?.campaignFunnel as { breakdownRows: Array<{ value: string; steps: StepAnswer[] }> }).breakdownRows;
    assert.deepEqual(days.map((row) => [row.value, row.steps[0]?.customers]), [
      ['2026-03-02', 4],
      ['2026-03-03', 1],
    ]);
  });

  it('runs ad hoc funnels with arbitrary steps, filters and breakdowns', async () => {
    const answer = await api.graphql(FUNNEL, {
      steps: [
        { event: 'Promotion Viewed', filters: [{ property: 'promotion_id', equals: 'P' }] },
        { event: 'Product Added', name: 'Added to cart' },
        { order: true, filters: [{ property: 'vertical', equals: 'pharmacy' }] },
      ],
      from: '2026-03-01',
      to: '2026-03-07',
      window: '2d',
      breakdown: 'vertical',
    });
    assert.equal(answer.body.errors, undefined);
    const funnel = answer.body.data?.funnel as { steps: StepAnswer[]; counting: string; breakdownRows: Array<{ value: string | null }> };
    assert.deepEqual(funnel.steps.map((step) => [step.name, step.customers]), [
      ['Promotion Viewed', 4],
      ['Added to cart', 2],
      ['Order placed', 1],
    ]);
    assert.equal(funnel.counting, 'customers');
    assert.deepEqual(funnel.breakdownRows.map((row) => row.value), ['pharmacy', null]);
  });

  it('answers BAD_USER_INPUT for arguments it cannot use', async () => {
    const campaign = { promotionId: 'P', from: '2026-03-02', to: '2026-03-03' };
    const step = { event: 'Promotion Viewed' };
    const funnel = { steps: [step], from: '2026-03-02', to: '2026-03-03' };
    const cases: Array<[string, string, Record<string, unknown>, RegExp]> = [
      ['from after to', CAMPAIGN, { ...campaign, from: '2026-03-04' }, /after/],
      ['not a day', CAMPAIGN, { ...campaign, from: '2026-02-30' }, /YYYY-MM-DD/],
      ['zero window', CAMPAIGN, { ...campaign, window: '0d' }, /more than 0/],
      ['negative window', CAMPAIGN, { ...campaign, window: '-1d' }, /unit/],
      ['window over 90 days', CAMPAIGN, { ...campaign, window: '91d' }, /at most 90d/],
      ['unknown breakdown', CAMPAIGN, { ...campaign, breakdown: 'country' }, /breakdown must be one of/],
      ['empty promotion', CAMPAIGN, { ...campaign, promotionId: '' }, /promotionId/],
      ['no steps', FUNNEL, { ...funnel, steps: [] }, /at least one step/],
      ['eleven steps', FUNNEL, { ...funnel, steps: Array.from({ length: 11 }, () => step) }, /at most 10 steps/],
      ['order first', FUNNEL, { ...funnel, steps: [{ order: true }, step] }, /only the last step/],
      ['order in the middle', FUNNEL, { ...funnel, steps: [step, { order: true }, step] }, /only the last step/],
      ['event and order', FUNNEL, { ...funnel, steps: [step, { event: 'x', order: true }] }, /either an event name or order/],
      ['vertical without an order', FUNNEL, { ...funnel, breakdown: 'vertical' }, /vertical breakdown needs an order/],
      ['hostile property name', FUNNEL, { ...funnel, steps: [{ event: 'x', filters: [{ property: "a') OR 1=1 --", equals: 'y' }] }] }, /filter property/],
      ['json path property', FUNNEL, { ...funnel, steps: [{ event: 'x', filters: [{ property: '$.a.b', equals: 'y' }] }] }, /filter property/],
      ['order filter on status', FUNNEL, { ...funnel, steps: [step, { order: true, filters: [{ property: 'status', equals: 'cancelled' }] }] }, /filter property/],
      ['range over a year', FUNNEL, { ...funnel, from: '2024-01-01', to: '2026-03-03' }, /at most 366 days/],
    ];
    for (const [label, query, variables, message] of cases) {
      const answer = await api.graphql(query, variables);
      assert.equal(answer.body.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT', label);
      assert.match(answer.body.errors?.[0]?.message ?? '', message, label);
      assert.doesNotMatch(answer.body.errors?.[0]?.message ?? '', /SELECT|read_parquet|duckdb/i, `${label}: no internals`);
    }
  });

  it('treats hostile text as data: quotes, comments and semicolons match nothing', async () => {
    for (const text of ["P' OR '1'='1", "P'); DROP TABLE ids; --", 'P" --', "x\\'; SELECT 1; --"]) {
      const campaign = await api.graphql(CAMPAIGN, { promotionId: text, from: '2026-03-02', to: '2026-03-03', window: '2d' });
      assert.equal(campaign.body.errors, undefined, text);
      assert.equal((campaign.body.data?.campaignFunnel as { steps: StepAnswer[] }).steps[0]?.customers, 0, text);
      const funnel = await api.graphql(FUNNEL, {
        steps: [{ event: text, filters: [{ property: 'creative', equals: text }] }, { event: 'Product Added', filters: [{ property: 'context.os.name', equals: text }] }],
        from: '2026-03-02',
        to: '2026-03-03',
      });
      assert.equal(funnel.body.errors, undefined, text);
    }
  });
});

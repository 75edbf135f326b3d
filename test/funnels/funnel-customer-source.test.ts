import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { LakeFunnelRunner } from '../../src/funnels/lake-funnel-runner';
import { stitchedClickstreamRelation, writeStitchedClickstream } from '../../src/identity/events/stitched-clickstream';
import { DomainError } from '../../src/shared/domain-error';
import { counts } from './support/compare-stats';
import { FixtureLake, type FixtureIdentity } from './support/fixture-lake';
import { campaignSpec } from './support/specs';

/**
 * Funnels read each event's customer from the stitched clickstream only while it was built from
 * the lake's current identity map; otherwise they join the map, so a merge counts at once.
 */
describe('funnels: where events get their customer', () => {
  const lake = new FixtureLake();
  const spec = campaignSpec('P', '2026-03-01', '2026-03-07');
  const beforeMerge: FixtureIdentity[] = [
    { type: 'user_id', value: 'u1', customer: 'c1' },
    { type: 'anonymous_id', value: 'a2', customer: 'c2' },
  ];
  const afterMerge: FixtureIdentity[] = [
    { type: 'user_id', value: 'u1', customer: 'c1' },
    { type: 'anonymous_id', value: 'a2', customer: 'c1' },
  ];

  before(async () => {
    await lake.write({
      identities: beforeMerge,
      events: [
        { event: 'Promotion Viewed', at: '2026-03-02T10:00:00Z', anon: 'a2', promo: 'P' },
        { event: 'Promotion Clicked', at: '2026-03-02T10:00:05Z', anon: 'a2', promo: 'P' },
        { event: 'Product Added', at: '2026-03-02T10:01:00Z', user: 'u1' },
      ],
      orders: [{ id: 'o1', user: 'u1', at: '2026-03-02T11:00:00Z', amount: 100 }],
    });
  });
  after(async () => {
    await lake.close();
  });

  it('reads the fresh stitched clickstream, and joins the identity map once a new map makes it stale', async () => {
    const engine = await lake.engine();
    await writeStitchedClickstream(engine, lake.layout);
    const auto = new LakeFunnelRunner(engine, lake.layout);
    assert.deepEqual(counts(await auto.run(spec)), [1, 1, 0, 0], 'the banner was seen by c2, who never ordered');
    assert.deepEqual(counts(await new LakeFunnelRunner(engine, lake.layout, undefined, 'stitched').run(spec)), [1, 1, 0, 0]);

    await lake.writeIdentities(afterMerge); // a2's browsing turns out to be u1's
    assert.equal(stitchedClickstreamRelation(engine, lake.layout), undefined);
    assert.deepEqual(counts(await auto.run(spec)), [1, 1, 1, 1], 'the merged customer converts, without waiting for a rebuild');
    await assert.rejects(new LakeFunnelRunner(engine, lake.layout, undefined, 'stitched').run(spec), (error: unknown) => error instanceof DomainError && error.code === 'UNAVAILABLE');

    await writeStitchedClickstream(engine, lake.layout);
    assert.deepEqual(counts(await new LakeFunnelRunner(engine, lake.layout, undefined, 'stitched').run(spec)), [1, 1, 1, 1]);
  });
});

import type { FixtureData } from './fixture-lake';

/**
 * A small campaign for API, CLI and chart tests. Banner P on 2026-03-02: c1 goes all the way
 * (anonymous view, logged-in order of 1,250), c2 clicks and adds, c3 only views, c4 views and
 * orders 450 within a day without clicking (view-through). On 2026-03-03 c3 views again.
 */
export const CAMPAIGN_FIXTURE: FixtureData = {
  identities: [
    { type: 'anonymous_id', value: 'anon-1', customer: 'c1' },
    { type: 'user_id', value: 'u1', customer: 'c1' },
    { type: 'user_id', value: 'u2', customer: 'c2' },
    { type: 'user_id', value: 'u3', customer: 'c3' },
    { type: 'user_id', value: 'u4', customer: 'c4' },
  ],
  events: [
    { event: 'Promotion Viewed', at: '2026-03-02T10:00:00Z', anon: 'anon-1', promo: 'P', os: 'Android' },
    { event: 'Promotion Clicked', at: '2026-03-02T10:00:10Z', anon: 'anon-1', promo: 'P', os: 'Android' },
    { event: 'Product Added', at: '2026-03-02T10:02:00Z', anon: 'anon-1', user: 'u1', os: 'Android' },
    { event: 'Promotion Viewed', at: '2026-03-02T11:00:00Z', user: 'u2', promo: 'P', os: 'iOS' },
    { event: 'Promotion Clicked', at: '2026-03-02T11:00:20Z', user: 'u2', promo: 'P', os: 'iOS' },
    { event: 'Product Added', at: '2026-03-02T11:03:00Z', user: 'u2', os: 'iOS' },
    { event: 'Promotion Viewed', at: '2026-03-02T12:00:00Z', user: 'u3', promo: 'P', os: 'iOS' },
    { event: 'Promotion Viewed', at: '2026-03-03T12:00:00Z', user: 'u3', promo: 'P', os: 'iOS' },
    { event: 'Promotion Viewed', at: '2026-03-02T13:00:00Z', user: 'u4', promo: 'P', os: 'Android' },
  ],
  orders: [
    { id: 'o1', user: 'u1', at: '2026-03-02T12:00:00Z', amount: 1250, vertical: 'pharmacy' },
    { id: 'o4', user: 'u4', at: '2026-03-02T18:00:00Z', amount: 450, vertical: 'wellness' },
  ],
};

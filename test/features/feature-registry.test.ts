import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { FeatureDefinition } from '../../src/features/feature-definition';
import { FEATURE_SERVICES, FEATURES, FeatureRegistry } from '../../src/features/feature-registry';
import { FeaturesException, FeaturesExceptionCode } from '../../src/features/features.exception';
import { STREAMED_FEATURE_NAMES } from '../../src/stream/features/streamed-features';

const DAY = 86_400;
const registry = new FeatureRegistry();
const feature = (name: string): FeatureDefinition => registry.get(name);

describe('feature registry', () => {
  it('holds at least 25 customer features with unique snake_case names and a description each', () => {
    assert.ok(FEATURES.length >= 25, `${FEATURES.length} features`);
    assert.equal(new Set(FEATURES.map((f) => f.name)).size, FEATURES.length);
    for (const f of FEATURES) {
      assert.match(f.name, /^[a-z][a-z0-9_]*$/);
      assert.equal(f.entity, 'customer');
      assert.ok(f.description.length > 20, `${f.name} needs a description`);
      assert.ok(f.ttlSeconds >= DAY, `${f.name} ttl`);
    }
  });

  it('defines the three specified features as 30-day windows the stream keeps current', () => {
    assert.deepEqual(
      ['orders_30d', 'gmv_30d', 'banner_clicks_30d'].map((name) => {
        const { type, windowDays, streamed, sensitivity, ttlSeconds } = feature(name);
        return { name, type, windowDays, streamed, sensitivity, ttlSeconds };
      }),
      [
        { name: 'orders_30d', type: 'int', windowDays: 30, streamed: true, sensitivity: 'public', ttlSeconds: 2 * DAY },
        { name: 'gmv_30d', type: 'float', windowDays: 30, streamed: true, sensitivity: 'public', ttlSeconds: 2 * DAY },
        { name: 'banner_clicks_30d', type: 'int', windowDays: 30, streamed: true, sensitivity: 'public', ttlSeconds: 2 * DAY },
      ],
    );
  });

  it('covers orders and GMV over 7/30/90 days for every vertical, and the behaviour features the brief lists', () => {
    for (const vertical of ['pharmacy', 'lab_tests', 'consultations', 'wellness']) {
      for (const days of [7, 30, 90]) {
        assert.equal(feature(`${vertical}_orders_${days}d`).windowDays, days);
        assert.equal(feature(`${vertical}_gmv_${days}d`).type, 'float');
      }
    }
    for (const name of ['days_since_last_order', 'favourite_category', 'refill_interval_days', 'lab_bookings_90d', 'consultations_90d', 'app_sessions_30d', 'last_banner_seen', 'last_banner_clicked', 'rfm_recency_score', 'rfm_frequency_score', 'rfm_monetary_score']) {
      assert.ok(registry.find(name), name);
    }
  });

  it('tags health-related features as health', () => {
    for (const name of ['lab_bookings_90d', 'consultations_90d', 'refill_interval_days', 'refill_due_in_days', 'chronic_care_orders_90d', 'favourite_category', 'lab_tests_orders_30d', 'consultations_gmv_90d', 'pharmacy_orders_7d']) {
      assert.equal(feature(name).sensitivity, 'health', name);
    }
    assert.equal(feature('wellness_orders_30d').sensitivity, 'public');
  });

  it('marks as streamed exactly the features the stream projector writes', () => {
    assert.deepEqual(
      FEATURES.filter((f) => f.streamed).map((f) => f.name).sort(),
      [...STREAMED_FEATURE_NAMES].sort(),
    );
  });

  it('finds a feature by name or by its view:name reference, and refuses a wrong view', () => {
    assert.equal(registry.get('customer_orders:orders_30d'), feature('orders_30d'));
    assert.equal(registry.find('customer_activity:orders_30d'), undefined);
  });

  it('validates a list of names with one error listing every unknown name', () => {
    assert.deepEqual(
      registry.validate(['gmv_30d', 'orders_30d', 'gmv_30d']).map((f) => f.name),
      ['gmv_30d', 'orders_30d'],
    );
    assert.throws(
      () => registry.validate(['orders_30d', 'orders_31d', 'customer_rfm:gmv_30d']),
      (error: unknown) =>
        error instanceof FeaturesException &&
        error.reason === FeaturesExceptionCode.UNKNOWN_FEATURE &&
        error.code === 'BAD_USER_INPUT' &&
        error.message.startsWith('unknown features "orders_31d", "customer_rfm:gmv_30d";'),
    );
  });

  it('resolves feature services and refuses unknown ones by listing the known', () => {
    assert.deepEqual(
      FEATURE_SERVICES.map((service) => service.name),
      ['recsys_v1', 'marketing_v1'],
    );
    assert.ok(registry.service('recsys_v1').some((f) => f.name === 'favourite_category'));
    assert.ok(registry.service('marketing_v1').some((f) => f.name === 'rfm_monetary_score'));
    assert.throws(() => registry.service('ads_v9'), /unknown feature service "ads_v9"; known: recsys_v1, marketing_v1/);
  });

  it('refuses a broken registry at construction: duplicate names, bad names, services naming unknown features', () => {
    const base = feature('orders_30d');
    assert.throws(() => new FeatureRegistry([base, base], []), /two features are named orders_30d/);
    assert.throws(() => new FeatureRegistry([{ ...base, name: 'Orders-30d' }], []), /lower snake case/);
    assert.throws(() => new FeatureRegistry([base], [{ name: 's', description: '', features: ['nope'] }]), /service s names unknown features: nope/);
  });
});

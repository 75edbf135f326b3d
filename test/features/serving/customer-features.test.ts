import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { OnlineFeatureReader } from '../../../src/features/serving/online-feature-reader';
import { customerIdFor } from '../../../src/identity/customer-id';
import { EmbeddedIdentityStore } from '../../../src/identity/embedded/embedded-identity-store';
import { IncrementalStitcher } from '../../../src/identity/incremental/incremental-stitcher';
import { CompiledRules, DEFAULT_RULES } from '../../../src/identity/rules/identity-rules';
import { ServingApp } from './support/serving-app';

const KEYS = {
  profilesAndFeatures: 'recsys-profiles-0123456789abcdef',
  withPii: 'care-profiles-pii-0123456789abcdef',
  profilesOnly: 'support-profiles-0123456789abcdef',
};
const T0 = Date.UTC(2026, 2, 1, 9);
const customerOf = (userId: string) => customerIdFor({ type: 'user_id', value: userId }, DEFAULT_RULES.idSalt);
const USERS = ['ana', 'ben', 'chloe'];

const QUERY = `query($ids: [ID!]!, $names: [String!]!) {
  customers(ids: $ids) { customerId features(names: $names) { name status value } }
}`;

type Answer = { customers: Array<{ customerId: string; features: Array<{ name: string; status: string; value: unknown }> } | null> };

describe('GraphQL Customer.features (real API: identity store and online store, embedded)', () => {
  let api: ServingApp;
  let storeLoads: string[][];
  const ids = USERS.map(customerOf);

  before(async () => {
    api = await ServingApp.start({
      C360_API_KEYS: JSON.stringify([
        { name: 'recsys', key: KEYS.profilesAndFeatures, scopes: ['profiles:read', 'features:read'] },
        { name: 'care', key: KEYS.withPii, scopes: ['profiles:read', 'features:read', 'pii:read'] },
        { name: 'support', key: KEYS.profilesOnly, scopes: ['profiles:read'] },
      ]),
    });
    const identities = await EmbeddedIdentityStore.open(path.join(api.config.storeDir, 'identity'));
    try {
      const stitcher = new IncrementalStitcher(identities, new CompiledRules(api.config.identity), { now: () => T0 });
      for (const [index, user] of USERS.entries()) await stitcher.stitch([{ source: 'orders', recordId: `o-${user}`, time: T0 + index, identifiers: [{ type: 'user_id', value: user }] }]);
      // Ana browsed logged out on a tablet, then logged in there: that customer merged into hers.
      await stitcher.stitch([{ source: 'clickstream', recordId: 'm-1', time: T0 + 10, identifiers: [{ type: 'anonymous_id', value: 'tab-1' }] }]);
      await stitcher.stitch([{ source: 'clickstream', recordId: 'm-2', time: T0 + 20, identifiers: [{ type: 'user_id', value: 'ana' }, { type: 'anonymous_id', value: 'tab-1' }] }]);
    } finally {
      await identities.close();
    }
    await api.seed(ids.map((customerId, index) => ({ customerId, eventTime: Date.now() - 60_000, features: { orders_30d: index + 1, lab_bookings_90d: 10 + index } })));
    // A spy on the server's own reader: each call is one cache round trip and at most one store read.
    const reader = api.app.get(OnlineFeatureReader, { strict: false });
    const load = reader.loadEntities.bind(reader);
    storeLoads = [];
    reader.loadEntities = (entityIds) => {
      storeLoads.push([...entityIds]);
      return load(entityIds);
    };
  });
  after(() => api.close());

  const read = (key: string, names = ['orders_30d', 'lab_bookings_90d', 'gmv_30d']) => api.graphql<Answer>(QUERY, { ids, names }, key);

  it('serves each customer’s features like the features query, health features masked without pii:read', async () => {
    const { body } = await read(KEYS.profilesAndFeatures);
    assert.equal(body.errors, undefined);
    assert.deepEqual(
      body.data?.customers.map((customer) => [customer?.customerId, customer?.features.map((feature) => [feature.name, feature.status, feature.value])]),
      ids.map((id, index) => [id, [['orders_30d', 'PRESENT', index + 1], ['lab_bookings_90d', 'MASKED', null], ['gmv_30d', 'NOT_FOUND', null]]]),
    );
    const revealed = await read(KEYS.withPii);
    assert.deepEqual(revealed.body.data?.customers.map((customer) => customer?.features[1]), ids.map((_, index) => ({ name: 'lab_bookings_90d', status: 'PRESENT', value: 10 + index })));
  });

  it('loads every customer of the request in one batch, shared with a features query beside it', async () => {
    storeLoads.length = 0;
    const query = `query($ids: [ID!]!) {
      customers(ids: $ids) { features(names: ["orders_30d"]) { value } }
      features(entityIds: $ids, names: ["gmv_30d"]) { entityId }
    }`;
    const { body } = await api.graphql(query, { ids }, KEYS.profilesAndFeatures);
    assert.equal(body.errors, undefined);
    assert.deepEqual(storeLoads, [ids]);
  });

  it('needs features:read for the field, whatever profiles:read allows', async () => {
    const { body } = await read(KEYS.profilesOnly);
    assert.equal(body.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    assert.match(body.errors?.[0]?.message ?? '', /features:read/);
    assert.ok(!JSON.stringify(body.data ?? null).includes('"PRESENT"'), 'no feature value leaks beside the error');
  });

  it('refuses unknown feature names with BAD_USER_INPUT naming them', async () => {
    const { body } = await read(KEYS.profilesAndFeatures, ['orders_30d', 'no_such_feature']);
    assert.equal(body.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.match(body.errors?.[0]?.message ?? '', /no_such_feature/);
  });

  it('answers an id merged away with the surviving customer’s features', async () => {
    const merged = customerIdFor({ type: 'anonymous_id', value: 'tab-1' }, DEFAULT_RULES.idSalt);
    await api.seed([{ customerId: merged, eventTime: Date.now() - 60_000, features: { orders_30d: 99 } }]);
    const { body } = await api.graphql<{ customer: { customerId: string; features: Array<{ value: unknown }> } }>(
      `query($id: ID!) { customer(id: $id) { customerId features(names: ["orders_30d"]) { value } } }`,
      { id: merged },
      KEYS.profilesAndFeatures,
    );
    assert.equal(body.errors, undefined);
    assert.deepEqual(body.data?.customer, { customerId: ids[0], features: [{ value: 1 }] });
  });
});

import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import type { GraphQLObjectType } from 'graphql';
import { customerEntityKey } from '../../../src/features/feature-definition';
import { KEYS, ServingApp } from './support/serving-app';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const QUERY = `query($ids: [ID!]!, $names: [String!]!) {
  features(entityIds: $ids, names: $names) { entityId features { name view type status value eventTime } }
}`;

interface FeatureValue {
  name: string;
  view: string;
  type: string;
  status: string;
  value: unknown;
  eventTime: string | null;
}
type Answer = { features: Array<{ entityId: string; features: FeatureValue[] }> };

describe('GraphQL features (real API, embedded store, in-process cache)', () => {
  let api: ServingApp;
  const fresh = Date.now() - HOUR;
  const stale = Date.now() - 3 * DAY;

  before(async () => {
    api = await ServingApp.start();
    await api.seed([
      {
        customerId: 'c1',
        eventTime: fresh,
        features: { orders_30d: 3, gmv_30d: 1234.5, cart_products: ['p1', 'p2'], days_since_last_order: null, pharmacy_orders_90d: 2, lab_bookings_90d: 1 },
      },
      // orders_30d lives 2 days, cart_products 35: the same age is stale for one and fresh for the other.
      { customerId: 'c2', eventTime: stale, features: { orders_30d: 1, cart_products: ['p9'] } },
    ]);
  });

  after(() => api.close());

  const read = (ids: unknown[], names: string[], key: string | null = KEYS.recsys) => api.graphql<Answer>(QUERY, { ids, names }, key);
  const statuses = (answer: Answer) => answer.features.map((row) => [row.entityId, row.features.map((f) => `${f.name}=${f.status}`)]);

  it('serves PRESENT, OUTSIDE_MAX_AGE (value kept) and NOT_FOUND, one entry per id in the order given', async () => {
    const { status, body } = await read(['c2', 'c1', 'c3', 'c1'], ['orders_30d', 'customer_activity:cart_products', 'days_since_last_order']);
    assert.equal(status, 200);
    assert.equal(body.errors, undefined);
    const answer = body.data as Answer;
    assert.deepEqual(statuses(answer), [
      ['c2', ['orders_30d=OUTSIDE_MAX_AGE', 'cart_products=PRESENT', 'days_since_last_order=NOT_FOUND']],
      ['c1', ['orders_30d=PRESENT', 'cart_products=PRESENT', 'days_since_last_order=PRESENT']],
      ['c3', ['orders_30d=NOT_FOUND', 'cart_products=NOT_FOUND', 'days_since_last_order=NOT_FOUND']],
      ['c1', ['orders_30d=PRESENT', 'cart_products=PRESENT', 'days_since_last_order=PRESENT']],
    ]);
    assert.deepEqual(answer.features[1]?.features, [
      { name: 'orders_30d', view: 'customer_orders', type: 'int', status: 'PRESENT', value: 3, eventTime: new Date(fresh).toISOString() },
      { name: 'cart_products', view: 'customer_activity', type: 'string_list', status: 'PRESENT', value: ['p1', 'p2'], eventTime: new Date(fresh).toISOString() },
      // A stored null is the feature's answer ("no order ever"), not a missing value.
      { name: 'days_since_last_order', view: 'customer_orders', type: 'int', status: 'PRESENT', value: null, eventTime: new Date(fresh).toISOString() },
    ]);
    assert.deepEqual(answer.features[0]?.features[0], {
      name: 'orders_30d', view: 'customer_orders', type: 'int', status: 'OUTSIDE_MAX_AGE', value: 1, eventTime: new Date(stale).toISOString(),
    });
    assert.deepEqual(answer.features[2]?.features[0], { name: 'orders_30d', view: 'customer_orders', type: 'int', status: 'NOT_FOUND', value: null, eventTime: null });
  });

  it('masks health features without pii:read, value and event time alike, and reveals them with it', async () => {
    const names = ['pharmacy_orders_90d', 'lab_bookings_90d', 'orders_30d'];
    const masked = (await read(['c1', 'c3'], names)).body.data as Answer;
    assert.deepEqual(
      masked.features.map((row) => row.features.map(({ name, status, value, eventTime }) => ({ name, status, value, eventTime }))),
      [
        [
          { name: 'pharmacy_orders_90d', status: 'MASKED', value: null, eventTime: null },
          { name: 'lab_bookings_90d', status: 'MASKED', value: null, eventTime: null },
          { name: 'orders_30d', status: 'PRESENT', value: 3, eventTime: new Date(fresh).toISOString() },
        ],
        // Masked whether or not a value exists: absence would say something too.
        [
          { name: 'pharmacy_orders_90d', status: 'MASKED', value: null, eventTime: null },
          { name: 'lab_bookings_90d', status: 'MASKED', value: null, eventTime: null },
          { name: 'orders_30d', status: 'NOT_FOUND', value: null, eventTime: null },
        ],
      ],
    );
    const revealed = (await read(['c1', 'c3'], names, KEYS.pii)).body.data as Answer;
    assert.deepEqual(statuses(revealed), [
      ['c1', ['pharmacy_orders_90d=PRESENT', 'lab_bookings_90d=PRESENT', 'orders_30d=PRESENT']],
      ['c3', ['pharmacy_orders_90d=NOT_FOUND', 'lab_bookings_90d=NOT_FOUND', 'orders_30d=NOT_FOUND']],
    ]);
    assert.deepEqual(revealed.features[0]?.features.map((f) => f.value), [2, 1, 3]);
  });

  it('answers the same in columns aligned with the names (values, statuses, eventTimes), masking alike', async () => {
    const names = ['orders_30d', 'cart_products', 'lab_bookings_90d', 'days_since_last_order'];
    const columns = `query($ids: [ID!]!, $names: [String!]!) { features(entityIds: $ids, names: $names) { entityId values statuses eventTimes } }`;
    type Columns = { features: Array<{ entityId: string; values: unknown[]; statuses: string[]; eventTimes: Array<string | null> }> };
    const ids = ['c1', 'c2', 'c3'];
    const objects = ((await read(ids, names)).body.data as Answer).features;
    const { body } = await api.graphql<Columns>(columns, { ids, names });
    assert.equal(body.errors, undefined);
    assert.deepEqual(
      body.data?.features,
      objects.map((row) => ({ entityId: row.entityId, values: row.features.map((f) => f.value), statuses: row.features.map((f) => f.status), eventTimes: row.features.map((f) => f.eventTime) })),
    );
    assert.deepEqual(body.data?.features[0]?.statuses, ['PRESENT', 'PRESENT', 'MASKED', 'PRESENT']);
    assert.deepEqual(body.data?.features[1]?.values, [1, ['p9'], null, null]);
  });

  it('refuses a key without features:read with FORBIDDEN, and no key at all with 401', async () => {
    const forbidden = await read(['c1'], ['orders_30d'], KEYS.profiles);
    assert.equal(forbidden.status, 200);
    assert.equal(forbidden.body.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    assert.match(forbidden.body.errors?.[0]?.message ?? '', /features:read/);
    assert.equal(forbidden.body.data, null);
    assert.equal((await read(['c1'], ['orders_30d'], null)).status, 401);
  });

  it('answers bad arguments with BAD_USER_INPUT naming what is wrong', async () => {
    const unknown = await read(['c1'], ['orders_30d', 'no_such_feature', 'customer_rfm:orders_30d']);
    assert.equal(unknown.body.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.match(unknown.body.errors?.[0]?.message ?? '', /unknown features "no_such_feature", "customer_rfm:orders_30d"/);
    assert.equal(unknown.body.errors?.[0]?.extensions?.unknown, 'no_such_feature,customer_rfm:orders_30d');

    const noNames = await read(['c1'], []);
    assert.equal(noNames.body.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.match(noNames.body.errors?.[0]?.message ?? '', /names must name at least one feature/);

    const noIds = await read([], ['orders_30d']);
    assert.equal(noIds.body.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.match(noIds.body.errors?.[0]?.message ?? '', /entityIds must name at least one entity/);

    const tooMany = await read(Array.from({ length: 1001 }, (_, i) => `c${i}`), ['orders_30d']);
    assert.equal(tooMany.body.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.match(tooMany.body.errors?.[0]?.message ?? '', /1001 entities; at most 1000/);

    const badId = await read(['c1', ''], ['orders_30d']);
    assert.equal(badId.body.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.match(badId.body.errors?.[0]?.message ?? '', /entityIds\[1\]/);
  });

  it('serves cached values until a write through the write store invalidates them', async () => {
    const value = async () => (((await read(['c4'], ['orders_30d'])).body.data as Answer).features[0]?.features[0]?.value ?? 'none') as unknown;
    await api.seed([{ customerId: 'c4', eventTime: Date.now() - HOUR, features: { orders_30d: 1 } }]);
    assert.equal(await value(), 1);
    // Written behind the cache's back (another process's job, say): the cached entry still answers.
    await api.seed([{ customerId: 'c4', eventTime: Date.now() - HOUR + 1, features: { orders_30d: 2 } }]);
    assert.equal(await value(), 1);
    // Written through the invalidating store (what in-process writers use): the next read sees it.
    await api.writeStore().writeBatch([{ entityKey: customerEntityKey('c4'), eventTime: Date.now(), features: { orders_30d: 5 } }]);
    assert.equal(await value(), 5);
    // Erasure invalidates too: nothing of the customer stays readable from the cache.
    await api.writeStore().deleteEntities([customerEntityKey('c4')]);
    assert.equal(((await read(['c4'], ['orders_30d'])).body.data as Answer).features[0]?.features[0]?.status, 'NOT_FOUND');
  });

  it('leaves the value types’ plain fields to GraphQL’s default resolver, which graphql-jit inlines', () => {
    const schema = api.app.get(GraphQLSchemaHost, { strict: false }).schema;
    const resolved = (typeName: string) =>
      Object.values((schema.getType(typeName) as GraphQLObjectType).getFields())
        .filter((field) => field.resolve !== undefined)
        .map((field) => field.name)
        .sort();
    // A NestJS upgrade renaming its property resolver would silently bring back a call per value.
    assert.deepEqual(resolved('FeatureValue'), []);
    assert.deepEqual(resolved('EntityFeatures'), [], 'its forms are getters, read as properties');
  });
});

import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { customerIdFor } from '../../src/identity/customer-id';
import { EmbeddedIdentityStore } from '../../src/identity/embedded/embedded-identity-store';
import { IncrementalStitcher } from '../../src/identity/incremental/incremental-stitcher';
import { CompiledRules, DEFAULT_RULES } from '../../src/identity/rules/identity-rules';
import { materializeSegments } from '../../src/segments/materialize/materialize-segments';
import { membershipRow } from '../../src/segments/online/online-memberships';
import { EmbeddedOnlineStore } from '../../src/store/embedded/embedded-online-store';
import { openSegments } from '../../src/segments/open-segments';
import { silentLogger } from '../../src/shared/logger.port';
import { ANALYST_KEY, RECSYS_KEY, SegmentsApp, SUPPORT_KEY } from './support/segments-app';
import { consentEvent, SegmentLake } from './support/segment-lake';

const DAY = '2026-03-10';
const CUSTOMERS = ['c1', 'c2', 'c3', 'c4', 'c5'];

const CREATE = `mutation($input: CreateSegmentInput!) { createSegment(input: $input) { id name version status createdBy definition } }`;

describe('segments over GraphQL', () => {
  const lake = new SegmentLake();
  let api: SegmentsApp;

  before(async () => {
    await lake.identities(CUSTOMERS.map((customer) => ({ type: 'user_id', value: `u-${customer}`, customer })));
    await lake.events(DAY, [consentEvent('k1', 'u-c5', '2026-03-01T00:00:00.000Z', false)]);
    await lake.features(DAY, CUSTOMERS.map((customer, index) => ({ customer, values: { orders_30d: index } })));
    api = await SegmentsApp.start(lake.root);
  });
  after(async () => {
    await api.close();
    await lake.close();
  });

  it('creates a segment from a definition given inline or as a variable, recording the key that did it', async () => {
    const inline = await api.graphql(`mutation { createSegment(input: { id: "buyers", name: "Buyers", definition: { feature: "orders_30d", op: "gte", value: 2 } }) { id version createdBy definition } }`);
    assert.deepEqual(inline.body, { data: { createSegment: { id: 'buyers', version: 1, createdBy: 'api-key:marketing', definition: { feature: 'orders_30d', op: 'gte', value: 2 } } } });
    const variable = await api.graphql(CREATE, { input: { id: 'heavy', name: 'Heavy buyers', description: 'four or more', definition: { all: [{ segment: 'buyers' }, { feature: 'orders_30d', op: 'gte', value: 4 }] } } });
    assert.equal((variable.body.data?.createSegment as { status: string }).status, 'active');
  });

  it('answers a bad definition with BAD_USER_INPUT, the reason and the path', async () => {
    const answer = await api.graphql(CREATE, { input: { name: 'Typo', definition: { all: [{ feature: 'ordrs_30d', op: 'gte', value: 2 }] } } });
    assert.equal(answer.status, 200);
    const [error] = answer.body.errors ?? [];
    assert.equal(error?.extensions?.code, 'BAD_USER_INPUT');
    assert.equal(error?.extensions?.reason, 'UNKNOWN_FEATURE');
    assert.equal(error?.extensions?.path, '$.all[0].feature');
    assert.match(error?.message ?? '', /did you mean orders_30d\?/);
    const unbounded = await api.graphql(CREATE, { input: { name: 'All views ever', definition: { event: 'Product Viewed' } } });
    assert.equal(unbounded.body.errors?.[0]?.extensions?.reason, 'UNBOUNDED_SCAN');
  });

  it('needs segments:write to change and segments:read to read', async () => {
    const denied = await api.graphql(CREATE, { input: { name: 'X', definition: { feature: 'orders_30d', op: 'exists' } } }, ANALYST_KEY);
    assert.equal(denied.body.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    const readable = await api.graphql(`{ segments { id } }`, {}, ANALYST_KEY);
    assert.deepEqual(readable.body.data, { segments: [{ id: 'buyers' }, { id: 'heavy' }] });
    const recsys = await api.graphql(`{ segments { id } }`, {}, RECSYS_KEY);
    assert.equal(recsys.body.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    assert.equal((await api.graphql(`{ segments { id } }`, {}, null)).status, 401);
  });

  it('previews the exact size with consent told apart', async () => {
    const answer = await api.graphql(`query($d: SegmentDefinition!) { segmentPreview(definition: $d, sample: 5) { date population matched excludedByConsent size sample consent } }`, {
      d: { feature: 'orders_30d', op: 'gte', value: 2 },
    });
    const preview = answer.body.data?.segmentPreview as { sample: string[] };
    assert.deepEqual({ ...preview, sample: [...preview.sample].sort() }, { date: DAY, population: 5, matched: 3, excludedByConsent: 1, size: 2, sample: ['c3', 'c4'], consent: 'clickstream' });
  });

  it('pages members of the daily snapshot and answers isMember', async () => {
    const opened = await openSegments(api.config, silentLogger);
    try {
      await materializeSegments({ date: DAY }, { engine: opened.engine, layout: opened.layout, store: opened.store, catalog: opened.catalog, logger: silentLogger });
    } finally {
      await opened.close();
    }
    const page = `query($after: String) { segmentMembers(id: "buyers", first: 1, after: $after) { date totalCount customerIds pageInfo { endCursor hasNextPage } } }`;
    const first = (await api.graphql(page, {}, ANALYST_KEY)).body.data?.segmentMembers as { customerIds: string[]; totalCount: number; pageInfo: { endCursor: string; hasNextPage: boolean } };
    assert.deepEqual([first.customerIds, first.totalCount, first.pageInfo.hasNextPage], [['c3'], 2, true]);
    const second = (await api.graphql(page, { after: first.pageInfo.endCursor }, ANALYST_KEY)).body.data?.segmentMembers as { customerIds: string[]; pageInfo: { hasNextPage: boolean } };
    assert.deepEqual([second.customerIds, second.pageInfo.hasNextPage], [['c4'], false]);
    const bad = await api.graphql(page, { after: '%%%' }, ANALYST_KEY);
    assert.equal(bad.body.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    const member = await api.graphql(`{ yes: isMember(segmentId: "buyers", customerId: "c4") { member } no: isMember(segmentId: "heavy", customerId: "c5") { member evaluatedAt } }`, {}, ANALYST_KEY);
    assert.deepEqual(member.body.data, { yes: { member: true }, no: { member: false, evaluatedAt: null } });
    const missing = await api.graphql(`{ isMember(segmentId: "ghost", customerId: "c4") { member } }`, {}, ANALYST_KEY);
    assert.equal(missing.body.errors?.[0]?.extensions?.code, 'NOT_FOUND');
  });

  it('updates with optimistic concurrency, keeps the history, and archives unless in use', async () => {
    const update = `mutation($v: Int) { updateSegment(id: "buyers", input: { description: "two or more orders", expectedVersion: $v }) { version description } }`;
    assert.deepEqual((await api.graphql(update, { v: 1 })).body.data, { updateSegment: { version: 2, description: 'two or more orders' } });
    assert.equal((await api.graphql(update, { v: 1 })).body.errors?.[0]?.extensions?.code, 'CONFLICT');
    const history = await api.graphql(`{ segment(id: "buyers") { history { version action actor before { description } after { description } } } }`, {}, ANALYST_KEY);
    assert.deepEqual(history.body.data, {
      segment: {
        history: [
          { version: 1, action: 'created', actor: 'api-key:marketing', before: null, after: { description: '' } },
          { version: 2, action: 'updated', actor: 'api-key:marketing', before: { description: '' }, after: { description: 'two or more orders' } },
        ],
      },
    });
    const inUse = await api.graphql(`mutation { archiveSegment(id: "buyers") { status } }`);
    assert.equal(inUse.body.errors?.[0]?.extensions?.reason, 'SEGMENT_IN_USE');
    assert.deepEqual((await api.graphql(`mutation { archiveSegment(id: "heavy") { status version } }`)).body.data, { archiveSegment: { status: 'archived', version: 2 } });
    assert.deepEqual((await api.graphql(`{ segments { id } all: segments(includeArchived: true) { id } }`, {}, ANALYST_KEY)).body.data, { segments: [{ id: 'buyers' }], all: [{ id: 'buyers' }, { id: 'heavy' }] });
  });

  it('shows a customer’s current segments on Customer.segments, with segments:read only', async () => {
    const ana = customerIdFor({ type: 'user_id', value: 'ana' }, DEFAULT_RULES.idSalt);
    const identities = await EmbeddedIdentityStore.open(path.join(api.config.storeDir, 'identity'));
    try {
      await new IncrementalStitcher(identities, new CompiledRules(api.config.identity)).stitch([{ source: 'orders', recordId: 'o-ana', time: Date.UTC(2026, 2, 1), identifiers: [{ type: 'user_id', value: 'ana' }] }]);
    } finally {
      await identities.close();
    }
    await api.graphql(CREATE, { input: { id: 'ana-fans', name: 'Ana fans', definition: { feature: 'orders_30d', op: 'gte', value: 0 } } });
    const store = await EmbeddedOnlineStore.open(api.config.storeDir);
    try {
      await store.writeBatch([membershipRow(ana, ['ana-fans', 'heavy', 'gone'], Date.now())]);
    } finally {
      await store.close();
    }
    const query = `query($ids: [ID!]!) { customers(ids: $ids) { customerId segments { id name } } }`;
    const answer = await api.graphql(query, { ids: [ana] });
    assert.equal(answer.body.errors, undefined, JSON.stringify(answer.body.errors));
    assert.deepEqual(answer.body.data, { customers: [{ customerId: ana, segments: [{ id: 'ana-fans', name: 'Ana fans' }] }] }, 'archived (heavy) and unknown (gone) segments are left out');
    const support = await api.graphql(query, { ids: [ana] }, SUPPORT_KEY);
    assert.equal(support.body.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    assert.match(support.body.errors?.[0]?.message ?? '', /Customer.segments needs the segments:read scope/);
  });
});

import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createServer } from '../../../src/app/server';
import { loadConfig } from '../../../src/config/load-config';
import { customerIdFor } from '../../../src/identity/customer-id';
import { EmbeddedIdentityStore } from '../../../src/identity/embedded/embedded-identity-store';
import type { Identifier } from '../../../src/identity/identifier';
import type { IdentityStore, MergeRecord } from '../../../src/identity/identity-store.port';
import { IDENTITY_STORE } from '../../../src/identity/api';
import { IncrementalStitcher } from '../../../src/identity/incremental/incremental-stitcher';
import { CompiledRules, DEFAULT_RULES } from '../../../src/identity/rules/identity-rules';
import { memoryLogger } from '../../support/memory-log';
import { postGraphql } from '../../support/post-graphql';

const ADMIN_KEY = 'admin-key-0123456789abcdef';
const SUPPORT_KEY = 'support-key-0123456789abcdef';
const PII_KEY = 'pii-key-0123456789abcdef0000';
const RECSYS_KEY = 'recsys-key-0123456789abcdef';

const T0 = Date.UTC(2025, 6, 1, 9);
const MINUTE = 60_000;
const salt = DEFAULT_RULES.idSalt;
const user = (value: string): Identifier => ({ type: 'user_id', value });
const anon = (value: string): Identifier => ({ type: 'anonymous_id', value });
const cid = (identifier: Identifier) => customerIdFor(identifier, salt);

type GraphqlBody = { data?: Record<string, unknown> | null; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };

describe('GraphQL customer profiles (identity)', () => {
  let app: NestFastifyApplication;
  let home: string;
  let merge: MergeRecord;
  let personalMerge: MergeRecord;
  let endpointMerge: MergeRecord;
  const log = memoryLogger();

  before(async () => {
    home = mkdtempSync(path.join(tmpdir(), 'c360-customer-api-'));
    const config = loadConfig({
      C360_HOME: home,
      C360_STREAM_CONSUME: 'false',
      C360_IDENTITY_TRAIT_IDS: 'member_id=insuranceMemberId',
      C360_API_KEYS: JSON.stringify([
        { name: 'ops', key: ADMIN_KEY, scopes: ['admin'] },
        { name: 'support', key: SUPPORT_KEY, scopes: ['profiles:read'] },
        { name: 'care', key: PII_KEY, scopes: ['profiles:read', 'pii:read'] },
        { name: 'recsys', key: RECSYS_KEY, scopes: ['features:read'] },
      ]),
    });
    // What the stream would have stitched: Jane browses anonymously, then logs in and orders.
    const seeded = await EmbeddedIdentityStore.open(path.join(config.storeDir, 'identity'));
    try {
      const stitcher = new IncrementalStitcher(seeded, new CompiledRules(config.identity), { now: () => T0 + 60 * MINUTE });
      await stitcher.stitch([{ source: 'orders', recordId: 'o-1', time: T0, identifiers: [user('jane'), { type: 'email', value: ' Jane.Doe@Example.com' }, { type: 'phone', value: '98765 43210' }] }]);
      await stitcher.stitch([{ source: 'clickstream', recordId: 'msg-1', time: T0 + MINUTE, identifiers: [anon('tab-1'), { type: 'device_id', value: 'ipad-7' }] }]);
      const [identify] = await stitcher.stitch([{ source: 'clickstream', recordId: 'msg-2', time: T0 + 2 * MINUTE, identifiers: [user('jane'), anon('tab-1')] }]);
      merge = identify!.merges[0]!;
      // Ravi orders as a guest (email and phone, no account), then signs up with that email: the
      // guest customer merges into his account through the email, holding the email and phone.
      await stitcher.stitch([{ source: 'clickstream', recordId: 'msg-r0', time: T0 - 5 * MINUTE, identifiers: [user('ravi')] }]);
      await stitcher.stitch([{ source: 'orders', recordId: 'o-r1', time: T0, identifiers: [{ type: 'email', value: 'ravi@example.in' }, { type: 'phone', value: '98111 22233' }] }]);
      const [signup] = await stitcher.stitch([{ source: 'clickstream', recordId: 'msg-r2', time: T0 + MINUTE, identifiers: [user('ravi'), { type: 'email', value: 'ravi@example.in' }] }]);
      personalMerge = signup!.merges[0]!;
      // Kiran's app called an API before processing named log records by file and line: the
      // record is named by its endpoint, whose path holds his number.
      await stitcher.stitch([{ source: 'clickstream', recordId: 'msg-k0', time: T0 - 5 * MINUTE, identifiers: [user('kiran')] }]);
      await stitcher.stitch([{ source: 'clickstream', recordId: 'msg-k1', time: T0, identifiers: [anon('kiran-app'), { type: 'device_id', value: 'pixel-9' }] }]);
      const [apiCall] = await stitcher.stitch([
        { source: 'api_logs', recordId: 'auth POST /v1/otp/9811100099/verify', time: T0 + MINUTE, identifiers: [user('kiran'), { type: 'device_id', value: 'pixel-9' }] },
      ]);
      endpointMerge = apiCall!.merges[0]!;
      // Meena's identify names her insurance member id: a type configured from a trait.
      await stitcher.stitch([{ source: 'clickstream', recordId: 'msg-m0', time: T0, identifiers: [user('meena'), { type: 'member_id', value: 'MBR-4411829' }] }]);
      for (let index = 0; index < 6; index++) await stitcher.stitch([{ source: 'clickstream', recordId: `other-${index}`, time: T0 + index, identifiers: [user(`other-${index}`)] }]);
    } finally {
      await seeded.close();
    }
    app = await createServer(config, log.logger);
  });
  after(async () => {
    await app.close();
    rmSync(home, { recursive: true, force: true });
  });

  async function graphql(query: string, key = SUPPORT_KEY, variables: Record<string, unknown> = {}): Promise<GraphqlBody> {
    return (await postGraphql(app, query, variables, key)).body;
  }
  const codeOf = (body: GraphqlBody) => body.errors?.[0]?.extensions?.code;

  /** Counts the identity store's customer reads while `work` runs (a spy on the server's own store). */
  async function customerReads(work: () => Promise<unknown>): Promise<number> {
    return (await storeReads(work)).customers;
  }

  /** Counts the identity store's customer reads and identifier lookups while `work` runs. */
  async function storeReads(work: () => Promise<unknown>): Promise<{ customers: number; lookups: number }> {
    const store = app.get<IdentityStore>(IDENTITY_STORE);
    const [customers, lookup] = [store.customers.bind(store), store.lookup.bind(store)];
    const calls = { customers: 0, lookups: 0 };
    store.customers = (ids) => {
      calls.customers += 1;
      return customers(ids);
    };
    store.lookup = (identifiers) => {
      calls.lookups += 1;
      return lookup(identifiers);
    };
    try {
      await work();
    } finally {
      store.customers = customers;
      store.lookup = lookup;
    }
    return calls;
  }

  const PROFILE = `customerId firstSeen mergedFrom identities { type value masked }
    mergeHistory { mergeId into from at via undoneAt cause { source recordId time link { type value masked } } identifiers { type value masked } }`;

  it('answers a customer with its identities, personal ones masked, and its merge history with the cause', async () => {
    const body = await graphql(`query($id: ID) { customer(id: $id) { ${PROFILE} } }`, SUPPORT_KEY, { id: cid(user('jane')) });
    assert.equal(body.errors, undefined);
    assert.deepEqual(body.data?.customer, {
      customerId: cid(user('jane')),
      firstSeen: new Date(T0).toISOString(),
      mergedFrom: [merge.from],
      identities: [
        { type: 'user_id', value: 'jane', masked: false },
        { type: 'email', value: 'j***@***.com', masked: true },
        { type: 'phone', value: '+**********10', masked: true },
        { type: 'device_id', value: 'ipad-7', masked: false },
        { type: 'anonymous_id', value: 'tab-1', masked: false },
      ],
      mergeHistory: [
        {
          mergeId: merge.mergeId,
          into: cid(user('jane')),
          from: cid({ type: 'device_id', value: 'ipad-7' }),
          at: new Date(T0 + 60 * MINUTE).toISOString(),
          via: 'stream',
          undoneAt: null,
          cause: { source: 'clickstream', recordId: 'msg-2', time: new Date(T0 + 2 * MINUTE).toISOString(), link: [{ type: 'user_id', value: 'jane', masked: false }, { type: 'anonymous_id', value: 'tab-1', masked: false }] },
          identifiers: [{ type: 'device_id', value: 'ipad-7', masked: false }, { type: 'anonymous_id', value: 'tab-1', masked: false }],
        },
      ],
    });
    const text = JSON.stringify(body);
    assert.ok(!text.includes('jane.doe@example.com') && !text.includes('9876543210'), 'no personal data without pii:read');
  });

  it('reveals emails and phones to a caller with pii:read, and finds a customer by them', async () => {
    const byId = await graphql(`query($id: ID) { customer(id: $id) { identities { type value masked } } }`, PII_KEY, { id: cid(user('jane')) });
    const identities = (byId.data?.customer as { identities: Array<{ type: string; value: string; masked: boolean }> }).identities;
    assert.deepEqual(identities.filter((identity) => identity.masked), []);
    assert.ok(identities.some((identity) => identity.type === 'email' && identity.value === 'jane.doe@example.com'));
    assert.ok(identities.some((identity) => identity.type === 'phone' && identity.value === '+919876543210'));
    // Looked up as a person types it: normalized first.
    const byEmail = await graphql(`{ customer(identifier: { type: "email", value: "  JANE.DOE@example.com" }) { customerId } }`, PII_KEY);
    assert.deepEqual(byEmail.data?.customer, { customerId: cid(user('jane')) });
    const byPhone = await graphql(`{ customer(identifier: { type: "phone", value: "+91 98765-43210" }) { customerId } }`, PII_KEY);
    assert.deepEqual(byPhone.data?.customer, { customerId: cid(user('jane')) });
  });

  it('masks emails and phones in merge history too: the link that caused it and what the merged customer held', async () => {
    const query = `query($id: ID) { customer(id: $id) { mergeHistory { mergeId cause { link { type value masked } } identifiers { type value masked } } } }`;
    const masked = await graphql(query, SUPPORT_KEY, { id: personalMerge.into });
    assert.equal(masked.errors, undefined);
    assert.deepEqual((masked.data?.customer as { mergeHistory: unknown[] }).mergeHistory, [
      {
        mergeId: personalMerge.mergeId,
        cause: { link: [{ type: 'user_id', value: 'ravi', masked: false }, { type: 'email', value: 'r***@***.in', masked: true }] },
        identifiers: [{ type: 'email', value: 'r***@***.in', masked: true }, { type: 'phone', value: '+**********33', masked: true }],
      },
    ]);
    const text = JSON.stringify(masked);
    assert.ok(!text.includes('ravi@example.in') && !text.includes('9811122233'), 'no personal data without pii:read');
    const revealed = await graphql(query, PII_KEY, { id: personalMerge.into });
    const history = (revealed.data?.customer as { mergeHistory: Array<{ identifiers: Array<{ value: string; masked: boolean }> }> }).mergeHistory;
    assert.deepEqual(history[0]?.identifiers, [{ type: 'email', value: 'ravi@example.in', masked: false }, { type: 'phone', value: '+919811122233', masked: false }]);
  });

  it('masks the path of an API-log record named by its endpoint in a merge cause without pii:read', async () => {
    const query = `query($id: ID) { customer(id: $id) { mergeHistory { cause { source recordId recordIdMasked } } } }`;
    const masked = await graphql(query, SUPPORT_KEY, { id: endpointMerge.into });
    assert.equal(masked.errors, undefined);
    assert.deepEqual((masked.data?.customer as { mergeHistory: unknown[] }).mergeHistory, [{ cause: { source: 'api_logs', recordId: 'auth POST ***', recordIdMasked: true } }]);
    assert.ok(!JSON.stringify(masked).includes('9811100099'));
    const revealed = await graphql(query, PII_KEY, { id: endpointMerge.into });
    assert.deepEqual((revealed.data?.customer as { mergeHistory: unknown[] }).mergeHistory, [
      { cause: { source: 'api_logs', recordId: 'auth POST /v1/otp/9811100099/verify', recordIdMasked: false } },
    ]);
    const other = await graphql(query, SUPPORT_KEY, { id: merge.into });
    assert.deepEqual((other.data?.customer as { mergeHistory: unknown[] }).mergeHistory, [{ cause: { source: 'clickstream', recordId: 'msg-2', recordIdMasked: false } }]);
  });

  it('finds a customer by a configured identifier type with pii:read, and masks its values without it', async () => {
    const query = `{ customer(identifier: { type: "member_id", value: " MBR-4411829 " }) { customerId identities { type value masked } } }`;
    assert.equal(codeOf(await graphql(query)), 'FORBIDDEN', 'a member id is personal: looking it up needs pii:read');
    const found = await graphql(query, PII_KEY);
    assert.equal(found.errors, undefined);
    assert.deepEqual(found.data?.customer, {
      customerId: cid(user('meena')),
      identities: [{ type: 'user_id', value: 'meena', masked: false }, { type: 'member_id', value: 'MBR-4411829', masked: false }],
    });
    const masked = await graphql(`query($id: ID) { customer(id: $id) { identities { type value masked } } }`, SUPPORT_KEY, { id: cid(user('meena')) });
    assert.deepEqual((masked.data?.customer as { identities: unknown[] }).identities, [{ type: 'user_id', value: 'meena', masked: false }, { type: 'member_id', value: '*********29', masked: true }]);
  });

  it('follows an id merged away to the customer it lives on in, and finds customers by other identifiers', async () => {
    const merged = await graphql(`query($id: ID) { customer(id: $id) { customerId } }`, SUPPORT_KEY, { id: merge.from });
    assert.deepEqual(merged.data?.customer, { customerId: cid(user('jane')) });
    const byDevice = await graphql(`{ customer(identifier: { type: "device_id", value: " ipad-7 " }) { customerId } }`);
    assert.deepEqual(byDevice.data?.customer, { customerId: cid(user('jane')) });
    assert.deepEqual((await graphql(`{ customer(identifier: { type: "user_id", value: "nobody" }) { customerId } }`)).data, { customer: null });
    assert.deepEqual((await graphql(`{ customer(id: "c_00000000000000000000") { customerId } }`)).data, { customer: null });
  });

  it('refuses an email or phone lookup without pii:read: whether someone is a customer is personal too', async () => {
    const body = await graphql(`{ customer(identifier: { type: "email", value: "jane.doe@example.com" }) { customerId } }`);
    assert.equal(codeOf(body), 'FORBIDDEN');
    assert.equal(body.data?.customer ?? null, null);
  });

  it('answers bad arguments with BAD_USER_INPUT, naming the argument and never echoing values', async () => {
    const cases: Array<[string, RegExp]> = [
      ['{ customer { customerId } }', /exactly one of id and identifier/],
      [`{ customer(id: "${cid(user('jane'))}", identifier: { type: "user_id", value: "jane" }) { customerId } }`, /exactly one/],
      ['{ customer(id: "jane") { customerId } }', /id\[0\]: a customer id is c_/],
      ['{ customer(identifier: { type: "E-mail", value: "x" }) { customerId } }', /identifier: type must be an identifier type/],
      ['{ customer(identifier: { type: "emial", value: "x" }) { customerId } }', /identifier: type must be one of user_id, email, phone, device_id, anonymous_id, member_id$/],
      ['{ customer(identifier: { type: "user_id", value: "" }) { customerId } }', /identifier: value must be 1 to 1024/],
      ['{ customer(identifier: { type: "user_id", value: " null " }) { customerId } }', /not a usable user_id/],
      ['{ customers(ids: ["c_00000000000000000000", "oops", 7]) { customerId } }', /ids\[1\], ids\[2\]/],
      [`{ customers(ids: [${Array.from({ length: 501 }, () => '"c_00000000000000000000"').join(',')}]) { customerId } }`, /at most 500/],
    ];
    for (const [query, message] of cases) {
      const body = await graphql(query);
      assert.equal(codeOf(body), 'BAD_USER_INPUT', query.slice(0, 80));
      assert.match(body.errors?.[0]?.message ?? '', message);
      assert.ok(!(body.errors?.[0]?.message ?? '').includes('oops'));
    }
  });

  it("answers values of the wrong type without echoing them, saying what is wrong and where", async () => {
    const secret = '9876543210';
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      [`{ customer(identifier: { type: "phone", value: ${secret} }) { customerId } }`, {}, /^String cannot represent a non string value\.$/],
      ['query ($v: String!) { customer(identifier: { type: "phone", value: $v }) { customerId } }', { v: Number(secret) }, /^Variable "\$v" got an invalid value; String cannot represent a non string value\.$/],
      ['query ($i: IdentifierInput!) { customer(identifier: $i) { customerId } }', { i: { type: 'phone', value: Number(secret) } }, /^Variable "\$i" got an invalid value at "i\.value"; String cannot represent a non string value\.$/],
      ['query ($i: IdentifierInput!) { customer(identifier: $i) { customerId } }', { i: { type: 'phone', value: 'x', extra: `${secret}@example.com` } }, /^Variable "\$i" got an invalid value; Field "extra" is not defined by type IdentifierInput\.$/],
      ['query ($ids: [ID!]!) { customers(ids: $ids) { customerId } }', { ids: [{ phone: secret }] }, /^Variable "\$ids" got an invalid value at "ids\[0\]"; ID cannot represent value\.$/],
      [`{ customers(ids: [{ phone: "${secret}" }]) { customerId } }`, {}, /^ID cannot represent a non-string and non-integer value\.$/],
    ];
    for (const [query, variables, message] of cases) {
      const body = await graphql(query, SUPPORT_KEY, variables);
      const error = body.errors?.[0];
      assert.ok(error?.extensions?.code, query);
      assert.match(error?.message ?? '', message, query);
      assert.ok(!JSON.stringify(body.errors).includes(secret), `${query}: ${JSON.stringify(body.errors)}`);
    }
  });

  it('needs profiles:read', async () => {
    const body = await graphql(`{ customers(ids: []) { customerId } }`, RECSYS_KEY);
    assert.equal(codeOf(body), 'FORBIDDEN');
  });

  it('batches every customer of a request into one store read (DataLoader), in the order asked', async () => {
    const ids = [0, 1, 2, 3, 4].map((index) => cid(user(`other-${index}`)));
    let body: GraphqlBody = {};
    const reads = await customerReads(async () => {
      body = await graphql(`query($ids: [ID!]!, $one: ID) { customers(ids: $ids) { customerId identities { value } } again: customer(id: $one) { customerId } }`, SUPPORT_KEY, {
        ids: [...ids, 'c_ffffffffffffffffffff', ids[0]],
        one: cid(user('other-5')),
      });
    });
    assert.equal(body.errors, undefined);
    assert.equal(reads, 1, 'one store call for seven ids and an aliased customer');
    const customers = body.data?.customers as Array<{ customerId: string; identities: Array<{ value: string }> } | null>;
    assert.deepEqual(customers.map((customer) => customer?.customerId ?? null), [...ids, null, ids[0]]);
    assert.deepEqual(customers[2]?.identities, [{ value: 'other-2' }]);
    assert.deepEqual(body.data?.again, { customerId: cid(user('other-5')) });
    // An id merged away costs one more read, for its survivor.
    const followed = await customerReads(() => graphql(`query($ids: [ID!]!) { customers(ids: $ids) { customerId } }`, SUPPORT_KEY, { ids: [merge.from, ...ids] }));
    assert.equal(followed, 2);
  });

  it('batches identifier lookups too: one lookup and one customer read for every identifier in a request', async () => {
    let body: GraphqlBody = {};
    const reads = await storeReads(async () => {
      body = await graphql(
        `{ a: customer(identifier: { type: "user_id", value: "other-1" }) { customerId }
           b: customer(identifier: { type: "user_id", value: "other-2" }) { customerId }
           c: customer(identifier: { type: "device_id", value: "ipad-7" }) { customerId }
           d: customer(identifier: { type: "user_id", value: "nobody" }) { customerId } }`,
      );
    });
    assert.equal(body.errors, undefined);
    assert.deepEqual(body.data, {
      a: { customerId: cid(user('other-1')) },
      b: { customerId: cid(user('other-2')) },
      c: { customerId: cid(user('jane')) },
      d: null,
    });
    assert.deepEqual(reads, { lookups: 1, customers: 1 });
  });

  it('un-merges with the admin scope only: identifiers go back, the history says so, and a second try conflicts', async () => {
    const mutation = `mutation($mergeId: ID!) { unmergeCustomers(mergeId: $mergeId) { mergeId restoredCustomerId survivorId restoredIdentifiers separationId survivorRetiredInto repointedCustomers } }`;
    assert.equal(codeOf(await graphql(mutation, PII_KEY, { mergeId: merge.mergeId })), 'FORBIDDEN');
    assert.equal(codeOf(await graphql(mutation, ADMIN_KEY, { mergeId: 'm_not-a-merge' })), 'BAD_USER_INPUT');
    assert.equal(codeOf(await graphql(mutation, ADMIN_KEY, { mergeId: 'm_00000000000000000000' })), 'NOT_FOUND');

    const body = await graphql(mutation, ADMIN_KEY, { mergeId: merge.mergeId });
    assert.equal(body.errors, undefined);
    const result = body.data?.unmergeCustomers as Record<string, unknown>;
    assert.deepEqual({ ...result, separationId: 'x' }, { mergeId: merge.mergeId, restoredCustomerId: merge.from, survivorId: merge.into, restoredIdentifiers: 2, separationId: 'x', survivorRetiredInto: null, repointedCustomers: [] });

    const restored = await graphql(`query($id: ID) { customer(id: $id) { customerId identities { value } mergeHistory { mergeId undoneAt } } }`, SUPPORT_KEY, { id: merge.from });
    assert.deepEqual((restored.data?.customer as { customerId: string }).customerId, merge.from);
    assert.deepEqual((restored.data?.customer as { identities: unknown[] }).identities, [{ value: 'ipad-7' }, { value: 'tab-1' }]);
    const history = (restored.data?.customer as { mergeHistory: Array<{ mergeId: string; undoneAt: string | null }> }).mergeHistory;
    assert.equal(history.length, 1);
    assert.equal(typeof history[0]?.undoneAt, 'string');
    const jane = await graphql(`query($id: ID) { customer(id: $id) { mergedFrom identities { type } } }`, SUPPORT_KEY, { id: merge.into });
    assert.deepEqual(jane.data?.customer, { mergedFrom: [], identities: [{ type: 'user_id' }, { type: 'email' }, { type: 'phone' }] });

    assert.equal(codeOf(await graphql(mutation, ADMIN_KEY, { mergeId: merge.mergeId })), 'CONFLICT');
    const line = log.lines().find((entry) => entry.includes('identity: customers un-merged'));
    assert.ok(line?.includes('"key":"ops"'));
  });
});

import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { IdentityAudit } from '../../../src/identity/audit/identity-audit';
import type { StitchSummary } from '../../../src/identity/batch/stitch-lake';
import { RecordLake } from '../support/record-lake';
import { jsonLines, runCli } from '../../support/run-cli';

/** The compiled CLI entry beside this compiled test (scripts/test.mjs compiles both). */

interface Exported {
  customerId: string;
  identities: Array<{ type: string; value: string }>;
  mergedFrom: string[];
}

// Personal data of the fixture: it may appear on stdout only with --reveal-pii, and on stderr never.
const PHONE_A = '9811111111';
const EMAIL_A = 'a@example.com';

describe('c360 identity', () => {
  const lake = new RecordLake();
  let home: string;

  function c360(...args: string[]) {
    const run = runCli(args, { C360_HOME: home, C360_LAKE: lake.root, C360_LOG_LEVEL: 'info' });
    assert.ok(!run.stderr.includes(PHONE_A) && !run.stderr.includes(EMAIL_A), `personal data on stderr: ${run.stderr}`);
    return run;
  }
  const lines = (stdout: string): Exported[] => jsonLines<Exported>(stdout);

  let anonymousCustomer: string;

  before(async () => {
    home = mkdtempSync(path.join(os.tmpdir(), 'c360-identity-cli-'));
    lake
      .orders(
        { id: 'OD1', userId: 'u_a', phone: PHONE_A, email: EMAIL_A, at: '2026-03-01T08:00:00Z' },
        { id: 'OD2', userId: 'u_b', phone: '9822222222', email: 'b@example.com', at: '2026-03-01T08:00:00Z' },
        { id: 'OD3', userId: 'u_c', phone: '0', email: 'test@test.com', at: '2026-03-01T08:00:00Z' },
      )
      .events(
        { at: '2026-03-01T10:00:00Z', type: 'screen', anonymousId: 'anon-1', deviceId: 'dev-1' },
        { at: '2026-03-01T11:00:00Z', userId: 'null', anonymousId: 'anon-2', deviceId: 'dev-2' },
      );
    await lake.process();
    const first = c360('identity', 'stitch');
    assert.equal(first.status, 0, first.stderr);
    const resolved = c360('identity', 'resolve', '--type', 'device_id', '--value', 'dev-1');
    assert.equal(resolved.status, 0, resolved.stderr);
    anonymousCustomer = (JSON.parse(resolved.stdout) as Exported).customerId;

    // The next day: the anonymous visitor logs in as u_a, and a family tablet is used by u_a, then u_b.
    lake.events(
      { at: '2026-03-02T09:00:00Z', type: 'identify', userId: 'u_a', anonymousId: 'anon-1', deviceId: 'dev-1' },
      { at: '2026-03-02T10:00:00Z', userId: 'u_a', anonymousId: 'anon-tab', deviceId: 'tablet' },
      { at: '2026-03-02T11:00:00Z', userId: 'u_b', anonymousId: 'anon-tab', deviceId: 'tablet' },
    );
    await lake.process();
  });
  after(async () => {
    await lake.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('stitch prints a summary, keeps ids and records the day\u2019s merge', () => {
    const run = c360('identity', 'stitch');
    assert.equal(run.status, 0, run.stderr);
    const summary = JSON.parse(run.stdout) as StitchSummary;
    assert.equal(summary.mergedCustomers, 1);
    assert.equal(summary.newCustomers, 0, 'the tablet joins u_a; nothing new is seeded');
    assert.deepEqual(summary.refusedLinks.capped, { user_id: 2 });
    assert.equal(summary.store?.merges, 1);
    assert.match(run.stderr, /identity\.stitch: done/);
  });

  it('resolve normalizes the value, follows merges and masks phones and emails unless asked', () => {
    const masked = c360('identity', 'resolve', '--type', 'phone', '--value', '+91 98111-11111');
    assert.equal(masked.status, 0, masked.stderr);
    const customer = JSON.parse(masked.stdout) as Exported;
    assert.deepEqual(customer.mergedFrom, [anonymousCustomer]);
    assert.deepEqual(customer.identities, [
      { type: 'user_id', value: 'u_a' },
      { type: 'email', value: 'a***@***.com' },
      { type: 'phone', value: '+**********11' },
      { type: 'device_id', value: 'dev-1' },
      { type: 'device_id', value: 'tablet' },
      { type: 'anonymous_id', value: 'anon-1' },
      { type: 'anonymous_id', value: 'anon-tab' },
    ]);
    assert.equal((JSON.parse(c360('identity', 'resolve', '--type', 'device_id', '--value', 'dev-1').stdout) as Exported).customerId, customer.customerId);

    const revealed = JSON.parse(c360('identity', 'resolve', '--type', 'email', '--value', ' A@Example.com', '--reveal-pii').stdout) as Exported;
    assert.equal(revealed.customerId, customer.customerId);
    assert.deepEqual(revealed.identities.slice(1, 3), [{ type: 'email', value: EMAIL_A }, { type: 'phone', value: `+91${PHONE_A}` }]);
  });

  it('resolve says why it found nothing, without repeating the value', () => {
    const unknown = c360('identity', 'resolve', '--type', 'phone', '--value', '9833333333');
    assert.equal(unknown.status, 1);
    assert.equal(unknown.stdout, '');
    assert.match(unknown.stderr, /no customer holds this phone/);
    assert.ok(!unknown.stderr.includes('9833333333'));
    const junk = c360('identity', 'resolve', '--type', 'user_id', '--value', 'null');
    assert.equal(junk.status, 1);
    assert.match(junk.stderr, /not a usable user_id/);
    assert.match(c360('identity', 'resolve', '--type', 'Phone!', '--value', 'x').stderr, /--type must be/);
    const typo = c360('identity', 'resolve', '--type', 'emial', '--value', 'a@example.com');
    assert.equal(typo.status, 1);
    assert.match(typo.stderr, /--type must be one of user_id, email, phone, device_id, anonymous_id/);
  });

  it('export prints one line per customer, merged ones only in their survivor\u2019s mergedFrom', () => {
    const run = c360('identity', 'export');
    assert.equal(run.status, 0, run.stderr);
    const customers = lines(run.stdout);
    for (const customer of customers) assert.deepEqual(Object.keys(customer), ['customerId', 'identities', 'mergedFrom']);
    assert.ok(!run.stdout.includes(PHONE_A) && !run.stdout.includes(EMAIL_A), 'masked by default');
    assert.ok(!customers.some((customer) => customer.customerId === anonymousCustomer));
    const a = customers.find((customer) => customer.identities.some((id) => id.type === 'user_id' && id.value === 'u_a'));
    assert.deepEqual(a?.mergedFrom, [anonymousCustomer]);
    // u_a (with dev-1 and the tablet), u_b, u_c, and the visitor whose account id was junk (dev-2, anon-2).
    assert.equal(customers.length, 4);
    assert.deepEqual(customers.find((customer) => customer.identities.some((id) => id.value === 'dev-2'))?.identities, [
      { type: 'device_id', value: 'dev-2' },
      { type: 'anonymous_id', value: 'anon-2' },
    ]);
    assert.deepEqual(customers.find((customer) => customer.identities.some((id) => id.value === 'u_c'))?.identities, [{ type: 'user_id', value: 'u_c' }], 'junk contact details join nothing');

    const revealed = c360('identity', 'export', '--reveal-pii');
    assert.ok(lines(revealed.stdout).some((customer) => customer.identities.some((id) => id.value === EMAIL_A)));
  });

  it('audit reports sizes, the largest customers, refused links and blocked values', () => {
    const run = c360('identity', 'audit', '--top', '3');
    assert.equal(run.status, 0, run.stderr);
    const audit = JSON.parse(run.stdout) as IdentityAudit;
    assert.equal(audit.summary.customers, 4);
    assert.equal(audit.summary.identifiers, 13);
    assert.equal(audit.summary.singletons, 1);
    assert.equal(audit.summary.largest, 7);
    assert.deepEqual(audit.summary.edgesByStatus['capped:user_id'], 2);
    assert.deepEqual(audit.largestCustomers[0].byType, { anonymous_id: 2, device_id: 2, email: 1, phone: 1, user_id: 1 });
    assert.equal(audit.largestCustomers.length, 3);
    assert.deepEqual(audit.sizes, [
      { identifiers: '1', customers: 1 },
      { identifiers: '2', customers: 1 },
      { identifiers: '3', customers: 1 },
      { identifiers: '5-9', customers: 1 },
    ]);
    assert.equal(audit.mostConnected[0].value, 'u_a');
    const tablet = audit.refused.find((identifier) => identifier.value === 'tablet' || identifier.value === 'anon-tab');
    assert.deepEqual(tablet?.statuses, ['capped:user_id']);
    assert.ok(audit.refused.some((identifier) => identifier.value === 'u_b'));
    assert.equal(audit.blocked.byReason.blocklist.occurrences, 3);
    assert.deepEqual(
      audit.blocked.top.map((value) => `${value.type} ${value.value}`),
      ['email t***@***.com', 'phone *', 'user_id null'],
    );
    assert.ok(c360('identity', 'audit', '--reveal-pii').stdout.includes('test@test.com'));
  });

  it('every subcommand explains itself with --help', () => {
    assert.match(c360('identity', '--help').stdout, /stitch[\s\S]*resolve[\s\S]*export[\s\S]*audit/);
    assert.match(c360('identity', 'stitch', '--help').stdout, /identity_map/);
    assert.match(c360('identity', 'resolve', '--help').stdout, /--type <type>[\s\S]*--value <value>[\s\S]*--reveal-pii/);
    assert.match(c360('identity', 'export', '--help').stdout, /mergedFrom/);
    assert.match(c360('identity', 'audit', '--help').stdout, /--top <n>/);
  });
});

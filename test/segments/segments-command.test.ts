import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { adEmail, adPhone, sha256Hex } from '../../src/segments/export/ad-identifiers';
import { consentEvent, SegmentLake } from './support/segment-lake';
import { jsonLines, runCli } from '../support/run-cli';

/** The compiled CLI entry beside this compiled test (scripts/test.mjs compiles both). */
const DAY = '2026-03-10';
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

describe('ad-platform identifiers', () => {
  it('hashes with SHA-256 as lower-case hex', () => {
    assert.equal(sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('normalizes emails: trimmed, lower case; for Google, gmail local parts without dots', () => {
    assert.equal(adEmail('  John.Doe@GMail.com ', 'google'), 'johndoe@gmail.com');
    assert.equal(adEmail('  John.Doe@GMail.com ', 'meta'), 'john.doe@gmail.com');
    assert.equal(adEmail('a.b@example.in', 'google'), 'a.b@example.in');
    assert.equal(adEmail('test@test.com', 'google'), null, 'junk never leaves');
  });

  it('normalizes phones: E.164 with + for Google, digits only for Meta', () => {
    assert.equal(adPhone('098765 43210', 'google'), '+919876543210');
    assert.equal(adPhone('+91 98765-43210', 'meta'), '919876543210');
    assert.equal(adPhone('0000000000', 'google'), null);
  });
});

describe('c360 segments', () => {
  const lake = new SegmentLake();
  let home: string;

  before(async () => {
    home = mkdtempSync(path.join(os.tmpdir(), 'c360-segments-cli-'));
    await lake.identities([
      { type: 'user_id', value: 'u1', customer: 'c1' },
      { type: 'email', value: 'john.doe@gmail.com', customer: 'c1' },
      { type: 'phone', value: '+919876543210', customer: 'c1' },
      { type: 'email', value: 'jd@work.in', customer: 'c1' },
      { type: 'user_id', value: 'u2', customer: 'c2' },
      { type: 'phone', value: '+919812345678', customer: 'c2' },
      { type: 'user_id', value: 'u3', customer: 'c3' },
      { type: 'user_id', value: 'u4', customer: 'c4' },
      { type: 'email', value: 'out@example.com', customer: 'c4' },
    ]);
    await lake.events(DAY, [consentEvent('k1', 'u4', '2026-03-02T00:00:00.000Z', false)]);
    await lake.features(DAY, [
      { customer: 'c1', values: { orders_30d: 3, pharmacy_orders_30d: 1 } },
      { customer: 'c2', values: { orders_30d: 2 } },
      { customer: 'c3', values: { orders_30d: 5 } },
      { customer: 'c4', values: { orders_30d: 9 } },
    ]);
  });
  after(async () => {
    await lake.close();
    rmSync(home, { recursive: true, force: true });
  });

  const c360 = (...args: string[]) => runCli(args, { C360_HOME: home, C360_LAKE: lake.root });
  const lines = (stdout: string): unknown[] => jsonLines(stdout);

  it('creates segments from inline JSON or a file, and refuses a bad one naming the problem', () => {
    const file = path.join(home, 'buyers.json');
    writeFileSync(file, JSON.stringify({ feature: 'orders_30d', op: 'gte', value: 2 }));
    const created = c360('segments', 'create', '--id', 'buyers', '--name', 'Buyers', '--definition', `@${file}`, '--actor', 'ana');
    assert.equal(created.status, 0, created.stderr);
    assert.deepEqual((JSON.parse(created.stdout) as { id: string; version: number; createdBy: string }).createdBy, 'ana');
    assert.equal(c360('segments', 'create', '--id', 'pharmacy', '--name', 'Pharmacy buyers', '--definition', '{"feature":"pharmacy_orders_30d","op":"gte","value":1}').status, 0);
    const bad = c360('segments', 'create', '--name', 'Bad', '--definition', '{"all":[{"feature":"orders_30d","op":"gte","value":"2"}]}');
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /\$\.all\[0\]\.value: feature orders_30d is int; "2" is text, expected a number/);
    const notJson = c360('segments', 'create', '--name', 'Bad', '--definition', '{all');
    assert.notEqual(notJson.status, 0);
    assert.match(notJson.stderr, /--definition must be JSON/);
  });

  it('previews a definition or a stored segment', () => {
    const preview = c360('segments', 'preview', '--id', 'buyers', '--sample', '0');
    assert.equal(preview.status, 0, preview.stderr);
    assert.deepEqual(JSON.parse(preview.stdout), { date: DAY, population: 4, matched: 4, excludedByConsent: 1, size: 3, sample: [], consent: 'clickstream', events: 'joined', ms: (JSON.parse(preview.stdout) as { ms: number }).ms });
    const adHoc = c360('segments', 'preview', '--definition', '{"feature":"orders_30d","op":"gt","value":4}', '--date', DAY);
    assert.equal((JSON.parse(adHoc.stdout) as { size: number; sample: string[] }).size, 1);
    assert.match(c360('segments', 'preview').stderr, /give either --definition or --id/);
  });

  it('materializes, then exports hashed identifiers as CSV or JSON lines, and prints the change feed', () => {
    const run = c360('segments', 'materialize', '--date', DAY);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual((JSON.parse(run.stdout) as { segments: Array<{ id: string; members: number }> }).segments.map((s) => [s.id, s.members]), [['buyers', 3], ['pharmacy', 1]]);
    const csv = c360('segments', 'export', '--id', 'buyers');
    const emails = [sha('jd@work.in'), sha('johndoe@gmail.com')].sort();
    assert.equal(csv.status, 0, csv.stderr);
    assert.deepEqual(csv.stdout.trim().split('\n'), [
      'customer_id,email_sha256,phone_sha256',
      // Hashes sorted, then emails and phones paired in that order.
      `c1,${emails[0]},${sha('+919876543210')}`,
      `c1,${emails[1]},`,
      `c2,,${sha('+919812345678')}`,
    ]);
    assert.ok(!csv.stdout.includes('@') && !csv.stdout.includes('98765'), 'no plain identifier leaves');
    const meta = c360('segments', 'export', '--id', 'buyers', '--format', 'jsonl', '--platform', 'meta');
    assert.deepEqual(lines(meta.stdout), [
      { customerId: 'c1', emailSha256: [sha('jd@work.in'), sha('john.doe@gmail.com')].sort(), phoneSha256: [sha('919876543210')] },
      { customerId: 'c2', emailSha256: [], phoneSha256: [sha('919812345678')] },
    ]);
    const changes = c360('segments', 'changes', '--from', DAY, '--to', DAY, '--id', 'pharmacy');
    assert.deepEqual(
      lines(changes.stdout).map((change) => ({ ...(change as object), detectedAt: undefined })),
      [{ segmentId: 'pharmacy', segmentVersion: 1, customerId: 'c1', change: 'entered', at: '2026-03-10T23:59:59.999Z', detectedAt: undefined }],
    );
  });

  it('refuses to export a health-based audience unless allowed, and says why', () => {
    const refused = c360('segments', 'export', '--id', 'pharmacy');
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /selects on health features \(pharmacy_orders_30d\); ad platforms forbid health-based targeting/);
    const allowed = c360('segments', 'export', '--id', 'pharmacy', '--allow-health', '--format', 'jsonl');
    assert.equal(lines(allowed.stdout).length, 1);
  });

  it('updates and archives with an audit trail, and every subcommand has --help', () => {
    assert.equal(c360('segments', 'update', '--id', 'buyers', '--description', 'two or more', '--expected-version', '1', '--actor', 'raj').status, 0);
    const stale = c360('segments', 'update', '--id', 'buyers', '--description', 'lost', '--expected-version', '1');
    assert.match(stale.stderr, /at version 2, not 1/);
    assert.equal(c360('segments', 'archive', '--id', 'pharmacy', '--actor', 'lee').status, 0);
    const shown = JSON.parse(c360('segments', 'show', '--id', 'buyers').stdout) as { history: Array<{ actor: string; action: string }> };
    assert.deepEqual(shown.history.map((entry) => [entry.action, entry.actor]), [['created', 'ana'], ['updated', 'raj']]);
    assert.deepEqual((JSON.parse(c360('segments', 'list').stdout) as Array<{ id: string }>).map((s) => s.id), ['buyers']);
    for (const sub of ['list', 'show', 'create', 'update', 'archive', 'preview', 'materialize', 'export', 'changes']) {
      const help = c360('segments', sub, '--help');
      assert.equal(help.status, 0, sub);
      assert.match(help.stdout, /Usage: c360 segments/);
    }
  });
});

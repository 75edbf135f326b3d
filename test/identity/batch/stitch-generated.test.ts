import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { stitchLake, type StitchSummary } from '../../../src/identity/batch/stitch-lake';
import { identifierKey, parseIdentifierKey } from '../../../src/identity/identifier';
import { normalizeIdentifier } from '../../../src/identity/identifier-normalization';
import { DEFAULT_RULES } from '../../../src/identity/rules/identity-rules';
import { JUNK_IDENTIFIERS } from '../../../src/lake/generator/dirt';
import { lakeRelation } from '../../../src/lake/lake-relation';
import type { LogFields, Logger } from '../../../src/shared/logger.port';
import { generatedLake, type GeneratedLake } from '../support/generated-lake';
import type { GeneratedTruth } from '../support/generated-truth';
import { readIdentityMap, readIdentityTable, type IdentityMap } from '../support/identity-zone';

/** The people whose identifiers a customer holds (tablet identifiers count for none: they are shared). */
function peopleIn(truth: GeneratedTruth, members: readonly string[]): Set<number> {
  const people = new Set<number>();
  for (const key of members) {
    const owner = truth.ownerOf.get(key);
    if (owner !== undefined) people.add(owner);
  }
  return people;
}

/** Customers holding identifiers of more than one person: wrong merges. */
function mixedCustomers(truth: GeneratedTruth, map: IdentityMap): string[] {
  return [...map.members].filter(([, members]) => peopleIn(truth, members).size > 1).map(([customer]) => customer);
}

describe('batch stitching of a generated lake (shared tablets, junk ids, anonymous → logged-in journeys)', () => {
  let lake: GeneratedLake;
  let truth: GeneratedTruth;
  let summary: StitchSummary;
  let map: IdentityMap;
  /** Distinct (type, value, user_id) of every event that names an account with a device or an anonymous id, normalized. */
  let loggedIn: Array<{ key: string; user: string }>;
  /** Each device's first account to log in on it, as an identifier key. */
  let firstLogin: Map<string, string>;
  const logged: Array<{ message: string; fields?: LogFields }> = [];
  const logger: Logger = { info: (message, fields) => void logged.push({ message, fields }), warn: () => undefined, error: () => undefined };

  before(async () => {
    lake = await generatedLake({ users: 2000, days: 14 });
    truth = lake.truth();
    summary = await stitchLake(lake.engine, lake.layout, { logger });
    map = await readIdentityMap(lake.engine, lake.layout);
    const rows = await lake.engine.query(
      `SELECT DISTINCT id_type, id_value, user_id FROM (
         SELECT 'device_id' AS id_type, device_id AS id_value, user_id FROM ${lakeRelation(lake.engine, lake.layout, 'processed', 'clickstream')}
         UNION ALL SELECT 'anonymous_id', anonymous_id, user_id FROM ${lakeRelation(lake.engine, lake.layout, 'processed', 'clickstream')}
       ) WHERE user_id IS NOT NULL AND id_value IS NOT NULL`,
    );
    const logins = await lake.engine.query(
      `SELECT device_id, user_id, min(event_time) AS first_at FROM ${lakeRelation(lake.engine, lake.layout, 'processed', 'clickstream')}
       WHERE user_id IS NOT NULL AND device_id IS NOT NULL GROUP BY 1, 2 ORDER BY first_at DESC`,
    );
    firstLogin = new Map();
    for (const row of logins) {
      const user = normalizeIdentifier('user_id', String(row.user_id));
      if (user !== null) firstLogin.set(String(row.device_id), identifierKey({ type: 'user_id', value: user }));
    }
    loggedIn = rows.flatMap((row) => {
      const type = String(row.id_type);
      const value = normalizeIdentifier(type, String(row.id_value));
      const user = normalizeIdentifier('user_id', String(row.user_id));
      return value === null || user === null ? [] : [{ key: identifierKey({ type, value }), user: identifierKey({ type: 'user_id', value: user }) }];
    });
  });
  after(() => lake.close());

  it('stitches the lake into customers and says what it refused', () => {
    assert.ok(summary.records > 1000 && summary.edges > 1000, JSON.stringify(summary));
    assert.equal(summary.customers, map.members.size);
    assert.ok(summary.customers < summary.identifiers, 'identifiers seen together become one customer');
    assert.ok((summary.refusedLinks.capped.user_id ?? 0) > 0, 'the family tablets try to merge accounts, and are refused');
    assert.ok(summary.blockedValues > 0);
  });

  it('logs each phase as it ends, with its time, and never an identifier', () => {
    const phases = logged.filter((line) => line.message === 'identity.stitch: phase done');
    assert.deepEqual(
      phases.map((line) => line.fields?.phase),
      Object.keys(summary.ms),
    );
    for (const line of phases) assert.equal(line.fields?.ms, summary.ms[String(line.fields?.phase)]);
    const values = new Set([...map.members.values()].flat().map((key) => parseIdentifierKey(key).value));
    for (const line of logged) for (const field of Object.values(line.fields ?? {})) assert.ok(!values.has(String(field)), `${line.message} logs an identifier`);
  });

  it('never merges two accounts, not even the 2–3 accounts that share a family tablet', () => {
    for (const [customer, members] of map.members) {
      assert.ok(members.filter((key) => key.startsWith('user_id:')).length <= 1, `${customer} holds two accounts`);
    }
    let sharedTablets = 0;
    for (const [tablet, family] of truth.tablets) {
      const accounts = family.map((index) => truth.people[index].userId).filter((user): user is string => user !== undefined);
      const usedBy = new Set(loggedIn.filter((pair) => pair.key === identifierKey({ type: 'device_id', value: tablet })).map((pair) => pair.user));
      if (usedBy.size < 2) continue;
      sharedTablets++;
      const customers = accounts.map((user) => map.customerOf.get(identifierKey({ type: 'user_id', value: user })));
      assert.equal(new Set(customers).size, accounts.length, `the accounts sharing tablet ${tablet} are ${accounts.length} customers`);
      // The tablet itself joins one of them (the first to log in), never a customer of its own making.
      const tabletCustomer = map.customerOf.get(identifierKey({ type: 'device_id', value: tablet }));
      assert.ok(tabletCustomer !== undefined && customers.includes(tabletCustomer), `tablet ${tablet} joins one of its accounts`);
      assert.equal(tabletCustomer, map.customerOf.get(firstLogin.get(tablet) ?? ''), `tablet ${tablet} joins the first account to log in on it`);
    }
    assert.ok(sharedTablets >= 2, `the lake has tablets used by several accounts (found ${sharedTablets})`);
  });

  it('puts every device and app install that logged into an account with that account, unless it is shared', () => {
    let checked = 0;
    for (const { key, user } of loggedIn) {
      if (truth.sharedBy.has(key)) continue;
      const owner = truth.ownerOf.get(key);
      assert.equal(owner, truth.ownerOf.get(user), `${key} logged in only as its owner`);
      assert.equal(map.customerOf.get(key), map.customerOf.get(user), `${key} joins ${user}`);
      checked++;
    }
    assert.ok(checked > 500, `checked ${checked} logged-in devices and installs`);
  });

  it('never gives one customer the identifiers of two people, and never a person\u2019s phone or email to someone else', () => {
    assert.deepEqual(mixedCustomers(truth, map), []);
    for (const [customer, members] of map.members) {
      const people = peopleIn(truth, members);
      for (const key of members.filter((member) => truth.sharedBy.has(member))) {
        if (people.size === 1) assert.ok(truth.sharedBy.get(key)?.includes([...people][0]), `${customer}: ${key} is a tablet of its family`);
      }
    }
  });

  it('turns junk placeholders into no identifier at all, and without the blocklist the same lake would merge people through them', async () => {
    const blocked = await readIdentityTable(lake.engine, lake.layout, 'identity_blocked', `reason = 'blocklist'`);
    const blockedValues = new Set(blocked.map((row) => String(row.raw_value)));
    for (const junk of ['null', 'undefined', '00000000-0000-0000-0000-000000000000', 'test@test.com']) {
      assert.ok(blockedValues.has(junk), `${junk} appears in the lake and is blocked`);
    }
    for (const key of map.customerOf.keys()) {
      const { type, value } = parseIdentifierKey(key);
      assert.ok(!JUNK_IDENTIFIERS.includes(value.toLowerCase()), `${type} ${value} is junk and must not be an identifier`);
    }

    const unprotected = await stitchLake(lake.engine, lake.layout, { rules: { ...DEFAULT_RULES, blocklist: { values: [], patterns: [] } } });
    const merged = mixedCustomers(truth, await readIdentityMap(lake.engine, lake.layout));
    assert.ok(merged.length > 0, `junk ids link different people when nothing blocks them (${JSON.stringify(unprotected.refusedLinks)})`);
    await stitchLake(lake.engine, lake.layout);
  });
});

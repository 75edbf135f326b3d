import { strict as assert } from 'node:assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from '../../src/config/config.error';
import { DEV_API_KEY, loadConfig, readEnvironment, sha256 } from '../../src/config/load-config';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, 'a bad configuration throws ConfigError');
    return error.problems.map((p) => p.variable);
  }
  assert.fail('configuration was accepted');
}

const validKeys = JSON.stringify([{ name: 'recsys', key: 'k'.repeat(24), scopes: ['features:read'] }]);

describe('configuration', () => {
  it('defaults to the embedded profile with embedded adapters under ./data', () => {
    const config = loadConfig({});
    assert.equal(config.profile, 'embedded');
    assert.deepEqual(config.adapters, { lake: 'duckdb', store: 'embedded', bus: 'embedded', cache: 'memory' });
    assert.equal(config.lakeRoot, path.resolve('data/lake'));
    assert.equal(config.storeDir, path.resolve('data/store'));
    assert.equal(config.http.port, 3000);
  });

  it('gives the embedded profile a development key without pii:read when no keys are configured', () => {
    const config = loadConfig({});
    assert.equal(config.usingDevKey, true);
    assert.equal(config.apiKeys[0]?.sha256, sha256(DEV_API_KEY));
    assert.ok(!config.apiKeys[0]?.scopes.includes('pii:read'));
  });

  it('moves every adapter to the production engines in the production profile', () => {
    const config = loadConfig({ C360_PROFILE: 'production', C360_API_KEYS: validKeys, C360_ATHENA_OUTPUT_LOCATION: 's3://results/c360/', C360_IDENTITY_ID_SALT: 'a-secret-salt-of-24-chars' });
    assert.deepEqual(config.adapters, { lake: 'athena', store: 'cassandra', bus: 'kafka', cache: 'redis' });
    assert.equal(config.usingDevKey, false);
  });

  it('lets one adapter be overridden on its own', () => {
    const config = loadConfig({ C360_ONLINE_STORE: 'cassandra', C360_CASSANDRA_CONTACT_POINTS: '10.0.0.1:9042,10.0.0.2' });
    assert.equal(config.adapters.store, 'cassandra');
    assert.equal(config.adapters.lake, 'duckdb');
    assert.deepEqual(config.cassandra.contactPoints, ['10.0.0.1:9042', '10.0.0.2']);
  });

  it('names the variable and what it expects when a value is bad', () => {
    try {
      loadConfig({ C360_PORT: 'eighty' });
      assert.fail('accepted a non-numeric port');
    } catch (error) {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /C360_PORT: must be an integer between 1 and 65535 \(got "eighty"\)/);
    }
  });

  it("gives identity stitching DuckDB's memory limit of 2000MB, or the engine-wide one when smaller, unless set", () => {
    assert.deepEqual(loadConfig({}).duckdb, { memoryLimit: '4GB', threads: 2, identityStitchMemoryLimit: '2000MB' });
    assert.equal(loadConfig({ C360_DUCKDB_MEMORY_LIMIT: '1500MiB' }).duckdb.identityStitchMemoryLimit, '1500MiB');
    assert.equal(loadConfig({ C360_DUCKDB_MEMORY_LIMIT: '16GB' }).duckdb.identityStitchMemoryLimit, '2000MB');
    assert.equal(loadConfig({ C360_IDENTITY_STITCH_MEMORY_LIMIT: '8GB' }).duckdb.identityStitchMemoryLimit, '8GB');
    assert.deepEqual(problemsOf({ C360_IDENTITY_STITCH_MEMORY_LIMIT: 'lots' }), ['C360_IDENTITY_STITCH_MEMORY_LIMIT']);
  });

  it('reports every bad variable at once', () => {
    assert.deepEqual(problemsOf({ C360_PROFILE: 'cloud', C360_PORT: '70000', C360_CACHE: 'memcached' }).sort(), [
      'C360_CACHE',
      'C360_PORT',
      'C360_PROFILE',
    ]);
  });

  it('requires API keys, a secret id salt and an Athena output location in production', () => {
    assert.deepEqual(problemsOf({ C360_PROFILE: 'production' }).sort(), ['C360_API_KEYS', 'C360_ATHENA_OUTPUT_LOCATION', 'C360_IDENTITY_ID_SALT']);
  });

  it('refuses a short id salt in production without echoing it, and keeps the public default for the embedded profile only', () => {
    const production = { C360_PROFILE: 'production', C360_LAKE_ENGINE: 'duckdb', C360_API_KEYS: validKeys };
    try {
      loadConfig({ ...production, C360_IDENTITY_ID_SALT: 'short-salt' });
      assert.fail('accepted a 10-character salt');
    } catch (error) {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /C360_IDENTITY_ID_SALT: must be a random secret of at least 16 characters/);
      assert.ok(!error.message.includes('short-salt'));
    }
    assert.equal(loadConfig({ ...production, C360_IDENTITY_ID_SALT: 'x'.repeat(16) }).identity.idSalt, 'x'.repeat(16));
    assert.equal(loadConfig({}).identity.idSalt, 'c360');
  });

  it('stops on a memory limit DuckDB cannot start a statement with, naming the variable', () => {
    assert.deepEqual(problemsOf({ C360_IDENTITY_STITCH_MEMORY_LIMIT: '0MB' }), ['C360_IDENTITY_STITCH_MEMORY_LIMIT']);
    assert.deepEqual(problemsOf({ C360_DUCKDB_MEMORY_LIMIT: '1KB' }), ['C360_DUCKDB_MEMORY_LIMIT']);
    assert.equal(loadConfig({ C360_IDENTITY_STITCH_MEMORY_LIMIT: '128MB' }).duckdb.identityStitchMemoryLimit, '128MB');
  });

  it('accepts only the identifier types records carry in caps and priority: a typo stops start-up', () => {
    assert.deepEqual(problemsOf({ C360_IDENTITY_MAX_PER_TYPE: 'emial=3' }), ['C360_IDENTITY_MAX_PER_TYPE']);
    assert.deepEqual(problemsOf({ C360_IDENTITY_PRIORITY: 'user_id,phone,emial' }), ['C360_IDENTITY_PRIORITY']);
    assert.equal(loadConfig({ C360_IDENTITY_MAX_PER_TYPE: 'email=3,*=4' }).identity.maxPerType.email, 3);
  });

  it('reads identifier types from identify traits, which caps and priority may then name', () => {
    const identity = loadConfig({
      C360_IDENTITY_TRAIT_IDS: ' loyalty_id=loyaltyCard , member_id=insuranceMemberId,member_id=memberId',
      C360_IDENTITY_MAX_PER_TYPE: 'member_id=1',
      C360_IDENTITY_PRIORITY: 'user_id,member_id,email',
    }).identity;
    assert.deepEqual(identity.traitIdentifiers, [
      { type: 'loyalty_id', trait: 'loyaltyCard' },
      { type: 'member_id', trait: 'insuranceMemberId' },
      { type: 'member_id', trait: 'memberId' },
    ]);
    assert.equal(identity.maxPerType.member_id, 1);
    assert.deepEqual(identity.priority, ['user_id', 'member_id', 'email', 'phone', 'device_id', 'anonymous_id']);
    assert.deepEqual(loadConfig({}).identity.traitIdentifiers, []);
  });

  it('stops start-up on a trait identifier that is malformed, built in or reads a trait twice', () => {
    for (const entry of ['loyalty_id', 'Loyalty=card', 'loyalty_id=card.number', 'loyalty_id=card-no', 'email=contactEmail', 'a=card,b=card']) {
      assert.deepEqual(problemsOf({ C360_IDENTITY_TRAIT_IDS: entry }), ['C360_IDENTITY_TRAIT_IDS'], entry);
    }
    assert.deepEqual(problemsOf({ C360_IDENTITY_MAX_PER_TYPE: 'member_id=1' }), ['C360_IDENTITY_MAX_PER_TYPE'], 'a type not configured');
  });

  it('rejects keys with unknown scopes and never echoes a key back', () => {
    const secret = 'super-secret-key-1234567890';
    try {
      loadConfig({ C360_API_KEYS: JSON.stringify([{ name: 'x', key: secret, scopes: ['everything'] }]) });
      assert.fail('accepted an unknown scope');
    } catch (error) {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /C360_API_KEYS: .*unknown scope "everything"/);
      assert.ok(!error.message.includes(secret));
    }
  });

  it('stops on a blocklist pattern the stream and the lake engine would read differently, naming the variable', () => {
    for (const pattern of ['/^x{1001}$/', '/^\\s+$/', '/a(?=b)/', '/[/']) {
      assert.deepEqual(problemsOf({ C360_IDENTITY_BLOCKLIST: `junk,${pattern}` }), ['C360_IDENTITY_BLOCKLIST'], pattern);
    }
    assert.deepEqual(loadConfig({ C360_IDENTITY_BLOCKLIST: 'junk,/^x{1000}$/,/^[ \\t]+$/,/a\\\\s/' }).identity.blocklist.patterns.slice(-3), ['^x{1000}$', '^[ \\t]+$', 'a\\\\s']);
  });

  it('stops on a pattern RE2 refuses or reads otherwise, one that can never match, or one that blocks everything', () => {
    for (const pattern of ['/\\u0041/', '/\\cA/', '/\\x41/', '/\\p{L}/', '/(?<n>zz)/', '/(?i)x/', '/^TEST-/', '//', '/.*/', '/^/']) {
      assert.deepEqual(problemsOf({ C360_IDENTITY_BLOCKLIST: pattern }), ['C360_IDENTITY_BLOCKLIST'], pattern);
    }
  });

  it('keeps a pattern holding commas whole: only commas between entries separate them', () => {
    const { values, patterns } = loadConfig({ C360_IDENTITY_BLOCKLIST: ' Junk , /^dev-[0-9]{1,3}$/ ,/^(?:a|b),c$/, other' }).identity.blocklist;
    assert.deepEqual(patterns.slice(-2), ['^dev-[0-9]{1,3}$', '^(?:a|b),c$']);
    assert.deepEqual(values.slice(-2), ['junk', 'other']);
  });

  it('rejects API keys that are not JSON', () => {
    assert.deepEqual(problemsOf({ C360_API_KEYS: 'recsys=abc' }), ['C360_API_KEYS']);
  });

  it('hides sensitive values in errors', () => {
    try {
      loadConfig({ C360_REDIS_URL: 'http://user:password@redis' });
      assert.fail('accepted an http URL for redis');
    } catch (error) {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /C360_REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL \(got \(hidden\)\)/);
      assert.ok(!error.message.includes('password'));
    }
  });

  it('reads .env beneath the real environment', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'c360-env-'));
    writeFileSync(path.join(dir, '.env'), 'C360_PORT=4000\nC360_HOST=0.0.0.0\n');
    const env = readEnvironment({ C360_PORT: '5000' }, dir);
    const config = loadConfig(env);
    assert.equal(config.http.port, 5000);
    assert.equal(config.http.host, '0.0.0.0');
  });
});

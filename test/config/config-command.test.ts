import { strict as assert } from 'node:assert';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../support/run-cli';

describe('c360 config check', () => {
  it('prints the effective configuration with every secret hidden: API keys, the Redis URL, the id salt', () => {
    const home = mkdtempSync(path.join(tmpdir(), 'c360-config-check-'));
    const secrets = { key: 'api-key-that-must-not-show-1234', redisPassword: 'redis-password-never-shown', salt: 'id-salt-that-must-not-show-5678' };
    const run = runCli(['config', 'check'], {
      C360_HOME: home,
      C360_API_KEYS: JSON.stringify([{ name: 'ops', key: secrets.key, scopes: ['admin'] }]),
      C360_REDIS_URL: `redis://user:${secrets.redisPassword}@127.0.0.1:6379`,
      C360_IDENTITY_ID_SALT: secrets.salt,
    });
    assert.equal(run.status, 0, run.stderr);
    for (const secret of Object.values(secrets)) assert.ok(!run.stdout.includes(secret) && !run.stderr.includes(secret), `${secret} was printed`);
    const effective = JSON.parse(run.stdout) as { identity: { idSalt: string }; apiKeys: Array<{ name: string }> };
    assert.equal(effective.identity.idSalt, '(hidden)');
    assert.deepEqual(effective.apiKeys.map((key) => key.name), ['ops']);
  });
});

import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createServer } from '../../src/app/server';
import { loadConfig } from '../../src/config/load-config';
import { memoryLogger } from '../support/memory-log';
import { postGraphql } from '../support/post-graphql';

const ADMIN_KEY = 'admin-key-0123456789abcdef';
const RECSYS_KEY = 'recsys-key-0123456789abcdef';

describe('API authentication and authorization', () => {
  let app: NestFastifyApplication;
  let home: string;
  const log = memoryLogger();

  before(async () => {
    home = mkdtempSync(path.join(tmpdir(), 'c360-api-'));
    const config = loadConfig({
      C360_HOME: home,
      C360_API_KEYS: JSON.stringify([
        { name: 'ops', key: ADMIN_KEY, scopes: ['admin'] },
        { name: 'recsys', key: RECSYS_KEY, scopes: ['features:read'] },
      ]),
    });
    app = await createServer(config, log.logger);
  });

  after(async () => {
    await app.close();
    rmSync(home, { recursive: true, force: true });
  });

  const graphql = (query: string, key?: string) => postGraphql(app, query, {}, key ?? null);

  it('answers 401 UNAUTHENTICATED without an API key', async () => {
    const { status, body } = await graphql('{ lakeTables { name } }');
    assert.equal(status, 401);
    assert.equal(body.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
  });

  it('answers 401 for an unknown key', async () => {
    const { status } = await graphql('{ lakeTables { name } }', 'not-a-real-key-000000000');
    assert.equal(status, 401);
  });

  it('refuses a key without the needed scope with a FORBIDDEN GraphQL error', async () => {
    const { status, body } = await graphql('{ lakeTables { name } }', RECSYS_KEY);
    assert.equal(status, 200);
    assert.equal(body.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    assert.match(body.errors?.[0]?.message ?? '', /needs the admin scope/);
    assert.equal(body.data, null);
  });

  it('answers the first query from the lake for a key with the scope', async () => {
    const { status, body } = await graphql('{ lakeTables { name rows partitions firstDay lastDay } }', ADMIN_KEY);
    assert.equal(status, 200);
    assert.equal(body.errors, undefined);
    assert.deepEqual(body.data, { lakeTables: [] });
  });

  it('reports a malformed query as GRAPHQL_VALIDATION_FAILED with status 400', async () => {
    const { status, body } = await graphql('{ lakeTables { nope } }', ADMIN_KEY);
    assert.equal(status, 400);
    assert.equal(body.errors?.[0]?.extensions?.code, 'GRAPHQL_VALIDATION_FAILED');
  });

  it('answers an unreadable request body with a 400 and a code, not an internal error', async () => {
    const response = await app.getHttpAdapter().getInstance().inject({
      method: 'POST',
      url: '/graphql',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` },
      payload: '{"query": ',
    });
    assert.equal(response.statusCode, 400);
    const body = response.json() as { errors?: Array<{ extensions?: { code?: string } }> };
    assert.equal(body.errors?.[0]?.extensions?.code, 'GRAPHQL_VALIDATION_FAILED');
  });

  it('serves health probes without a key; readiness checks the lake engine', async () => {
    const fastify = app.getHttpAdapter().getInstance();
    const live = await fastify.inject({ method: 'GET', url: '/health/live' });
    assert.equal(live.statusCode, 200);
    const ready = await fastify.inject({ method: 'GET', url: '/health/ready' });
    assert.equal(ready.statusCode, 200);
    assert.deepEqual(ready.json(), { status: 'ok', checks: [{ name: 'lake', ok: true }] });
  });

  it('logs requests as JSON lines with the key name and never the key itself', () => {
    const lines = log.lines();
    const access = lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((entry) => entry.msg === 'request');
    assert.ok(access.some((entry) => entry.key === 'recsys' && entry.route === '/graphql'));
    assert.ok(!lines.some((line) => line.includes(ADMIN_KEY) || line.includes(RECSYS_KEY)));
  });
});

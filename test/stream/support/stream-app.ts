import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createServer } from '../../../src/app/server';
import { identifierKey } from '../../../src/identity/identifier';
import type { IdentityStore } from '../../../src/identity/identity-store.port';
import type { AppConfig } from '../../../src/config/app-config';
import { loadConfig } from '../../../src/config/load-config';
import { STREAM_RUNTIME } from '../../../src/stream/stream.module';
import type { StreamRuntime } from '../../../src/stream/stream-runtime';
import { memoryLogger } from '../../support/memory-log';

export const WRITE_KEY = 'web-write-key-0123456789';
export const API_KEY = 'ops-api-key-0123456789abcdef';

export interface StreamApp {
  app: NestFastifyApplication;
  config: AppConfig;
  runtime: StreamRuntime;
  url: string;
  home: string;
  logs: () => string[];
  close(): Promise<void>;
}

/** The real API (collector, consumers, /metrics) on a free loopback port, with its state in a temp folder. */
export async function startStreamApp(env: Record<string, string> = {}): Promise<StreamApp> {
  const home = mkdtempSync(path.join(tmpdir(), 'c360-stream-'));
  const config = loadConfig({
    C360_HOME: home,
    C360_WRITE_KEYS: JSON.stringify([{ name: 'web', key: WRITE_KEY }]),
    C360_API_KEYS: JSON.stringify([{ name: 'ops', key: API_KEY, scopes: ['admin'] }]),
    C360_STREAM_PARTITIONS: '2',
    ...env,
  });
  const log = memoryLogger();
  const app = await createServer(config, log.logger);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    app,
    config,
    runtime: app.get<StreamRuntime>(STREAM_RUNTIME),
    url: `http://127.0.0.1:${port}`,
    home,
    logs: log.lines,
    close: async () => {
      await app.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Every event line in the raw zone's clickstream partitions. */
export function rawEvents(lakeRoot: string): Array<Record<string, unknown>> {
  const root = path.join(lakeRoot, 'raw', 'clickstream');
  let partitions: string[];
  try {
    partitions = readdirSync(root);
  } catch {
    return [];
  }
  return partitions.flatMap((partition) =>
    readdirSync(path.join(root, partition)).flatMap((file) =>
      readFileSync(path.join(root, partition, file), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    ),
  );
}

/** Every dead letter (pending) of the embedded profile. */
export function pendingDeadLetters(home: string): Array<{ stage: string; reason: string; payload: string; attempts: number }> {
  const dir = path.join(home, 'dead-letters', 'pending');
  return readdirSync(dir).flatMap((file) =>
    readFileSync(path.join(dir, file), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { stage: string; reason: string; payload: string; attempts: number }),
  );
}

export function basic(writeKey: string): string {
  return `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
}

/** Polls `condition` (async) until true, or fails naming what was missing. */
export async function eventually(condition: () => Promise<boolean> | boolean, describe: () => string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The customer who holds this account now, as the stream's identity stitching recorded it. */
export async function customerOfAccount(identities: IdentityStore, userId: string): Promise<string | undefined> {
  const account = { type: 'user_id', value: userId };
  return (await identities.lookup([account])).get(identifierKey(account));
}

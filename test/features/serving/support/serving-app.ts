import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createServer } from '../../../../src/app/server';
import type { AppConfig } from '../../../../src/config/app-config';
import { loadConfig } from '../../../../src/config/load-config';
import { customerEntityKey } from '../../../../src/features/feature-definition';
import { FEATURE_WRITE_STORE } from '../../../../src/features/serving/serving.tokens';
import { EmbeddedOnlineStore } from '../../../../src/store/embedded/embedded-online-store';
import type { FeatureScalar, OnlineStore } from '../../../../src/store/online-store.port';
import { memoryLogger } from '../../../support/memory-log';

export const KEYS = {
  recsys: 'recsys-key-0123456789abcdef',
  pii: 'pii-key-0123456789abcdef0',
  profiles: 'profiles-key-0123456789abcdef',
} as const;

export interface GraphqlAnswer<T = Record<string, unknown>> {
  status: number;
  body: { data?: T | null; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
}

export interface HttpAnswer {
  status: number;
  text: string;
  json: () => unknown;
  contentType: string | undefined;
}

/**
 * The real API (createServer) in a temp C360_HOME: a features:read key, one with pii:read too,
 * and one without features:read. Extra environment (C360_CACHE=redis, …) comes from `env`.
 */
export class ServingApp {
  private constructor(
    readonly app: NestFastifyApplication,
    readonly config: AppConfig,
    private readonly home: string,
    readonly log: ReturnType<typeof memoryLogger>,
  ) {}

  static async start(env: Record<string, string> = {}): Promise<ServingApp> {
    const home = mkdtempSync(path.join(os.tmpdir(), 'c360-serving-'));
    const config = loadConfig({
      C360_HOME: home,
      C360_STREAM_CONSUME: 'false',
      C360_API_KEYS: JSON.stringify([
        { name: 'recsys', key: KEYS.recsys, scopes: ['features:read'] },
        { name: 'care-team', key: KEYS.pii, scopes: ['features:read', 'pii:read'] },
        { name: 'profiles', key: KEYS.profiles, scopes: ['profiles:read'] },
      ]),
      ...env,
    });
    const log = memoryLogger();
    const app = await createServer(config, log.logger);
    return new ServingApp(app, config, home, log);
  }

  /** Writes values straight into the embedded store through its adapter, as a batch job in another process would. */
  async seed(rows: Array<{ customerId: string; eventTime: number; features: Record<string, FeatureScalar> }>): Promise<void> {
    const store = await EmbeddedOnlineStore.open(this.config.storeDir);
    try {
      await store.writeBatch(rows.map((row) => ({ entityKey: customerEntityKey(row.customerId), eventTime: row.eventTime, features: row.features })));
    } finally {
      await store.close();
    }
  }

  /** The store in-process writers use: writes through it invalidate the serving cache. */
  writeStore(): OnlineStore {
    return this.app.get<symbol, OnlineStore>(FEATURE_WRITE_STORE, { strict: false });
  }

  async graphql<T = Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}, key: string | null = KEYS.recsys): Promise<GraphqlAnswer<T>> {
    const response = await this.post('/graphql', JSON.stringify({ query, variables }), key);
    return { status: response.status, body: response.json() as GraphqlAnswer<T>['body'] };
  }

  async post(url: string, payload: string, key: string | null = KEYS.recsys): Promise<HttpAnswer> {
    const response = await this.app.getHttpAdapter().getInstance().inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      payload,
    });
    const header = response.headers['content-type'];
    return { status: response.statusCode, text: response.body, json: () => response.json(), contentType: typeof header === 'string' ? header : undefined };
  }

  async close(): Promise<void> {
    await this.app.close();
    rmSync(this.home, { recursive: true, force: true });
  }
}

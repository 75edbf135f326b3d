import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createServer } from '../../../src/app/server';
import type { AppConfig } from '../../../src/config/app-config';
import { loadConfig } from '../../../src/config/load-config';
import { memoryLogger } from '../../support/memory-log';
import { postGraphql, type GraphqlAnswer } from '../../support/post-graphql';

export const MARKETING_KEY = 'marketing-key-0123456789abcdef';
export const ANALYST_KEY = 'analyst-key-0123456789abcdef';
export const RECSYS_KEY = 'recsys-key-0123456789abcdef';
export const SUPPORT_KEY = 'support-key-0123456789abcdef';

export type { GraphqlAnswer };

/** The real API over a lake: a marketing key (segments read and write, profiles), an analyst's (segments read), and keys without segment scopes. */
export class SegmentsApp {
  private constructor(
    readonly app: NestFastifyApplication,
    readonly config: AppConfig,
    private readonly home: string,
  ) {}

  static async start(lakeRoot: string): Promise<SegmentsApp> {
    const home = mkdtempSync(path.join(os.tmpdir(), 'c360-segments-api-'));
    const config = loadConfig({
      C360_HOME: home,
      C360_LAKE: lakeRoot,
      C360_STREAM_CONSUME: 'false',
      C360_API_KEYS: JSON.stringify([
        { name: 'marketing', key: MARKETING_KEY, scopes: ['segments:read', 'segments:write', 'profiles:read'] },
        { name: 'analyst', key: ANALYST_KEY, scopes: ['segments:read'] },
        { name: 'recsys', key: RECSYS_KEY, scopes: ['features:read'] },
        { name: 'support', key: SUPPORT_KEY, scopes: ['profiles:read'] },
      ]),
    });
    return new SegmentsApp(await createServer(config, memoryLogger().logger), config, home);
  }

  async graphql(query: string, variables: Record<string, unknown> = {}, key: string | null = MARKETING_KEY): Promise<GraphqlAnswer> {
    return postGraphql(this.app, query, variables, key);
  }

  async close(): Promise<void> {
    await this.app.close();
    rmSync(this.home, { recursive: true, force: true });
  }
}

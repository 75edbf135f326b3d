import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createServer } from '../../../src/app/server';
import type { AppConfig } from '../../../src/config/app-config';
import { loadConfig } from '../../../src/config/load-config';
import { CampaignMetricsJob } from '../../../src/funnels/campaign/campaign-metrics.job';
import { CampaignMetricsStore } from '../../../src/funnels/campaign/campaign-metrics-store';
import { silentLogger } from '../../../src/shared/logger.port';
import { EmbeddedOnlineStore } from '../../../src/store/embedded/embedded-online-store';
import { memoryLogger } from '../../support/memory-log';
import { postGraphql, type GraphqlAnswer } from '../../support/post-graphql';
import type { FixtureLake } from './fixture-lake';

export const FUNNELS_KEY = 'funnels-key-0123456789abcdef';
export const FEATURES_KEY = 'features-key-0123456789abcdef';

export type { GraphqlAnswer };

/** The real API (createServer) over a fixture lake, with a funnels:read key and a key without it. */
export class FunnelsApp {
  private constructor(
    readonly app: NestFastifyApplication,
    readonly config: AppConfig,
    private readonly home: string,
  ) {}

  static async start(lake: FixtureLake): Promise<FunnelsApp> {
    const home = mkdtempSync(path.join(os.tmpdir(), 'c360-funnels-api-'));
    const config = loadConfig({
      C360_HOME: home,
      C360_LAKE: lake.root,
      C360_STREAM_CONSUME: 'false',
      C360_API_KEYS: JSON.stringify([
        { name: 'pm', key: FUNNELS_KEY, scopes: ['funnels:read'] },
        { name: 'recsys', key: FEATURES_KEY, scopes: ['features:read'] },
      ]),
    });
    const app = await createServer(config, memoryLogger().logger);
    return new FunnelsApp(app, config, home);
  }

  /** Runs the daily metrics job into the app's online store, as `c360 jobs run` would. */
  async precompute(lake: FixtureLake, date: string, lookbackDays: number): Promise<void> {
    const store = await EmbeddedOnlineStore.open(this.config.storeDir);
    try {
      await new CampaignMetricsJob(await lake.engine(), lake.layout, new CampaignMetricsStore(store), silentLogger).run({ date, lookbackDays });
    } finally {
      await store.close();
    }
  }

  async graphql(query: string, variables: Record<string, unknown> = {}, key: string | null = FUNNELS_KEY): Promise<GraphqlAnswer> {
    return postGraphql(this.app, query, variables, key);
  }

  async close(): Promise<void> {
    await this.app.close();
    rmSync(this.home, { recursive: true, force: true });
  }
}

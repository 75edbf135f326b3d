import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DuckDbLakeEngine } from '../../../src/lake/duckdb/duckdb-lake-engine';
import type { LakeRow } from '../../../src/lake/lake-engine.port';
import { LakeLayout, type RawSource } from '../../../src/lake/lake-layout';
import { sqlString } from '../../../src/lake/lake-relation';
import { processLake } from '../../../src/lake/processing/process-lake';
import { silentLogger } from '../../../src/shared/logger.port';
import { EmbeddedOnlineStore } from '../../../src/store/embedded/embedded-online-store';
import { materializeFeatures, type MaterializeSummary } from '../../../src/features/materialize-features';
import { featurePartitionFile } from '../../../src/features/offline/feature-partitions';
import { writeIdentityMap, type IdentityRow } from './identity-map-fixture';

/**
 * A throwaway lake with hand-written raw files (DMS CSV, RudderStack JSON lines), processed by the
 * real `lake process` job, an identity map, and an embedded online store: each test states its
 * raw data and reads what materialization made of it.
 */
export class FeatureLake {
  readonly root = mkdtempSync(path.join(os.tmpdir(), 'c360-features-'));
  readonly layout = new LakeLayout(this.root);
  readonly storeDir = path.join(this.root, '_store');
  private engine?: DuckDbLakeEngine;
  private store?: EmbeddedOnlineStore;

  /** Writes one raw file; lines end with LF. */
  raw(source: RawSource, landedDay: string, name: string, lines: readonly string[]): void {
    const dir = this.layout.rawPartition(source, landedDay);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, name), lines.map((line) => `${line}\n`).join(''));
  }

  async lake(): Promise<DuckDbLakeEngine> {
    this.engine ??= await DuckDbLakeEngine.open({ lakeRoot: this.root, memoryLimit: '1GB', threads: 2 });
    return this.engine;
  }

  async onlineStore(): Promise<EmbeddedOnlineStore> {
    this.store ??= await EmbeddedOnlineStore.open(this.storeDir);
    return this.store;
  }

  async process(): Promise<void> {
    await processLake(this.layout, await this.lake(), {}, silentLogger);
  }

  async identities(rows: readonly IdentityRow[]): Promise<void> {
    await writeIdentityMap(await this.lake(), this.layout, rows);
  }

  async materialize(date: string): Promise<MaterializeSummary> {
    return materializeFeatures({ date }, { engine: await this.lake(), layout: this.layout, store: await this.onlineStore(), logger: silentLogger, chunkSize: 2 });
  }

  /** The materialized rows of a day, by customer. */
  async partition(date: string): Promise<Map<string, LakeRow>> {
    const rows = await (await this.lake()).query(`SELECT * FROM read_parquet(${sqlString(featurePartitionFile(this.layout, date))}, hive_partitioning = false) ORDER BY customer_id`);
    return new Map(rows.map((row) => [String(row.customer_id), row]));
  }

  async close(): Promise<void> {
    await this.store?.close();
    await this.engine?.close();
    rmSync(this.root, { recursive: true, force: true });
  }
}

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DuckDbLakeEngine } from '../../../src/lake/duckdb/duckdb-lake-engine';
import type { LakeEngine, LakeRow } from '../../../src/lake/lake-engine.port';
import { LakeLayout, type RawSource } from '../../../src/lake/lake-layout';
import { processLake, type ProcessOptions, type ProcessSummary } from '../../../src/lake/processing/process-lake';
import { silentLogger } from '../../../src/shared/logger.port';

/** One quarantined line as the quarantine zone stores it. */
export interface QuarantineRecord {
  source_file: string;
  line: number;
  reason: string;
  detail: string | null;
  text: string;
}

/** A throwaway lake folder with hand-written raw files, processed by the real DuckDB engine. */
export class TestLake {
  readonly root = mkdtempSync(path.join(os.tmpdir(), 'c360-process-test-'));
  readonly layout = new LakeLayout(this.root);
  private engine: DuckDbLakeEngine | undefined;

  /** Writes a raw file; `lines` are joined with LF and end with one. */
  write(source: RawSource, landedDay: string, name: string, lines: readonly string[]): string {
    const dir = this.layout.rawPartition(source, landedDay);
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, name);
    writeFileSync(file, lines.map((line) => `${line}\n`).join(''));
    return `raw/${source}/dt=${landedDay}/${name}`;
  }

  writeBytes(source: RawSource, landedDay: string, name: string, bytes: Buffer): string {
    const dir = this.layout.rawPartition(source, landedDay);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, name), bytes);
    return `raw/${source}/dt=${landedDay}/${name}`;
  }

  async process(options: ProcessOptions = {}): Promise<ProcessSummary> {
    return processLake(this.layout, await this.open(), options, silentLogger);
  }

  /** Processes through an engine that fails the first statement matching `failOn`, as a crash mid-run would. */
  async processFailing(failOn: RegExp): Promise<ProcessSummary> {
    const engine = await this.open();
    const failing: LakeEngine = {
      dialect: engine.dialect,
      query: (sql, params) => (failOn.test(sql) ? Promise.reject(new Error('injected failure')) : engine.query(sql, params)),
      execute: (sql, params) => (failOn.test(sql) ? Promise.reject(new Error('injected failure')) : engine.execute(sql, params)),
      close: () => engine.close(),
    };
    return processLake(this.layout, failing, {}, silentLogger);
  }

  /** Rows of a processed table (all partitions, or one day), with `dt` from the folder name. */
  async rows(table: string, orderBy: string, day?: string): Promise<LakeRow[]> {
    const glob = path.join(this.layout.processedTable(table), day ? `dt=${day}` : '*', '*.parquet');
    if (!readdirSafe(this.layout.processedTable(table)).length) return [];
    return (await this.open()).query(
      `SELECT * FROM read_parquet('${glob}', hive_partitioning = true, hive_types = {'dt': VARCHAR}) ORDER BY ${orderBy}`,
    );
  }

  /** Days that have a partition folder. */
  partitions(table: string): string[] {
    return readdirSafe(this.layout.processedTable(table))
      .filter((name) => name.startsWith('dt='))
      .map((name) => name.slice(3))
      .sort();
  }

  quarantine(source: RawSource, landedDay: string): QuarantineRecord[] {
    const file = path.join(this.layout.quarantinePartition(source, landedDay), 'quarantine.jsonl');
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as QuarantineRecord);
  }

  /** Every file under a zone with its SHA-256, to compare runs byte for byte. */
  hashes(zone: 'processed' | 'quarantine'): Record<string, string> {
    const result: Record<string, string> = {};
    const walk = (dir: string): void => {
      for (const name of readdirSafe(dir)) {
        const full = path.join(dir, name);
        if (statSync(full).isDirectory()) walk(full);
        else result[path.relative(this.root, full)] = createHash('sha256').update(readFileSync(full)).digest('hex');
      }
    };
    walk(this.layout.zone(zone));
    return result;
  }

  mtimes(table: string): Record<string, number> {
    const result: Record<string, number> = {};
    for (const day of this.partitions(table)) {
      result[day] = statSync(path.join(this.layout.processedPartition(table, day), 'data.parquet')).mtimeMs;
    }
    return result;
  }

  async close(): Promise<void> {
    await this.engine?.close();
    rmSync(this.root, { recursive: true, force: true });
  }

  private async open(): Promise<DuckDbLakeEngine> {
    this.engine ??= await DuckDbLakeEngine.open({ lakeRoot: this.root, memoryLimit: '1GB', threads: 2 });
    return this.engine;
  }
}

function readdirSafe(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir) : [];
}

/** Runs `body` with a fresh lake, always cleaned up. */
export async function withLake(body: (lake: TestLake) => Promise<void>): Promise<void> {
  const lake = new TestLake();
  try {
    await body(lake);
  } finally {
    await lake.close();
  }
}

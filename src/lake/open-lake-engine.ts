import type { AppConfig } from '../config/app-config';
import { AthenaLakeEngine } from './athena/athena-lake-engine';
import { DuckDbLakeEngine } from './duckdb/duckdb-lake-engine';
import type { LakeEngine } from './lake-engine.port';

/** The lake engine the configuration selects; a job that needs its own DuckDB memory limit passes it. */
export async function openLakeEngine(config: AppConfig, duckdb: { memoryLimit?: string } = {}): Promise<LakeEngine> {
  switch (config.adapters.lake) {
    case 'duckdb':
      return DuckDbLakeEngine.open({ lakeRoot: config.lakeRoot, memoryLimit: duckdb.memoryLimit ?? config.duckdb.memoryLimit, threads: config.duckdb.threads });
    case 'athena':
      return AthenaLakeEngine.create(config.athena);
  }
}

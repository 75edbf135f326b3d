import type { LakeEngine } from '../lake-engine.port';
import type { LakeLayout } from '../lake-layout';
import { withLakeRun } from '../lake-run';
import type { Logger } from '../../shared/logger.port';

/** One processing run's scratch: a DuckDB schema for its tables and a staging folder inside the lake root. */
export interface Workspace {
  readonly engine: LakeEngine;
  readonly layout: LakeLayout;
  readonly logger: Logger;
  /** Qualified name of a run table, e.g. `c360_process_123.lines`. */
  table(name: string): string;
  /** A path inside the run's staging folder. */
  path(...parts: string[]): string;
}

export class ProcessLockedError extends Error {
  constructor(lockPath: string, pid: number) {
    super(`another lake process run (pid ${pid}) holds ${lockPath}; wait for it, or delete the file if that process is gone`);
    this.name = 'ProcessLockedError';
  }
}

/** Runs `work` with a fresh workspace, and always removes the schema, the staging folder and the lock. */
export async function withWorkspace<T>(engine: LakeEngine, layout: LakeLayout, logger: Logger, work: (workspace: Workspace) => Promise<T>): Promise<T> {
  // Two runs renaming partitions at once would interleave; one lock file per lake prevents it.
  const options = { lock: 'process.lock', prefix: 'process', lockedError: (lockPath: string, holder: number) => new ProcessLockedError(lockPath, holder) };
  return withLakeRun(engine, layout, options, (run) => work({ engine, layout, logger, table: (name) => `${run.schema}.${name}`, path: run.path }));
}

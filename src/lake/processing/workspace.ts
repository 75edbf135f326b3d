import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import type { LakeEngine } from '../lake-engine.port';
import type { LakeLayout } from '../lake-layout';
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

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM means the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Two runs renaming partitions at once would interleave; one lock file per lake prevents it. */
function acquireLock(lockPath: string): () => void {
  mkdirSync(path.dirname(lockPath), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(lockPath, 'utf8').trim());
      if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) throw new ProcessLockedError(lockPath, holder);
      // The holder died mid-run; its staging folder is garbage and the lock is stale.
      rmSync(lockPath, { force: true });
    }
  }
  throw new ProcessLockedError(lockPath, -1);
}

/** Runs `work` with a fresh workspace, and always removes the schema, the staging folder and the lock. */
export async function withWorkspace<T>(engine: LakeEngine, layout: LakeLayout, logger: Logger, work: (workspace: Workspace) => Promise<T>): Promise<T> {
  const release = acquireLock(layout.staging('process.lock'));
  const run = `process-${Date.now()}-${process.pid}`;
  const dir = layout.staging(run);
  const schema = `c360_${run.replaceAll('-', '_')}`;
  try {
    mkdirSync(dir, { recursive: true });
    await engine.execute(`CREATE SCHEMA ${schema}`);
    try {
      return await work({
        engine,
        layout,
        logger,
        table: (name) => `${schema}.${name}`,
        path: (...parts) => path.join(dir, ...parts),
      });
    } finally {
      await engine.execute(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    release();
  }
}

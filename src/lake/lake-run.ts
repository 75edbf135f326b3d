import { mkdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { acquireProcessLock } from '../shared/process-lock';
import type { LakeEngine } from './lake-engine.port';
import type { LakeLayout } from './lake-layout';

/** One batch run's scratch on the lake: a schema in the lake engine for its tables and a staging folder for its files. */
export interface LakeRun {
  /** The run's schema, e.g. `c360_identity_1700000000000_42`. */
  schema: string;
  /** A path inside the run's staging folder (the folder itself without parts). */
  path(...parts: string[]): string;
}

export interface LakeRunOptions {
  /** The lock file in the staging folder that one run of this kind holds per lake, e.g. `identity.lock`. */
  lock: string;
  /** Prefix of the run's schema and staging folder names. */
  prefix: string;
  /** The error to throw when another live process (pid `holder`, 0 if unknown) holds the lock. */
  lockedError(lockPath: string, holder: number): Error;
}

/**
 * Runs `work` in a fresh run scratch, and always removes the schema, the staging folder and the lock.
 * Staging inside the lake root keeps finished files on the lake's filesystem, so they move in by rename.
 */
export async function withLakeRun<T>(engine: Pick<LakeEngine, 'execute'>, layout: LakeLayout, options: LakeRunOptions, work: (run: LakeRun) => Promise<T>): Promise<T> {
  const lockPath = layout.staging(options.lock);
  const release = acquireProcessLock(lockPath, (holder) => options.lockedError(lockPath, holder));
  const name = `${options.prefix}-${Date.now()}-${process.pid}`;
  const dir = layout.staging(name);
  const schema = `c360_${name.replaceAll('-', '_')}`;
  try {
    mkdirSync(dir, { recursive: true });
    await engine.execute(`CREATE SCHEMA ${schema}`);
    try {
      return await work({ schema, path: (...parts) => path.join(dir, ...parts) });
    } finally {
      await engine.execute(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    release();
  }
}

import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import type { LakeEngine } from '../../lake/lake-engine.port';
import type { LakeLayout } from '../../lake/lake-layout';
import { DomainError } from '../../shared/domain-error';

/** One stitch run's scratch: a schema in the lake engine for its tables and a staging folder for its files. */
export interface StitchWorkspace {
  /** The run's schema, e.g. `c360_identity_1700000000000_42`. */
  schema: string;
  path(...parts: string[]): string;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Two stitch runs at once would race on the identity zone's files and the store; one lock per lake prevents it. */
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
      if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) {
        throw new DomainError('CONFLICT', `another identity stitch (pid ${holder}) is running on this lake; wait for it, or delete ${lockPath} if that process is gone`);
      }
      // The holder died mid-run: the lock is stale.
      rmSync(lockPath, { force: true });
    }
  }
  throw new DomainError('CONFLICT', `could not take ${lockPath}`);
}

/** Runs `work` in a fresh workspace and always removes the schema, the staging folder and the lock. */
export async function withStitchWorkspace<T>(engine: LakeEngine, layout: LakeLayout, work: (workspace: StitchWorkspace) => Promise<T>): Promise<T> {
  const release = acquireLock(layout.staging('identity.lock'));
  const run = `identity-${Date.now()}-${process.pid}`;
  const dir = layout.staging(run);
  const schema = `c360_${run.replaceAll('-', '_')}`;
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

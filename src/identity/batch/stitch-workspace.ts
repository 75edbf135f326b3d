import { mkdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import type { LakeEngine } from '../../lake/lake-engine.port';
import type { LakeLayout } from '../../lake/lake-layout';
import { DomainError } from '../../shared/domain-error';
import { acquireProcessLock } from '../../shared/process-lock';

/** One stitch run's scratch: a schema in the lake engine for its tables and a staging folder for its files. */
export interface StitchWorkspace {
  /** The run's schema, e.g. `c360_identity_1700000000000_42`. */
  schema: string;
  path(...parts: string[]): string;
}

/** Runs `work` in a fresh workspace and always removes the schema, the staging folder and the lock. */
export async function withStitchWorkspace<T>(engine: LakeEngine, layout: LakeLayout, work: (workspace: StitchWorkspace) => Promise<T>): Promise<T> {
  // Two stitch runs at once would race on the identity zone's files and the store; one lock per lake prevents it.
  const lockPath = layout.staging('identity.lock');
  const release = acquireProcessLock(lockPath, (holder) =>
    holder > 0
      ? new DomainError('CONFLICT', `another identity stitch (pid ${holder}) is running on this lake; wait for it, or delete ${lockPath} if that process is gone`)
      : new DomainError('CONFLICT', `could not take ${lockPath}`),
  );
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

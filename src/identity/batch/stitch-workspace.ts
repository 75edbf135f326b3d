import type { LakeEngine } from '../../lake/lake-engine.port';
import type { LakeLayout } from '../../lake/lake-layout';
import { withLakeRun, type LakeRun } from '../../lake/lake-run';
import { DomainError } from '../../shared/domain-error';

/** One stitch run's scratch: a schema in the lake engine for its tables and a staging folder for its files. */
export type StitchWorkspace = LakeRun;

/** Runs `work` in a fresh workspace and always removes the schema, the staging folder and the lock. */
export async function withStitchWorkspace<T>(engine: LakeEngine, layout: LakeLayout, work: (workspace: StitchWorkspace) => Promise<T>): Promise<T> {
  // Two stitch runs at once would race on the identity zone's files and the store; one lock per lake prevents it.
  return withLakeRun(engine, layout, {
    lock: 'identity.lock',
    prefix: 'identity',
    lockedError: (lockPath, holder) =>
      holder > 0
        ? new DomainError('CONFLICT', `another identity stitch (pid ${holder}) is running on this lake; wait for it, or delete ${lockPath} if that process is gone`)
        : new DomainError('CONFLICT', `could not take ${lockPath}`),
  }, work);
}

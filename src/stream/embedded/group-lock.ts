import { readFile, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { isProcessAlive } from '../../shared/process-lock';
import { createFileIfAbsent } from './atomic-file';

// Locks held by this process. A lock naming our own pid but missing here was left by an earlier
// process that had the same pid (a container restarts as pid 1 every time), so it is stale.
const heldHere = new Set<string>();

interface LockOwner {
  pid: number;
  host: string;
}

async function readOwner(file: string): Promise<LockOwner | undefined> {
  try {
    const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
    const { pid, host } = (parsed ?? {}) as Partial<LockOwner>;
    return typeof pid === 'number' && typeof host === 'string' ? { pid, host } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Claims a consumer group for this process. Committed positions live in one file per group,
 * and partitions are shared only among subscriptions of one process; a second process in the
 * same group would deliver everything twice and overwrite the commits, so it is refused. A lock
 * left by a crashed process on this host is taken over; one from another host (a shared volume)
 * cannot be checked and must be removed by hand. Returns the release function.
 */
export async function acquireGroupLock(file: string, group: string): Promise<() => Promise<void>> {
  const me: LockOwner = { pid: process.pid, host: hostname() };
  for (let attempt = 0; attempt < 2; attempt++) {
    // Created with its content in one step (link), so a reader never sees an empty lock.
    if (await createFileIfAbsent(file, `${JSON.stringify(me)}\n`, false)) {
      heldHere.add(file);
      return async () => {
        heldHere.delete(file);
        await rm(file, { force: true });
      };
    }
    const owner = await readOwner(file);
    const ours = owner?.pid === me.pid && owner.host === me.host;
    const stale = owner !== undefined && owner.host === me.host && (ours ? !heldHere.has(file) : !isProcessAlive(owner.pid));
    if (!stale && owner !== undefined) {
      const where = ours ? 'by another EmbeddedEventBus in this process' : `by process ${owner.pid} on ${owner.host}`;
      throw new Error(`consumer group ${JSON.stringify(group)} is already consuming ${where} (lock ${file}); the embedded bus allows one process per group. Stop that consumer, or delete the lock file if it is gone.`);
    }
    // Stale (its process is gone) or unreadable: take it over. Best effort: two processes
    // recovering the same stale lock at the same instant could both win.
    await rm(file, { force: true });
  }
  throw new Error(`could not claim consumer group ${JSON.stringify(group)} (lock ${file})`);
}

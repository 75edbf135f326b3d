import { randomBytes } from 'node:crypto';
import { link, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

async function writeTemp(file: string, data: string, fsync: boolean): Promise<string> {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(data);
    if (fsync) await handle.sync();
  } finally {
    await handle.close();
  }
  return temp;
}

/** Makes a rename or link durable: the new directory entry itself must reach the disk. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch (error) {
    // Some file systems cannot fsync a directory; the data file itself was synced already.
    if (!['EINVAL', 'EISDIR', 'EPERM', 'EBADF'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
  } finally {
    await handle.close();
  }
}

/** Replaces `file` so that readers (and a restart after a crash) see either the old or the new content, never a mix. */
export async function writeFileAtomic(file: string, data: string, fsync: boolean): Promise<void> {
  const temp = await writeTemp(file, data, fsync);
  try {
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  if (fsync) await syncDirectory(dirname(file));
}

/** Creates `file` with `data` only if it does not exist (link fails on an existing name), atomically. */
export async function createFileIfAbsent(file: string, data: string, fsync: boolean): Promise<boolean> {
  const temp = await writeTemp(file, data, fsync);
  try {
    await link(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await rm(temp, { force: true });
  }
  if (fsync) await syncDirectory(dirname(file));
  return true;
}

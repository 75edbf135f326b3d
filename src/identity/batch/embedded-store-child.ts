import { fork } from 'node:child_process';
import * as path from 'node:path';

/** What a child tells its parent while it runs: `snapshot` once export-customers has its snapshot of the store. */
export type EmbeddedStoreChildSignal = 'snapshot';

/**
 * Runs a command of embedded-store.child on an embedded identity store, in a process of its own,
 * and returns the JSON it prints. Reading or writing all of a store maps every page of its LMDB file
 * into the process that does it (2 GB after ten million identifiers), where the pages stay resident
 * and count against the stitch's memory for the rest of its run; a child's go when it exits.
 * `onSignal` hears the child's signals (see EmbeddedStoreChildSignal) as they come.
 */
export function runEmbeddedStoreChild<T>(
  command: 'export-assignments' | 'export-customers' | 'sync',
  storeDir: string,
  args: readonly string[],
  onSignal: (signal: EmbeddedStoreChildSignal) => void = () => undefined,
): Promise<T> {
  const child = fork(path.join(__dirname, 'embedded-store.child.js'), [command, storeDir, ...args], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], execArgv: [] });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
  child.on('message', (message) => {
    if (message === 'snapshot') onSignal(message);
  });
  return new Promise<T>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) {
        try {
          resolve(JSON.parse(Buffer.concat(stdout).toString('utf8')) as T);
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
        return;
      }
      const reason = Buffer.concat(stderr).toString('utf8').trim();
      reject(new Error(`identity store child ${command} failed (${signal ?? `exit ${code}`})${reason === '' ? '' : `: ${reason}`}`));
    });
  });
}

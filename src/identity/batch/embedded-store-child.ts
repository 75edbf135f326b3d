import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';

/**
 * Runs a command of embedded-store.child on an embedded identity store, in a process of its own,
 * and returns the JSON it prints. Reading or writing all of a store maps every page of its LMDB file
 * into the process that does it (2 GB after ten million identifiers), where the pages stay resident
 * and count against the stitch's memory for the rest of its run; a child's go when it exits.
 */
export async function runEmbeddedStoreChild<T>(command: 'export-assignments' | 'export-customers' | 'sync', storeDir: string, args: readonly string[]): Promise<T> {
  const child = path.join(__dirname, 'embedded-store.child.js');
  const { stdout } = await promisify(execFile)(process.execPath, [child, command, storeDir, ...args], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout) as T;
}

import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';

/**
 * Runs one of the batch's `*.child.js` scripts (beside this file) on an embedded identity store and
 * returns the JSON it prints. Reading or writing all of a store maps every page of its LMDB file
 * into the process that does it (2 GB after ten million identifiers), where the pages stay resident
 * and count against the stitch's memory for the rest of its run; a child's go when it exits.
 */
export async function runEmbeddedStoreChild<T>(script: string, args: readonly string[]): Promise<T> {
  const { stdout } = await promisify(execFile)(process.execPath, [path.join(__dirname, script), ...args], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout) as T;
}

import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

/** The compiled CLI entry (this file runs from <dist>/test/support). */
const MAIN = path.join(__dirname, '..', '..', 'src', 'cli', 'main.js');

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `c360 <args>` in a child process, as a user would, with `env` over the test's own
 * environment (logs at `error` unless the caller asks for more).
 */
export function runCli(args: readonly string[], env: Record<string, string>): CliRun {
  const run = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(MAIN)}).main(['node', 'c360', ...process.argv.slice(1)])`, '--', ...args], {
    env: { ...process.env, C360_LOG_LEVEL: 'error', ...env },
    encoding: 'utf8',
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** Parses JSON lines output (exports). */
export function jsonLines<T = unknown>(stdout: string): T[] {
  return stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as T);
}

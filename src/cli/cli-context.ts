import { InvalidArgumentError, type Command } from 'commander';
import type { AppConfig } from '../config/app-config';
import { ConfigError } from '../config/config.error';
import { OutputClosedError } from '../features/json-lines';
import { loadConfig, readEnvironment } from '../config/load-config';
import { isDay } from '../lake/lake-layout';
import { JsonLogger } from '../observability/json-logger';

export interface GlobalOptions {
  lake?: string;
  home?: string;
}

/** Configuration from the environment, with the global `--home` and `--lake` flags on top. */
export function cliConfig(command: Command): AppConfig {
  const options = command.optsWithGlobals<GlobalOptions>();
  const env = readEnvironment();
  if (options.home) env.C360_HOME = options.home;
  if (options.lake) env.C360_LAKE = options.lake;
  return loadConfig(env);
}

export function cliLogger(config?: AppConfig): JsonLogger {
  return new JsonLogger(config?.logLevel ?? 'info', { component: 'cli' });
}

/** One JSON document on stdout: the machine-readable answer of a command. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Wraps a command's action: errors go to stderr as one clear line and set the exit code. */
export function action<Args extends unknown[]>(run: (...args: Args) => Promise<void>): (...args: Args) => Promise<void> {
  return async (...args: Args) => {
    try {
      await run(...args);
    } catch (error) {
      // The reader of an export went away (`| head`): it has what it wanted.
      if (error instanceof OutputClosedError) return;
      if (error instanceof ConfigError) {
        process.stderr.write(`${error.message}\n`);
        process.exitCode = 2;
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      process.stderr.write(`c360: ${message}\n`);
      if (process.env.C360_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
      process.exitCode = 1;
    }
  };
}

export function positiveInteger(name: string): (value: string) => number {
  return (value: string) => {
    const parsed = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(parsed) || parsed < 1) {
      throw new InvalidArgumentError(`${name} must be a positive integer (got "${value}")`);
    }
    return parsed;
  };
}

export function nonNegativeInteger(name: string): (value: string) => number {
  return (value: string) => {
    const parsed = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(parsed)) {
      throw new InvalidArgumentError(`${name} must be a non-negative integer (got "${value}")`);
    }
    return parsed;
  };
}

export function day(name: string): (value: string) => string {
  return (value: string) => {
    if (!isDay(value)) throw new InvalidArgumentError(`${name} must be a day as YYYY-MM-DD (got "${value}")`);
    return value;
  };
}

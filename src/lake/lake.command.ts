import type { Command } from 'commander';
import { action, cliConfig, cliLogger, day, positiveInteger, nonNegativeInteger, printJson } from '../cli/cli-context';
import { generateLake } from './generator/generate-lake';
import { LakeCatalog } from './lake-catalog';
import { LakeLayout } from './lake-layout';
import { openLakeEngine } from './open-lake-engine';
import { processLake } from './processing/process-lake';

export function registerLakeCommands(program: Command): void {
  const lake = program.command('lake').description('The data lake: generate, process and inspect it');

  lake
    .command('generate')
    .description('Write a realistic raw zone (clickstream, orders, lab bookings, consultations, API logs)')
    .requiredOption('--users <n>', 'number of customers', positiveInteger('--users'))
    .option('--days <n>', 'number of days of activity', positiveInteger('--days'), 14)
    .option('--seed <n>', 'random seed; the same seed gives the same files', nonNegativeInteger('--seed'), 1)
    .option('--end-day <day>', 'last day generated, YYYY-MM-DD', day('--end-day'))
    .action(
      action(async (options: { users: number; days: number; seed: number; endDay?: string }, command: Command) => {
        const config = cliConfig(command);
        const summary = await generateLake({ root: config.lakeRoot, ...options }, cliLogger(config));
        printJson(summary);
      }),
    );

  lake
    .command('process')
    .description('Raw zone → processed zone: CDC merge, deduplication, API-log flattening, quarantine of bad lines')
    .option('--from <day>', 'first event day to (re)write, YYYY-MM-DD', day('--from'))
    .option('--to <day>', 'last event day to (re)write, YYYY-MM-DD', day('--to'))
    .action(
      action(async (options: { from?: string; to?: string }, command: Command) => {
        const config = cliConfig(command);
        const engine = await openLakeEngine(config);
        try {
          printJson(await processLake(new LakeLayout(config.lakeRoot), engine, options, cliLogger(config)));
        } finally {
          await engine.close();
        }
      }),
    );

  lake
    .command('tables')
    .description('The processed zone: tables, row counts and event days covered')
    .action(
      action(async (_options: object, command: Command) => {
        const config = cliConfig(command);
        const engine = await openLakeEngine(config);
        try {
          printJson(await new LakeCatalog(engine, new LakeLayout(config.lakeRoot)).processedTables());
        } finally {
          await engine.close();
        }
      }),
    );
}

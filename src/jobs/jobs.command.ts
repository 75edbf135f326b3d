import type { Command } from 'commander';
import { dailyPipeline } from '../../jobs/daily-pipeline';
import { DEFAULT_LOOKBACK_DAYS } from '../../jobs/lake-process.step';
import { action, cliConfig, cliLogger, day, nonNegativeInteger, printJson } from '../cli/cli-context';
import { orderSteps, runPipeline } from './pipeline';

export function registerJobsCommands(program: Command): void {
  const jobs = program.command('jobs').description('Batch jobs');

  jobs
    .command('run')
    .description('Run the daily pipeline for a day, every step in dependency order; prints the run summary')
    .requiredOption('--date <day>', 'the day to run for, YYYY-MM-DD', day('--date'))
    .option('--lookback-days <n>', 'also re-process this many earlier days (late data)', nonNegativeInteger('--lookback-days'), DEFAULT_LOOKBACK_DAYS)
    .action(
      action(async (options: { date: string; lookbackDays: number }, command: Command) => {
        const config = cliConfig(command);
        const summary = await runPipeline(dailyPipeline(config, options), { date: options.date, logger: cliLogger(config) });
        printJson(summary);
        if (summary.status !== 'succeeded') process.exitCode = 1;
      }),
    );

  jobs
    .command('list')
    .description('The daily pipeline steps in the order they run')
    .action(
      action(async (_options: object, command: Command) => {
        const config = cliConfig(command);
        printJson(orderSteps(dailyPipeline(config)).map((step) => ({ name: step.name, dependsOn: step.dependsOn })));
      }),
    );
}

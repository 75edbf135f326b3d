import type { Command } from 'commander';
import { action, cliConfig } from '../cli/cli-context';
import { JsonLogger } from '../observability/json-logger';
import { startServer } from './server';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('Start the API (GraphQL on /graphql, health on /health/live and /health/ready)')
    .option('--port <n>', 'port to listen on (overrides C360_PORT)')
    .action(
      action(async (options: { port?: string }, command: Command) => {
        if (options.port) process.env.C360_PORT = options.port;
        const config = cliConfig(command);
        await startServer(config, new JsonLogger(config.logLevel, { component: 'api' }));
      }),
    );
}

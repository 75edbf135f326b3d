import type { Command } from 'commander';
import { action, cliConfig, printJson } from '../cli/cli-context';
import { VARIABLE_INFO } from './environment-variables';

export function registerConfigCommands(program: Command): void {
  const config = program.command('config').description('Configuration');

  config
    .command('check')
    .description('Validate the environment and print the effective configuration (secrets hidden)')
    .action(
      action(async (_options: object, command: Command) => {
        const effective = cliConfig(command);
        printJson({
          ...effective,
          apiKeys: effective.apiKeys.map((key) => ({ name: key.name, scopes: key.scopes })),
          redis: { keyPrefix: effective.redis.keyPrefix },
          identity: { ...effective.identity, idSalt: '(hidden)' },
        });
      }),
    );

  config
    .command('variables')
    .description('Every environment variable c360 reads, with what it does')
    .action(
      action(async () => {
        printJson([...VARIABLE_INFO.entries()].map(([name, info]) => ({ name, description: info.description, sensitive: info.sensitive ?? false })));
      }),
    );
}

import 'reflect-metadata';
import { Command } from 'commander';
import { registerServeCommand } from '../app/serve.command';
import { registerConfigCommands } from '../config/config.command';
import { registerFeaturesCommands } from '../features/features.command';
import { registerFunnelCommand } from '../funnels/funnel.command';
import { registerIdentityCommands } from '../identity/identity.command';
import { registerJobsCommands } from '../jobs/jobs.command';
import { registerLakeCommands } from '../lake/lake.command';
import { registerSegmentsCommands } from '../segments/segments.command';
import { registerStreamCommands } from '../stream/stream.command';

export function buildProgram(): Command {
  const program = new Command('c360')
    .description('Customer-360 profiles and features. JSON answers on stdout; progress and logs on stderr.')
    .option('--home <dir>', 'state of the embedded profile (overrides C360_HOME, default ./data)')
    .option('--lake <dir>', 'lake root (overrides C360_LAKE, default $C360_HOME/lake)')
    .showHelpAfterError()
    .configureOutput({ writeOut: (text) => process.stdout.write(text), writeErr: (text) => process.stderr.write(text) });
  registerLakeCommands(program);
  registerIdentityCommands(program);
  registerJobsCommands(program);
  registerConfigCommands(program);
  registerServeCommand(program);
  registerStreamCommands(program);
  registerFunnelCommand(program);
  registerFeaturesCommands(program);
  registerSegmentsCommands(program);
  return program;
}

export async function main(argv: readonly string[] = process.argv): Promise<void> {
  await buildProgram().parseAsync([...argv]);
}

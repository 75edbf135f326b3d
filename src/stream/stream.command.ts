import type { Command } from 'commander';
import Fastify from 'fastify';
import { ApiKeyAuthenticator } from '../auth/api-key-authenticator';
import { registerAuthentication } from '../auth/authentication.hook';
import { action, cliConfig, cliLogger, positiveInteger, printJson } from '../cli/cli-context';
import { replayDeadLetters } from './dead-letter/replay-dead-letters';
import { registerMetricsRoute } from './metrics/metrics.route';
import { StreamRuntime } from './stream-runtime';

/** Resolves on the first SIGTERM or SIGINT. */
function shutdownSignal(): Promise<string> {
  return new Promise((resolve) => {
    const done = (signal: string) => {
      process.off('SIGTERM', done);
      process.off('SIGINT', done);
      resolve(signal);
    };
    process.on('SIGTERM', done);
    process.on('SIGINT', done);
  });
}

export function registerStreamCommands(program: Command): void {
  const stream = program.command('stream').description('Event stream: real-time feature consumers and dead letters');

  stream
    .command('consume')
    .description('Run the real-time feature consumers until SIGTERM/SIGINT (then stop fetching, finish, commit, disconnect)')
    .option('--metrics-port <n>', 'also serve Prometheus /metrics (API key required) on this port', positiveInteger('--metrics-port'))
    .action(
      action(async (options: { metricsPort?: number }, command: Command) => {
        const config = cliConfig(command);
        const logger = cliLogger(config);
        const runtime = await StreamRuntime.open(config, { logger });
        const metricsServer = Fastify();
        try {
          await runtime.startConsumer();
          if (options.metricsPort !== undefined) {
            registerAuthentication(metricsServer, new ApiKeyAuthenticator(config.apiKeys));
            registerMetricsRoute(metricsServer, runtime.metrics);
            await metricsServer.listen({ port: options.metricsPort, host: config.http.host });
          }
          const signal = await shutdownSignal();
          logger.info('stream consumer stopping', { signal });
        } finally {
          await metricsServer.close();
          await runtime.close();
        }
        logger.info('stream consumer stopped');
      }),
    );

  stream
    .command('replay-dead-letters')
    .description('Reprocess every dead letter stored so far (after a fix); letters refused again stay for a later replay')
    .action(
      action(async (_options: object, command: Command) => {
        const config = cliConfig(command);
        const runtime = await StreamRuntime.open(config, { logger: cliLogger(config) });
        try {
          printJson(await replayDeadLetters(runtime.deadLetters, runtime.collector, runtime.bus));
        } finally {
          await runtime.close();
        }
      }),
    );
}

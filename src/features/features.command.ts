import { InvalidArgumentError, type Command } from 'commander';
import { action, cliConfig, cliLogger, day, printJson } from '../cli/cli-context';
import { FeatureRegistry } from './feature-registry';
import { jsonLines } from './json-lines';
import { materializeFeatures } from './materialize-features';
import { exportFeatures } from './offline/export-features';
import { featureHistory } from './offline/feature-history';
import { openFeatureLake, openFeatureLakeAndStore } from './open-feature-deps';

function names(value: string): string[] {
  const list = value
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (list.length === 0) throw new InvalidArgumentError('--names needs at least one feature name, e.g. orders_30d,gmv_30d');
  return list;
}

/** `c360 features …`: materialize, export, list, and point-in-time history. */
export function registerFeaturesCommands(program: Command): void {
  const features = program.command('features').description('Customer features: batch materialization, exports and training data');
  const registry = new FeatureRegistry();

  features
    .command('materialize')
    .description('Compute every feature as of the end of day D (23:59:59.999 UTC): writes features/customer_features/dt=D/ and loads the online store; prints a summary')
    .requiredOption('--date <day>', 'the as-of day, YYYY-MM-DD', day('--date'))
    .action(
      action(async (options: { date: string }, command: Command) => {
        const config = cliConfig(command);
        const logger = cliLogger(config);
        const opened = await openFeatureLakeAndStore(config, logger);
        try {
          printJson(await materializeFeatures({ date: options.date }, { ...opened, logger }));
        } finally {
          await opened.close();
        }
      }),
    );

  features
    .command('export')
    .description('Print {"customerId","features":{…}} per line from the newest (or the given) materialized day')
    .requiredOption('--names <a,b>', 'feature names or view:name references, comma-separated', names)
    .option('--date <day>', 'the materialized as-of day to read, YYYY-MM-DD (default: the newest)', day('--date'))
    .action(
      action(async (options: { names: string[]; date?: string }, command: Command) => {
        const selected = registry.validate(options.names);
        const config = cliConfig(command);
        const opened = await openFeatureLake(config);
        try {
          const result = await exportFeatures(opened.engine, opened.layout, { features: selected, date: options.date }, jsonLines(process.stdout));
          cliLogger(config).info('features.export: done', { date: result.date, customers: result.customers });
        } finally {
          await opened.close();
        }
      }),
    );

  features
    .command('list')
    .description('The feature registry as JSON: every feature (name, view, type, window, ttl, sensitivity, streamed) and feature service')
    .action(
      action(async () => {
        printJson({ features: registry.all(), services: registry.allServices() });
      }),
    );

  features
    .command('history')
    .description(
      'Point-in-time training data: for each (customer_id, timestamp) row of --entities, the features as of the last daily ' +
        'materialization before the timestamp (the newest day whose end, 23:59:59.999 UTC, is at or before it), so no value ' +
        'from after the timestamp leaks in; null when no materialized day precedes it. Prints ' +
        '{"customerId","timestamp","featuresAsOf","features":{…}} per line, in input order',
    )
    .requiredOption('--entities <file>', 'CSV with a header row, or JSON lines (.jsonl), with customer_id and timestamp (ISO-8601; no offset means UTC)')
    .requiredOption('--names <a,b>', 'feature names or view:name references, comma-separated', names)
    .action(
      action(async (options: { entities: string; names: string[] }, command: Command) => {
        const selected = registry.validate(options.names);
        const config = cliConfig(command);
        const opened = await openFeatureLake(config);
        try {
          const result = await featureHistory(opened.engine, opened.layout, { entitiesFile: options.entities, features: selected }, jsonLines(process.stdout));
          cliLogger(config).info('features.history: done', { rows: result.rows });
        } finally {
          await opened.close();
        }
      }),
    );
}

import type { Command } from 'commander';
import { action, cliConfig, cliLogger, positiveInteger, printJson } from '../cli/cli-context';
import { jsonLines } from '../features/json-lines';
import { exportCustomers } from './audit/export-customers';
import { auditIdentity } from './audit/identity-audit';
import { resolveIdentifier } from './audit/resolve-identifier';
import { openIdentityDeps, openIdentityLake } from './batch/open-stitch-deps';
import { openIdentityStore } from './open-identity-store';
import { stitchLake } from './batch/stitch-lake';

const REVEAL_PII = 'print phones and emails in full (they are masked by default; never logged either way)';

/** `c360 identity …`: batch stitching, lookups, export and audit of the identity graph. */
export function registerIdentityCommands(program: Command): void {
  const identity = program.command('identity').description('The identity graph: stitch identifiers into customers, resolve, export and audit them');

  identity
    .command('stitch')
    .description(
      'Stitch the processed zone into customers: writes identity/identity_map (id_type, id_value, customer_id, id_key), identity_edges ' +
        '(links with provenance, their ends named by id_key) and identity_blocked, and syncs the identity store (customers keep their ids across runs; merges are recorded); prints a summary',
    )
    .action(
      action(async (_options: object, command: Command) => {
        const config = cliConfig(command);
        const logger = cliLogger(config);
        const opened = await openIdentityDeps(config, logger);
        try {
          printJson(await stitchLake(opened.engine, opened.layout, { store: opened.store, rules: config.identity, logger }));
        } finally {
          await opened.close();
        }
      }),
    );

  identity
    .command('resolve')
    .description('The customer holding an identifier (normalized as stitching does, followed through merges): prints {"customerId","identities","mergedFrom"}')
    .requiredOption('--type <type>', 'identifier type: user_id, email, phone, device_id, anonymous_id, …')
    .requiredOption('--value <value>', 'identifier value as seen anywhere (e.g. "+91 98111 11111" or " Jane@Example.com")')
    .option('--reveal-pii', REVEAL_PII, false)
    .action(
      action(async (options: { type: string; value: string; revealPii: boolean }, command: Command) => {
        const config = cliConfig(command);
        const store = await openIdentityStore(config, { logger: cliLogger(config) });
        try {
          printJson(await resolveIdentifier(store, config.identity, { type: options.type, value: options.value }, { revealPii: options.revealPii }));
        } finally {
          await store.close();
        }
      }),
    );

  identity
    .command('export')
    .description('Every customer as a JSON line {"customerId","identities":[{"type","value"}],"mergedFrom"}; phones and emails masked unless --reveal-pii')
    .option('--reveal-pii', REVEAL_PII, false)
    .action(
      action(async (options: { revealPii: boolean }, command: Command) => {
        const config = cliConfig(command);
        const logger = cliLogger(config);
        const store = await openIdentityStore(config, { logger });
        try {
          const customers = await exportCustomers(store, { revealPii: options.revealPii }, jsonLines(process.stdout));
          logger.info('identity.export: done', { customers, revealPii: options.revealPii });
        } finally {
          await store.close();
        }
      }),
    );

  identity
    .command('audit')
    .description(
      'A report on the last stitch (like RudderStack\u2019s pb audit id_stitcher): customer sizes, the largest customers, the most ' +
        'connected identifiers, identifiers whose links the rules refused (capped, indirect, separated) and blocked values',
    )
    .option('--top <n>', 'rows per list', positiveInteger('--top'), 10)
    .option('--reveal-pii', REVEAL_PII, false)
    .action(
      action(async (options: { top: number; revealPii: boolean }, command: Command) => {
        const config = cliConfig(command);
        const opened = await openIdentityLake(config);
        try {
          printJson(await auditIdentity(opened.engine, opened.layout, { top: options.top, revealPii: options.revealPii }));
        } finally {
          await opened.close();
        }
      }),
    );
}

import { readFileSync } from 'node:fs';
import * as os from 'node:os';
import { InvalidArgumentError, type Command } from 'commander';
import { action, cliConfig, cliLogger, day, nonNegativeInteger, positiveInteger, printJson } from '../cli/cli-context';
import { jsonLines, textLines } from '../features/json-lines';
import { AD_PLATFORMS, type AdPlatform } from './export/ad-identifiers';
import { CSV_HEADER, csvRows, exportAudience } from './export/audience-export';
import { materializeSegments } from './materialize/materialize-segments';
import { openSegments, type OpenedSegments } from './open-segments';

/** `--definition '{"all": […]}'` or `--definition @segment.json`. */
function definitionArgument(value: string): unknown {
  let text = value;
  if (value.startsWith('@')) {
    try {
      text = readFileSync(value.slice(1), 'utf8');
    } catch (error) {
      throw new InvalidArgumentError(`cannot read ${value.slice(1)}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new InvalidArgumentError(`--definition must be JSON or @file with JSON (${error instanceof Error ? error.message : String(error)})`);
  }
}

function defaultActor(): string {
  try {
    return `cli:${os.userInfo().username}`;
  } catch {
    return 'cli';
  }
}

function platformArgument(value: string): AdPlatform {
  if (!(AD_PLATFORMS as readonly string[]).includes(value)) throw new InvalidArgumentError(`--platform must be one of ${AD_PLATFORMS.join(', ')}`);
  return value as AdPlatform;
}

function formatArgument(value: string): 'csv' | 'jsonl' {
  if (value !== 'csv' && value !== 'jsonl') throw new InvalidArgumentError('--format must be csv or jsonl');
  return value;
}

/** Runs `work` with the segments services of the command's configuration, closing them after. */
async function withSegments(command: Command, work: (segments: OpenedSegments) => Promise<void>): Promise<void> {
  const config = cliConfig(command);
  const segments = await openSegments(config, cliLogger(config));
  try {
    await work(segments);
  } finally {
    await segments.close();
  }
}

/** `c360 segments …`: define, preview, materialize and export audiences. */
export function registerSegmentsCommands(program: Command): void {
  const segments = program.command('segments').description('Audiences from features and behaviour (docs/SEGMENTS.md): define, preview, materialize, export');

  segments
    .command('list')
    .description('Every segment as JSON (archived ones with --all)')
    .option('--all', 'include archived segments')
    .action(action(async (options: { all?: boolean }, command: Command) => withSegments(command, async ({ catalog }) => printJson(await catalog.list(options.all ?? false)))));

  segments
    .command('show')
    .description('One segment with its history of changes (who, when, before, after)')
    .requiredOption('--id <id>', 'segment id')
    .action(
      action(async (options: { id: string }, command: Command) =>
        withSegments(command, async ({ catalog }) => printJson({ segment: await catalog.get(options.id), history: await catalog.history(options.id) })),
      ),
    );

  segments
    .command('create')
    .description('Create a segment; the definition is checked first, and every problem is named with its path')
    .requiredOption('--name <name>', 'unique name')
    .requiredOption('--definition <json|@file>', 'the definition, as JSON or @file.json', definitionArgument)
    .option('--id <id>', 'a readable id (lower-case letters, digits, _ or -); minted when absent')
    .option('--description <text>', 'what the audience is for')
    .option('--actor <who>', 'recorded in the audit trail (default cli:<user>)', defaultActor())
    .action(
      action(async (options: { name: string; definition: unknown; id?: string; description?: string; actor: string }, command: Command) =>
        withSegments(command, async ({ catalog }) => printJson(await catalog.create({ id: options.id, name: options.name, description: options.description, definition: options.definition }, options.actor))),
      ),
    );

  segments
    .command('update')
    .description('Change a segment (a new, audited version)')
    .requiredOption('--id <id>', 'segment id')
    .option('--name <name>')
    .option('--description <text>')
    .option('--definition <json|@file>', 'the new definition', definitionArgument)
    .option('--expected-version <n>', 'fail instead of overwriting a change made since version n', positiveInteger('--expected-version'))
    .option('--actor <who>', 'recorded in the audit trail (default cli:<user>)', defaultActor())
    .action(
      action(async (options: { id: string; name?: string; description?: string; definition?: unknown; expectedVersion?: number; actor: string }, command: Command) =>
        withSegments(command, async ({ catalog }) => printJson(await catalog.update(options.id, options, options.actor))),
      ),
    );

  segments
    .command('archive')
    .description('Archive a segment: it is no longer evaluated (its members exit at the next run); its history stays')
    .requiredOption('--id <id>', 'segment id')
    .option('--actor <who>', 'recorded in the audit trail (default cli:<user>)', defaultActor())
    .action(action(async (options: { id: string; actor: string }, command: Command) => withSegments(command, async ({ catalog }) => printJson(await catalog.archive(options.id, options.actor)))));

  segments
    .command('preview')
    .description('The exact size of an audience as of a day and a sample of members, consent applied: {"size","matched","excludedByConsent","sample",…}')
    .option('--definition <json|@file>', 'a definition to try', definitionArgument)
    .option('--id <id>', 'or a stored segment')
    .option('--date <day>', 'the as-of day (default: the newest with materialized features)', day('--date'))
    .option('--sample <n>', 'members to sample, 0-100 (default 10)', nonNegativeInteger('--sample'))
    .action(
      action(async (options: { definition?: unknown; id?: string; date?: string; sample?: number }, command: Command) => {
        if ((options.definition === undefined) === (options.id === undefined)) throw new InvalidArgumentError('give either --definition or --id');
        await withSegments(command, async ({ catalog, audiences }) => {
          const definition = options.id === undefined ? options.definition : (await catalog.get(options.id)).definition;
          printJson(await audiences.preview({ definition, date: options.date, sample: options.sample }));
        });
      }),
    );

  segments
    .command('materialize')
    .description('Every active segment as of the end of day D: membership snapshot, entered/exited change feed, online memberships; prints a summary')
    .requiredOption('--date <day>', 'the as-of day, YYYY-MM-DD (its features must be materialized)', day('--date'))
    .action(
      action(async (options: { date: string }, command: Command) => {
        const config = cliConfig(command);
        const logger = cliLogger(config);
        const opened = await openSegments(config, logger);
        try {
          printJson(await materializeSegments({ date: options.date }, { engine: opened.engine, layout: opened.layout, store: opened.store, catalog: opened.catalog, logger }));
        } finally {
          await opened.close();
        }
      }),
    );

  segments
    .command('export')
    .description(
      'A segment’s members for an ad platform: SHA-256 of each normalized email and phone (Google: E.164 phone with +, gmail dots removed; Meta: phone digits). ' +
        'CSV (customer_id,email_sha256,phone_sha256; one row per email/phone pair) or JSON lines {"customerId","emailSha256":[…],"phoneSha256":[…]}; members without either are left out',
    )
    .requiredOption('--id <id>', 'segment id')
    .option('--date <day>', 'the snapshot day (default: the newest)', day('--date'))
    .option('--format <csv|jsonl>', 'output format', formatArgument, 'csv' as const)
    .option('--platform <google|meta>', 'how phones are written before hashing', platformArgument, 'google' as const)
    .option('--allow-health', 'export even though the rule selects on health features (ad platforms forbid health-based targeting)')
    .action(
      action(async (options: { id: string; date?: string; format: 'csv' | 'jsonl'; platform: AdPlatform; allowHealth?: boolean }, command: Command) => {
        const config = cliConfig(command);
        await withSegments(command, async ({ catalog, engine, layout }) => {
          const line = jsonLines(process.stdout);
          const text = textLines(process.stdout);
          const write = (row: string) => text(`${row}\n`);
          if (options.format === 'csv') await write(CSV_HEADER);
          const summary = await exportAudience(catalog, engine, layout, { segmentId: options.id, date: options.date, platform: options.platform, allowHealth: options.allowHealth }, async (member) => {
            if (options.format === 'jsonl') await line(member);
            else for (const row of csvRows(member)) await write(row);
          });
          cliLogger(config).info('segments.export: done', { ...summary });
        });
      }),
    );

  segments
    .command('changes')
    .description('The change feed: {"segmentId","customerId","change":"entered"|"exited","at","detectedAt",…} per line, for the days from … to')
    .requiredOption('--from <day>', 'first day', day('--from'))
    .requiredOption('--to <day>', 'last day', day('--to'))
    .option('--id <id>', 'one segment only')
    .action(
      action(async (options: { from: string; to: string; id?: string }, command: Command) =>
        withSegments(command, async ({ audiences }) => {
          const line = jsonLines(process.stdout);
          for await (const change of audiences.snapshots.changes(options.from, options.to, options.id)) await line(change);
        }),
      ),
    );
}

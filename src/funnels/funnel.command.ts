import { InvalidArgumentError, type Command } from 'commander';
import { action, cliConfig, cliLogger, day, printJson } from '../cli/cli-context';
import type { FunnelStepInput } from './funnel-validation';
import { openFunnels } from './open-funnels';

interface FunnelOptions {
  promotion?: string;
  steps?: FunnelStepInput[];
  from: string;
  to: string;
  window?: string;
  viewThroughWindow?: string;
  breakdown?: string;
  adHoc?: boolean;
}

function stepsJson(value: string): FunnelStepInput[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new InvalidArgumentError('--steps must be JSON, e.g. [{"event":"Product Viewed"},{"order":true}]');
  }
  if (!Array.isArray(parsed) || !parsed.every((step) => typeof step === 'object' && step !== null && !Array.isArray(step))) {
    throw new InvalidArgumentError('--steps must be a JSON array of steps');
  }
  return parsed as FunnelStepInput[];
}

/** `c360 funnel`: the campaign funnel of a promotion, or an ad hoc funnel, as one JSON document. */
export function registerFunnelCommand(program: Command): void {
  program
    .command('funnel')
    .description('A campaign funnel (--promotion) or an ad hoc funnel (--steps) over stitched customers; prints {"steps":[{"name","customers",…}],…}')
    .option('--promotion <id>', 'promotion (banner) id: Promotion Viewed → Clicked → Product Added → order placed, plus view-through')
    .option('--steps <json>', 'ad hoc steps, e.g. [{"event":"Product Viewed"},{"event":"Product Added","filters":[{"property":"category","equals":"medicines"}]},{"order":true}]', stepsJson)
    .requiredOption('--from <day>', 'first entry day, YYYY-MM-DD', day('--from'))
    .requiredOption('--to <day>', 'last entry day, YYYY-MM-DD', day('--to'))
    .option('--window <w>', 'conversion window from step 1, e.g. 7d, 36h (default 7d, at most 90d)')
    .option('--view-through-window <w>', 'view-through window for --promotion (default 1d)')
    .option('--breakdown <b>', 'day, platform or vertical')
    .option('--ad-hoc', 'compute on the lake even when precomputed metrics cover the range')
    .action(
      action(async (options: FunnelOptions, command: Command) => {
        if ((options.promotion === undefined) === (options.steps === undefined)) {
          throw new InvalidArgumentError('give either --promotion or --steps');
        }
        const config = cliConfig(command);
        const funnels = await openFunnels(config, cliLogger(config));
        try {
          const { from, to, window, breakdown } = options;
          printJson(
            options.promotion !== undefined
              ? await funnels.service.campaignFunnel({ promotionId: options.promotion, from, to, window, viewThroughWindow: options.viewThroughWindow, breakdown, adHoc: options.adHoc })
              : await funnels.service.funnel({ steps: options.steps ?? [], from, to, window, breakdown }),
          );
        } finally {
          await funnels.close();
        }
      }),
    );
}

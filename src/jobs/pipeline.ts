import type { Logger } from '../shared/logger.port';

export interface StepContext {
  /** The day the run is for, YYYY-MM-DD (UTC). */
  date: string;
  logger: Logger;
}

/** One step of the daily pipeline; later domains register theirs (identity, features, segments, funnels). */
export interface PipelineStep {
  name: string;
  dependsOn: readonly string[];
  run(context: StepContext): Promise<object>;
}

export type StepStatus = 'succeeded' | 'failed' | 'skipped';

export interface StepResult {
  name: string;
  status: StepStatus;
  ms: number;
  output?: object;
  error?: string;
}

export interface RunSummary {
  date: string;
  status: 'succeeded' | 'failed';
  ms: number;
  steps: StepResult[];
}

/** Steps in dependency order, ties kept in registration order; unknown or cyclic dependencies are refused. */
export function orderSteps(steps: readonly PipelineStep[]): PipelineStep[] {
  const byName = new Map(steps.map((step) => [step.name, step]));
  if (byName.size !== steps.length) throw new Error('pipeline: two steps share a name');
  for (const step of steps) {
    const unknown = step.dependsOn.find((dependency) => !byName.has(dependency));
    if (unknown) throw new Error(`pipeline: step ${step.name} depends on unknown step ${unknown}`);
  }
  const ordered: PipelineStep[] = [];
  const done = new Set<string>();
  while (ordered.length < steps.length) {
    const ready = steps.find((step) => !done.has(step.name) && step.dependsOn.every((dependency) => done.has(dependency)));
    if (!ready) {
      const stuck = steps.filter((step) => !done.has(step.name)).map((step) => step.name);
      throw new Error(`pipeline: dependency cycle among ${stuck.join(', ')}`);
    }
    ordered.push(ready);
    done.add(ready.name);
  }
  return ordered;
}

/**
 * Runs every step in dependency order. A failed step does not stop independent steps, but
 * every step that depends on it (directly or not) is skipped, so no step reads stale inputs.
 */
export async function runPipeline(steps: readonly PipelineStep[], context: StepContext, now: () => number = Date.now): Promise<RunSummary> {
  const started = now();
  const results = new Map<string, StepResult>();
  const ordered = orderSteps(steps);
  for (const [index, step] of ordered.entries()) {
    const blockedBy = step.dependsOn.find((dependency) => results.get(dependency)?.status !== 'succeeded');
    if (blockedBy) {
      results.set(step.name, { name: step.name, status: 'skipped', ms: 0, error: `depends on ${blockedBy}, which did not succeed` });
      context.logger.warn('step skipped', { step: step.name, blockedBy });
      continue;
    }
    context.logger.info('step started', { step: step.name, position: `${index + 1}/${ordered.length}`, date: context.date });
    const stepStarted = now();
    try {
      const output = await step.run(context);
      results.set(step.name, { name: step.name, status: 'succeeded', ms: now() - stepStarted, output });
      context.logger.info('step succeeded', { step: step.name, ms: now() - stepStarted });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      results.set(step.name, { name: step.name, status: 'failed', ms: now() - stepStarted, error: message });
      context.logger.error('step failed', { step: step.name, error: message });
    }
  }
  const stepResults = ordered.map((step) => results.get(step.name)).filter((result): result is StepResult => result !== undefined);
  return {
    date: context.date,
    status: stepResults.every((result) => result.status === 'succeeded') ? 'succeeded' : 'failed',
    ms: now() - started,
    steps: stepResults,
  };
}

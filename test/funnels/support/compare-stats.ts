import { strict as assert } from 'node:assert';
import type { FunnelGroupStats } from '../../../src/funnels/funnel-stats';

/** A group's identity: promotion, entry day and breakdown value. */
export function groupKey(group: Pick<FunnelGroupStats, 'promotionId' | 'day' | 'value'>): string {
  return JSON.stringify([group.promotionId ?? '', group.day ?? '', group.value === undefined ? '(all)' : group.value]);
}

function rounded(value: number | null): number | null {
  return value === null ? null : Math.round(value * 1000) / 1000;
}

/** Comparable form: counts, revenue and medians, groups without customers dropped. */
export function comparable(groups: readonly FunnelGroupStats[]): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const group of groups) {
    if ((group.steps[0]?.customers ?? 0) === 0) continue;
    result[groupKey(group)] = {
      customers: group.steps.map((step) => step.customers),
      medianFromPreviousMs: group.steps.map((step) => rounded(step.medianFromPreviousMs)),
      medianFromFirstMs: group.steps.map((step) => rounded(step.medianFromFirstMs)),
      revenue: rounded(group.revenue),
    };
  }
  return result;
}

export function assertSameStats(actual: readonly FunnelGroupStats[], expected: readonly FunnelGroupStats[], message?: string): void {
  assert.deepEqual(comparable(actual), comparable(expected), message);
}

/** The one group of an ungrouped funnel, as plain step counts. */
export function counts(groups: readonly FunnelGroupStats[]): number[] {
  assert.ok(groups.length <= 1, `expected one group, got ${groups.length}`);
  return groups[0]?.steps.map((step) => step.customers) ?? [];
}

import { LinkOutcome } from '../graph/constrained-union-find';
import { countByType, identifierKey, PII_TYPES, USER_ID, type Identifier } from '../identifier';
import type { Separation } from '../identity-store.port';
import type { CompiledRules } from '../rules/identity-rules';

/** Separation sides by identifier: token 2k + side for separation k, as batch stitching numbers them. */
export class SeparationIndex {
  private readonly tokens = new Map<string, number[]>();

  constructor(separations: readonly Separation[]) {
    separations.forEach((separation, index) => {
      separation.sides.forEach((side, sideIndex) => {
        for (const identifier of side) {
          const key = identifierKey(identifier);
          this.tokens.set(key, [...(this.tokens.get(key) ?? []), 2 * index + sideIndex]);
        }
      });
    });
  }

  /** Whether one group holds a side of a separation whose other side the other group holds. */
  keepsApart(left: readonly Identifier[], right: readonly Identifier[]): boolean {
    if (this.tokens.size === 0) return false;
    const leftTokens = new Set(left.flatMap((identifier) => this.tokens.get(identifierKey(identifier)) ?? []));
    if (leftTokens.size === 0) return false;
    return right.some((identifier) => (this.tokens.get(identifierKey(identifier)) ?? []).some((token) => leftTokens.has(token ^ 1)));
  }
}

/**
 * Whether the link a–b may join the customer holding `left` (a's) with the one holding `right`
 * (b's): the rules of ConstrainedUnionFind, in the same order, on identifier lists instead of
 * counters, so a link refused in batch is refused here and the other way round.
 */
export function joinOutcome(
  a: Identifier,
  b: Identifier,
  left: readonly Identifier[],
  right: readonly Identifier[],
  rules: CompiledRules,
  separations: SeparationIndex | undefined,
): LinkOutcome {
  const leftCounts = countByType(left);
  const rightCounts = countByType(right);
  for (const [type, count] of leftCounts) if (count + (rightCounts.get(type) ?? 0) > rules.cap(type)) return LinkOutcome.CAPPED;
  for (const [type, count] of rightCounts) if (!leftCounts.has(type) && count > rules.cap(type)) return LinkOutcome.CAPPED;
  if (a.type !== USER_ID && b.type !== USER_ID) {
    const holdsPersonal = (counts: Map<string, number>) => [...counts.keys()].some((type) => PII_TYPES.has(type));
    if ((leftCounts.has(USER_ID) && holdsPersonal(rightCounts)) || (rightCounts.has(USER_ID) && holdsPersonal(leftCounts))) return LinkOutcome.INDIRECT;
  }
  if (separations?.keepsApart(left, right)) return LinkOutcome.SEPARATED;
  return LinkOutcome.LINKED;
}

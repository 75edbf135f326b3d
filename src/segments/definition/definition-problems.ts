import { SegmentsException, SegmentsExceptionCode } from '../segments.exception';

/** One thing wrong with a definition: where (`$.all[1].value`), what kind, and what to do. */
export interface DefinitionProblem {
  path: string;
  reason: SegmentsExceptionCode;
  message: string;
}

/** Messages listed per problem; more would bury the first in a wall of text. */
const SHOWN = 10;

/**
 * Collects every problem of a definition, so marketing fixes them in one go rather than one per
 * try; `throwIfAny` turns them into one error whose reason is the first problem's.
 */
export class DefinitionProblems {
  readonly list: DefinitionProblem[] = [];

  add(path: string, reason: SegmentsExceptionCode, message: string): void {
    this.list.push({ path, reason, message });
  }

  get empty(): boolean {
    return this.list.length === 0;
  }

  throwIfAny(): void {
    const [first] = this.list;
    if (first === undefined) return;
    const shown = this.list.slice(0, SHOWN).map((problem) => `${problem.path}: ${problem.message}`);
    const more = this.list.length > SHOWN ? `; and ${this.list.length - SHOWN} more` : '';
    throw new SegmentsException(first.reason, `invalid segment definition: ${shown.join('; ')}${more}`, { path: first.path, problems: this.list.length });
  }
}

/** The closest of `names` to `wanted` by edit distance, if close enough to be a likely typo. */
export function closestName(wanted: string, names: Iterable<string>): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of names) {
    const distance = editDistance(wanted.toLowerCase(), name.toLowerCase());
    if (best === undefined || distance < best.distance) best = { name, distance };
  }
  return best !== undefined && best.distance <= Math.max(2, Math.floor(wanted.length / 4)) ? best.name : undefined;
}

function editDistance(a: string, b: string): number {
  if (a.length > 100 || b.length > 100) return Math.abs(a.length - b.length) + 100;
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current.push(Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)));
    previous = current;
  }
  return previous[b.length];
}

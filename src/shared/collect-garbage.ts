import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | undefined;

/**
 * Runs a full garbage collection now. For a batch job that drops hundreds of megabytes of typed
 * arrays and then waits on native work (the lake engine): that work allocates almost nothing on
 * the JavaScript heap, so no collection would run on its own and the arrays would stay resident
 * through the engine's peak. The flag is the one jest's leak detector sets the same way.
 */
export function collectGarbage(): void {
  if (!collect) {
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  }
  collect();
}

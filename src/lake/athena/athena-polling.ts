/** Waits between GetQueryExecution calls: `initialMs`, doubling, capped at `maxMs`. */
export function* backoffDelays(initialMs: number, maxMs: number): Generator<number, never> {
  let delay = Math.max(1, initialMs);
  for (;;) {
    yield Math.min(delay, maxMs);
    delay = Math.min(delay * 2, maxMs);
  }
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Why a query's scope ended early: its time budget ran out, or someone aborted it. */
export type ScopeEnd = { kind: 'timeout'; timeoutMs: number } | { kind: 'aborted'; why: string };

/**
 * One query's lifetime: a deadline plus any number of outside signals (the caller's, the engine's
 * close), folded into one signal that every SDK call and sleep of the query listens to. `end` says
 * which one fired, so the error can say "timed out" rather than a bare AbortError.
 */
export class QueryScope {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private readonly detach: Array<() => void> = [];
  end: ScopeEnd | undefined;

  constructor(timeoutMs: number, signals: ReadonlyArray<{ signal: AbortSignal; why: string } | undefined>) {
    this.timer = setTimeout(() => this.finish({ kind: 'timeout', timeoutMs }), timeoutMs);
    for (const entry of signals) {
      if (!entry) continue;
      if (entry.signal.aborted) {
        this.finish({ kind: 'aborted', why: entry.why });
        continue;
      }
      const onAbort = () => this.finish({ kind: 'aborted', why: entry.why });
      entry.signal.addEventListener('abort', onAbort, { once: true });
      this.detach.push(() => entry.signal.removeEventListener('abort', onAbort));
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Stops the deadline timer and listeners; call once the query is over, whatever the outcome. */
  dispose(): void {
    clearTimeout(this.timer);
    for (const detach of this.detach.splice(0)) detach();
  }

  private finish(end: ScopeEnd): void {
    if (this.end) return;
    this.end = end;
    this.controller.abort(new Error(end.kind === 'timeout' ? `timed out after ${end.timeoutMs} ms` : end.why));
  }
}

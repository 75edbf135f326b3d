/** One configuration variable that failed validation, and what was expected of it. */
export interface ConfigProblem {
  variable: string;
  expected: string;
  /** The offending value, or `(hidden)` for sensitive variables. */
  got: string;
}

/** Thrown at start-up when configuration is invalid; its message names every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(
      `Invalid configuration:\n${problems.map((p) => `  ${p.variable}: ${p.expected} (got ${p.got})`).join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

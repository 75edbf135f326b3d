/** Something the API depends on; readiness fails while any check fails. */
export interface ReadinessCheck {
  readonly name: string;
  /** Resolves when the dependency answers; rejects with a reason otherwise. */
  check(): Promise<void>;
}

export const READINESS_CHECKS = Symbol('READINESS_CHECKS');

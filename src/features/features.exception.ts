import { DomainError } from '../shared/domain-error';

export enum FeaturesExceptionCode {
  UNKNOWN_FEATURE = 'UNKNOWN_FEATURE',
  UNKNOWN_SERVICE = 'UNKNOWN_SERVICE',
  NO_FEATURES_PARTITION = 'NO_FEATURES_PARTITION',
  NO_IDENTITY_MAP = 'NO_IDENTITY_MAP',
  BAD_ENTITIES_FILE = 'BAD_ENTITIES_FILE',
  RERUN_LIMIT = 'RERUN_LIMIT',
}

const CLIENT_CODES: Readonly<Record<FeaturesExceptionCode, DomainError['code']>> = {
  [FeaturesExceptionCode.UNKNOWN_FEATURE]: 'BAD_USER_INPUT',
  [FeaturesExceptionCode.UNKNOWN_SERVICE]: 'NOT_FOUND',
  [FeaturesExceptionCode.NO_FEATURES_PARTITION]: 'NOT_FOUND',
  [FeaturesExceptionCode.NO_IDENTITY_MAP]: 'UNAVAILABLE',
  [FeaturesExceptionCode.BAD_ENTITIES_FILE]: 'BAD_USER_INPUT',
  [FeaturesExceptionCode.RERUN_LIMIT]: 'CONFLICT',
};

/** A features-domain failure a caller can act on; the message is safe to show (names, never values). */
export class FeaturesException extends DomainError {
  constructor(
    readonly reason: FeaturesExceptionCode,
    message: string,
    details: Record<string, string | number | boolean> = {},
  ) {
    super(CLIENT_CODES[reason], message, { reason, ...details });
    this.name = 'FeaturesException';
  }
}

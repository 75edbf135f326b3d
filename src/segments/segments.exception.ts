import { DomainError } from '../shared/domain-error';

export enum SegmentsExceptionCode {
  INVALID_DEFINITION = 'INVALID_DEFINITION',
  UNKNOWN_FEATURE = 'UNKNOWN_FEATURE',
  TYPE_MISMATCH = 'TYPE_MISMATCH',
  UNBOUNDED_SCAN = 'UNBOUNDED_SCAN',
  UNKNOWN_SEGMENT = 'UNKNOWN_SEGMENT',
  SEGMENT_CYCLE = 'SEGMENT_CYCLE',
  SEGMENT_NOT_FOUND = 'SEGMENT_NOT_FOUND',
  SEGMENT_ARCHIVED = 'SEGMENT_ARCHIVED',
  SEGMENT_IN_USE = 'SEGMENT_IN_USE',
  DUPLICATE_NAME = 'DUPLICATE_NAME',
  VERSION_CONFLICT = 'VERSION_CONFLICT',
  NOT_MATERIALIZED = 'NOT_MATERIALIZED',
  NO_FEATURES = 'NO_FEATURES',
  BAD_ARGUMENT = 'BAD_ARGUMENT',
}

const CLIENT_CODES: Readonly<Record<SegmentsExceptionCode, DomainError['code']>> = {
  [SegmentsExceptionCode.INVALID_DEFINITION]: 'BAD_USER_INPUT',
  [SegmentsExceptionCode.UNKNOWN_FEATURE]: 'BAD_USER_INPUT',
  [SegmentsExceptionCode.TYPE_MISMATCH]: 'BAD_USER_INPUT',
  [SegmentsExceptionCode.UNBOUNDED_SCAN]: 'BAD_USER_INPUT',
  [SegmentsExceptionCode.UNKNOWN_SEGMENT]: 'BAD_USER_INPUT',
  [SegmentsExceptionCode.SEGMENT_CYCLE]: 'BAD_USER_INPUT',
  [SegmentsExceptionCode.SEGMENT_NOT_FOUND]: 'NOT_FOUND',
  [SegmentsExceptionCode.SEGMENT_ARCHIVED]: 'CONFLICT',
  [SegmentsExceptionCode.SEGMENT_IN_USE]: 'CONFLICT',
  [SegmentsExceptionCode.DUPLICATE_NAME]: 'CONFLICT',
  [SegmentsExceptionCode.VERSION_CONFLICT]: 'CONFLICT',
  [SegmentsExceptionCode.NOT_MATERIALIZED]: 'NOT_FOUND',
  [SegmentsExceptionCode.NO_FEATURES]: 'UNAVAILABLE',
  [SegmentsExceptionCode.BAD_ARGUMENT]: 'BAD_USER_INPUT',
};

/** A segments-domain failure a caller can act on; the message names paths and features, never customer data. */
export class SegmentsException extends DomainError {
  constructor(
    readonly reason: SegmentsExceptionCode,
    message: string,
    details: Record<string, string | number | boolean> = {},
  ) {
    super(CLIENT_CODES[reason], message, { reason, ...details });
    this.name = 'SegmentsException';
  }
}

export enum LakeGeneratorErrorCode {
  INVALID_OPTIONS = 'INVALID_OPTIONS',
  RAW_ZONE_NOT_EMPTY = 'RAW_ZONE_NOT_EMPTY',
}

/** A request the generator refuses; the message names the offending option or path. */
export class LakeGeneratorError extends Error {
  constructor(
    readonly code: LakeGeneratorErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'LakeGeneratorError';
  }
}

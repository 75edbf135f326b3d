/** The identity store the API reads (and un-merges through): the configured adapter, opened by IdentityModule. */
export const IDENTITY_STORE = Symbol('IDENTITY_STORE');
/** The incremental stitcher for changes people make through the API (un-merges, recorded as manual). */
export const MANUAL_STITCHER = Symbol('MANUAL_STITCHER');

/** Structured fields attached to a log line. Never put personal data (phone, email, names) here. */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

/** Where domain code reports progress and problems; adapters decide the format and destination. */
export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** A logger that drops everything; for tests and library use. */
export const silentLogger: Logger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

import type { LoggerService } from '@nestjs/common';
import pino from 'pino';
import type { LogFields, Logger } from '../shared/logger.port';

type Level = 'debug' | 'info' | 'warn' | 'error';

/**
 * Structured JSON lines on stderr (stdout is reserved for command output). Callers pass
 * identifiers of things (ids, counts, names of keys), never personal data.
 */
export class JsonLogger implements Logger, LoggerService {
  private readonly pino: pino.Logger;

  constructor(level: Level = 'info', bindings: LogFields = {}, destination: pino.DestinationStream = pino.destination(2)) {
    this.pino = pino({ level, base: { service: 'c360', ...bindings }, timestamp: pino.stdTimeFunctions.isoTime }, destination);
  }

  info(message: string, fields?: LogFields): void {
    this.pino.info(fields ?? {}, message);
  }

  warn(message: string, fields?: LogFields): void {
    this.pino.warn(fields ?? {}, message);
  }

  error(message: string, fields?: LogFields | string): void {
    this.pino.error(typeof fields === 'string' ? { context: fields } : (fields ?? {}), message);
  }

  // LoggerService: NestJS passes its own context name as the last argument.
  log(message: unknown, context?: unknown): void {
    this.pino.info({ context: typeof context === 'string' ? context : undefined }, String(message));
  }

  debug(message: unknown, context?: unknown): void {
    this.pino.debug({ context: typeof context === 'string' ? context : undefined }, String(message));
  }

  verbose(message: unknown, context?: unknown): void {
    this.debug(message, context);
  }
}

import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LOGGER } from '../../app/tokens';
import { DomainError, type ErrorCode } from '../../shared/domain-error';
import type { Logger } from '../../shared/logger.port';

/** The body of every REST error: a code a client can branch on and a message a person can read. */
export interface RestErrorBody {
  error: { code: string; message: string; reference?: string };
}

const STATUS_OF: Readonly<Record<ErrorCode, number>> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  UNAVAILABLE: 503,
};

const CODE_OF_STATUS: Readonly<Record<number, ErrorCode>> = { 400: 'BAD_USER_INPUT', 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 409: 'CONFLICT' };

/**
 * REST errors in one shape, `{ "error": { "code", "message" } }`, with the status the code
 * implies. DomainErrors keep their (safe) message; Nest's own HTTP errors (an unparseable body,
 * say) keep theirs; anything else is a 500 with a reference to the log line and nothing of the
 * error itself, so internals never leak (Feast's server returns `str(exc)`; we do not).
 */
@Catch()
@Injectable()
export class RestExceptionFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const [status, body] = this.describe(exception, String(request.id));
    void reply.code(status).header('content-type', 'application/json; charset=utf-8').send(body);
  }

  private describe(exception: unknown, requestId: string): [number, RestErrorBody] {
    if (exception instanceof DomainError) {
      return [STATUS_OF[exception.code], { error: { code: exception.code, message: exception.message } }];
    }
    if (exception instanceof HttpException) {
      const code = CODE_OF_STATUS[exception.getStatus()];
      if (code) return [exception.getStatus(), { error: { code, message: exception.message } }];
    }
    const error = exception instanceof Error ? exception : new Error(String(exception));
    this.logger.error('unexpected error in a REST handler', { requestId, error: error.name, detail: error.message.slice(0, 300) });
    return [500, { error: { code: 'INTERNAL_SERVER_ERROR', message: `Internal error (reference ${requestId})`, reference: requestId } }];
  }
}

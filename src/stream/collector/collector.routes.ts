import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { EVENT_TYPES } from '../clickstream-event';
import type { CollectorEndpoint, CollectorService } from './collector.service';
import type { CollectorOutcome } from './collector-outcome';
import { decodeBody } from './decode-body';

const MESSAGES: Record<CollectorOutcome['status'] | 415, string> = {
  200: 'OK',
  400: 'Invalid request: events refused (see rejected)',
  401: 'Invalid write key: send it as the Basic-auth user name',
  413: 'Request too large',
  415: 'Unsupported Content-Encoding (use gzip, deflate or none)',
  429: 'Too many events: retry after the Retry-After seconds',
  503: 'Events could not be stored; retry',
};

function send(reply: FastifyReply, outcome: CollectorOutcome | { status: 415 | 400 | 413 }): FastifyReply {
  if (outcome.status === 429 && 'retryAfterSeconds' in outcome) void reply.header('retry-after', String(outcome.retryAfterSeconds));
  if (outcome.status === 503) void reply.header('retry-after', '1');
  const { status, ...details } = outcome;
  return reply.code(status).send(status === 200 ? { success: true, ...details } : { success: false, message: MESSAGES[status], ...details });
}

/**
 * The collector's HTTP routes, `/v1/<type>` and `/v1/batch`, in their own Fastify context: the
 * body arrives as raw bytes whatever its Content-Type (the RudderStack SDK posts gzip without a
 * JSON type), capped at `maxRequestBytes` before and after decoding, so the service sees the
 * exact text an invalid body had and can dead-letter it.
 */
export function registerCollectorRoutes(fastify: FastifyInstance, service: CollectorService, maxRequestBytes: number): void {
  void fastify.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: maxRequestBytes }, (_request, body, done) => done(null, body));
    scope.setErrorHandler(async (error: { statusCode?: number }, _request, reply) => {
      // Fastify's own refusals: body over the limit (413), malformed framing (400).
      const status = error.statusCode === 413 ? 413 : error.statusCode !== undefined && error.statusCode < 500 ? 400 : 503;
      return send(reply, status === 413 ? { status: 413, reason: 'request_too_large' } : status === 400 ? { status: 400 } : { status: 503 });
    });
    const endpoints: CollectorEndpoint[] = [...EVENT_TYPES, 'batch'];
    for (const endpoint of endpoints) {
      scope.post(`/v1/${endpoint}`, async (request: FastifyRequest, reply: FastifyReply) => {
        const receivedAt = Date.now();
        const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const decoded = await decodeBody(raw, request.headers['content-encoding'], maxRequestBytes);
        if (!decoded.ok) return send(reply, decoded.status === 413 ? { status: 413, reason: 'request_too_large' } : { status: decoded.status });
        return send(reply, await service.collect({ endpoint, body: decoded.body, authorization: request.headers.authorization, receivedAt }));
      });
    }
  });
}

import type { FastifyInstance } from 'fastify';
import type { StreamMetrics } from './stream-metrics';

/**
 * `GET /metrics` in Prometheus' text format. It sits behind the API-key hook like every path but
 * /health and the collector: any valid key may scrape (Prometheus sends it with
 * `authorization: { credentials: … }`), whatever its scopes, since counts reveal no customer data.
 */
export function registerMetricsRoute(fastify: FastifyInstance, metrics: StreamMetrics): void {
  fastify.get('/metrics', async (_request, reply) => {
    const { contentType, body } = await metrics.text();
    return reply.header('content-type', contentType).send(body);
  });
}

import { randomUUID } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { ApiKeyAuthenticator } from '../auth/api-key-authenticator';
import { registerAuthentication } from '../auth/authentication.hook';
import type { AppConfig } from '../config/app-config';
import type { JsonLogger } from '../observability/json-logger';
import { AppModule } from './app.module';

/** Builds the API without listening, so tests can use `app.inject` or listen on a free port. */
export async function createServer(config: AppConfig, logger: JsonLogger): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({ genReqId: () => randomUUID(), bodyLimit: 1024 * 1024 });
  const fastify = adapter.getInstance();
  registerAuthentication(fastify, new ApiKeyAuthenticator(config.apiKeys));
  // One access line per request: route pattern and status only; paths and bodies may hold personal data.
  fastify.addHook('onResponse', async (request, reply) => {
    logger.info('request', {
      requestId: String(request.id),
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 10) / 10,
      key: request.principal?.keyName,
    });
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, logger), adapter, { logger, bufferLogs: false });
  app.enableShutdownHooks();
  await app.init();
  return app;
}

export async function startServer(config: AppConfig, logger: JsonLogger): Promise<NestFastifyApplication> {
  const app = await createServer(config, logger);
  await app.listen(config.http.port, config.http.host);
  logger.info('c360 API listening', { url: `http://${config.http.host}:${config.http.port}/graphql`, profile: config.profile });
  if (config.usingDevKey) logger.warn('no C360_API_KEYS configured: the development key is in use (embedded profile only)');
  return app;
}

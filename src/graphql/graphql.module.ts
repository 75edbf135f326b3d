import { Module } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { MercuriusDriver, type MercuriusDriverConfig } from '@nestjs/mercurius';
import type { FastifyRequest } from 'fastify';
import { LOGGER } from '../app/tokens';
import type { RequestContext } from '../auth/request-context';
import type { Logger } from '../shared/logger.port';
import { formatExecutionResult } from './format-graphql-error';

/** Code-first GraphQL on Mercurius with graphql-jit: queries seen once are compiled to functions. */
@Module({
  imports: [
    GraphQLModule.forRootAsync<MercuriusDriverConfig>({
      driver: MercuriusDriver,
      inject: [LOGGER],
      useFactory: (logger: Logger) => ({
        autoSchemaFile: true,
        sortSchema: true,
        path: '/graphql',
        graphiql: false,
        jit: 1,
        context: (request: FastifyRequest): RequestContext => ({ principal: request.principal, requestId: String(request.id) }),
        errorFormatter: (execution, context) => formatExecutionResult(execution, String(context.reply.request.id), logger),
      }),
    }),
  ],
})
export class C360GraphqlModule {}

import { HttpException } from '@nestjs/common';
import { GraphQLError, type ExecutionResult } from 'graphql';
import { DomainError, type ErrorCode } from '../shared/domain-error';
import type { Logger } from '../shared/logger.port';
import { withoutInputValues } from './without-input-values';

type FormattedError = { message: string; locations?: GraphQLError['locations']; path?: GraphQLError['path']; extensions: Record<string, unknown> };

const HTTP_CODES: Record<number, ErrorCode> = { 400: 'BAD_USER_INPUT', 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 409: 'CONFLICT' };

/**
 * Every error a client sees carries `extensions.code`. Errors c360 raised on purpose keep
 * their message; anything else becomes INTERNAL_SERVER_ERROR with a reference the operator can
 * find in the logs, so internals (SQL, stack traces, personal data) never leak.
 */
export function formatGraphqlError(error: GraphQLError, requestId: string, logger: Logger): FormattedError {
  const base = { locations: error.locations, path: error.path };
  const original = error.originalError;
  if (!original) {
    // Parse and validation errors from graphql-js describe the query; the values in it are left out.
    return { ...base, message: withoutInputValues(error.message), extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } };
  }
  if (original instanceof DomainError) {
    return { ...base, message: original.message, extensions: { code: original.code, ...original.details } };
  }
  if (original instanceof HttpException) {
    const code = HTTP_CODES[original.getStatus()];
    if (code) return { ...base, message: original.message, extensions: { code } };
  }
  if (original instanceof GraphQLError && !original.originalError) {
    // Argument coercion errors (a string for an Int) arrive wrapped once more.
    return { ...base, message: withoutInputValues(original.message), extensions: { code: 'BAD_USER_INPUT' } };
  }
  logger.error('unexpected error in a resolver', { requestId, path: error.path?.join('.'), error: original.name, detail: original.message.slice(0, 300) });
  return { ...base, message: `Internal error (reference ${requestId})`, extensions: { code: 'INTERNAL_SERVER_ERROR', reference: requestId } };
}

/**
 * Mercurius reports a query that fails to parse or validate as one thrown error carrying the
 * graphql-js errors (and fastify's own request errors, such as an unreadable body, the same
 * way); unwrap them so the client sees what is wrong with its query and a 4xx status.
 */
function requestErrors(error: GraphQLError): { errors: GraphQLError[]; statusCode: number } | undefined {
  const original = error.originalError as (Error & { errors?: unknown; statusCode?: unknown }) | undefined;
  if (!original || typeof original.statusCode !== 'number' || original.statusCode < 400 || original.statusCode >= 500) return undefined;
  const nested = Array.isArray(original.errors) ? original.errors.filter((e): e is GraphQLError => e instanceof GraphQLError) : [];
  const errors = nested.length > 0 ? nested.map((e) => new GraphQLError(e.message, { nodes: e.nodes, source: e.source, positions: e.positions })) : [new GraphQLError(original.message)];
  return { errors, statusCode: original.statusCode };
}

export function formatExecutionResult(result: ExecutionResult & { statusCode?: number }, requestId: string, logger: Logger): { statusCode: number; response: ExecutionResult } {
  const thrown = result.data == null && result.errors?.length === 1 ? requestErrors(result.errors[0]!) : undefined;
  const errors = (thrown?.errors ?? result.errors ?? []).map((error) => formatGraphqlError(error, requestId, logger));
  const onlyQueryErrors = result.data == null && errors.every((e) => e.extensions.code === 'GRAPHQL_VALIDATION_FAILED');
  return {
    statusCode: thrown?.statusCode ?? (onlyQueryErrors ? 400 : 200),
    response: { data: result.data, errors: errors.map((e) => new GraphQLError(e.message, { path: e.path, extensions: { ...e.extensions } })) },
  };
}

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiKeyAuthenticator } from './api-key-authenticator';
import type { Principal } from './principal';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

/** Paths that authenticate differently (collector write keys) or not at all (health probes). */
// /charts/ pages hold only markup and a script; their data comes from /graphql with a key.
const OPEN_PREFIXES = ['/health/', '/v1/', '/charts/'];

/**
 * Authentication at the HTTP edge: a request without a valid API key gets 401 before any
 * GraphQL parsing or handler runs. Authorization (scopes) is the scope guard's job.
 */
export function registerAuthentication(fastify: FastifyInstance, authenticator: ApiKeyAuthenticator): void {
  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?', 1)[0] ?? '';
    if (OPEN_PREFIXES.some((prefix) => path.startsWith(prefix))) return;
    const principal = authenticator.authenticate(request.headers.authorization);
    if (!principal) {
      await reply
        .code(401)
        .header('www-authenticate', 'Bearer realm="c360"')
        .send({ errors: [{ message: 'A valid API key is required: Authorization: Bearer <key>', extensions: { code: 'UNAUTHENTICATED' } }] });
      return reply;
    }
    request.principal = principal;
  });
}

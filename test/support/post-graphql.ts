import type { NestFastifyApplication } from '@nestjs/platform-fastify';

export interface GraphqlAnswer {
  status: number;
  body: { data?: Record<string, unknown> | null; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
}

/** POSTs a query to the app's /graphql in process, with `key` as the bearer token (none when null). */
export async function postGraphql(app: NestFastifyApplication, query: string, variables: Record<string, unknown>, key: string | null): Promise<GraphqlAnswer> {
  const response = await app.getHttpAdapter().getInstance().inject({
    method: 'POST',
    url: '/graphql',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    payload: JSON.stringify({ query, variables }),
  });
  return { status: response.statusCode, body: response.json() as GraphqlAnswer['body'] };
}

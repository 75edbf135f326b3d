import * as http from 'node:http';

/** The API key the funnel benches configure their server with and present. */
export const BENCH_API_KEY = 'bench-key-0123456789abcdef';

/** One GraphQL POST over a keep-alive agent to the bench's server on loopback. */
export function postGraphql(agent: http.Agent, port: number, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: '127.0.0.1', port, path: '/graphql', method: 'POST', agent, headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_API_KEY}`, 'content-length': Buffer.byteLength(body) } },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

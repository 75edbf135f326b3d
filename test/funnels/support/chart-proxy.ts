import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Stands in for the one-line change that opens `/charts/` in the authentication hook: forwards
 * every request to the API unchanged, except that requests for chart pages carry a key of a
 * scope unrelated to funnels. The page's own /graphql calls go through with the key the browser
 * sent, so the test still shows that data needs a funnels:read key.
 */
export async function chartProxy(target: URL, pageKey: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((request, response) => {
    const headers = { ...request.headers, host: target.host };
    if ((request.url ?? '').startsWith('/charts/')) headers.authorization = `Bearer ${pageKey}`;
    const upstream = http.request({ host: target.hostname, port: target.port, method: request.method, path: request.url, headers }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    });
    upstream.on('error', () => response.writeHead(502).end());
    request.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

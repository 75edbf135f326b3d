import { connect } from 'node:net';

export type ServiceName = 'cassandra' | 'kafka' | 'redis';

/** Where the services script (scripts/services) starts each server on loopback. */
export const SERVICE_ADDRESSES: Record<ServiceName, { host: string; port: number }> = {
  cassandra: { host: '127.0.0.1', port: Number(process.env.C360_CASSANDRA_PORT ?? 9042) },
  kafka: { host: '127.0.0.1', port: Number(process.env.C360_KAFKA_PORT ?? 9092) },
  redis: { host: '127.0.0.1', port: 6379 },
};

function reachable(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * For integration suites: `{ skip: false }` when the real server answers; otherwise a skip reason,
 * or a thrown error when C360_REQUIRE_SERVICES=1 (CI), so a missing server fails the run.
 * Usage (compiled tests are CommonJS, so no top-level await): an async outer describe,
 *   `describe('redis cache', async () => { describe('adapter', await requireService('redis'), () => { … }); });`
 */
export async function requireService(name: ServiceName): Promise<{ skip: false | string }> {
  const { host, port } = SERVICE_ADDRESSES[name];
  if (await reachable(host, port)) return { skip: false };
  const reason = `${name} is not reachable on ${host}:${port} (start it with scripts/services start ${name})`;
  if (process.env.C360_REQUIRE_SERVICES === '1') throw new Error(`C360_REQUIRE_SERVICES=1 but ${reason}`);
  return { skip: reason };
}

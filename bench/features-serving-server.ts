// The API under test, in its own process so the load generator does not share its event loop.
// Started by features-serving.bench.ts with the configuration in its environment; prints
// {"port":N} on stdout once listening, and closes the app (writing a --cpu-prof profile, if asked)
// on SIGTERM.
import 'reflect-metadata';
import { createServer } from '../src/app/server';
import { loadConfig } from '../src/config/load-config';
import { JsonLogger } from '../src/observability/json-logger';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createServer(config, new JsonLogger(config.logLevel, { component: 'bench-api' }));
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`);
  process.once('SIGTERM', () => {
    void app.close().then(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

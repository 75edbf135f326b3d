// The API under test, in its own process so the load generator does not share its event loop.
// Started by features-serving.bench.ts with the configuration in its environment; prints
// {"port":N} on stdout once listening, and closes the app (writing a --cpu-prof profile, if asked)
// on SIGTERM.
import 'reflect-metadata';
import { DOMAIN_MODULES } from '../src/app/domain-modules';
import { createServer } from '../src/app/server';
import { loadConfig } from '../src/config/load-config';
import { JsonLogger } from '../src/observability/json-logger';

/**
 * Leaves the named domain modules out of the API (C360_BENCH_WITHOUT=SegmentsModule,…), for when a
 * domain cannot start on the adapters under test yet and would keep the whole API from starting;
 * the bench reports what it left out. DOMAIN_MODULES is read when the root module is built.
 */
function leaveOut(names: readonly string[]): void {
  for (const name of names) {
    const index = DOMAIN_MODULES.findIndex((module) => module.name === name);
    if (index < 0) throw new Error(`C360_BENCH_WITHOUT: no domain module named ${name} (have ${DOMAIN_MODULES.map((module) => module.name).join(', ')})`);
    DOMAIN_MODULES.splice(index, 1);
  }
}

async function main(): Promise<void> {
  leaveOut((process.env.C360_BENCH_WITHOUT ?? '').split(',').filter((name) => name !== ''));
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

#!/usr/bin/env node
// `npm run demo`: build, generate a small lake, run the daily pipeline over it (processing,
// identity stitching, features, funnel metrics, …), start the API on port 3000 and print queries
// to paste. Everything lives under $C360_HOME (default ./data); Ctrl-C stops the API.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const cli = join(root, 'bin/c360.js');
const home = process.env.C360_HOME ?? join(root, 'data');
const port = process.env.C360_PORT ?? '3000';
const env = { ...process.env, C360_HOME: home, C360_PORT: port };
// A fixed calendar keeps the demo's answers the same on every machine and every day.
const LAST_DAY = '2026-03-31';
const DAYS = 14;

function run(args) {
  process.stderr.write(`\n$ c360 ${args.join(' ')}\n`);
  const result = spawnSync(process.execPath, [cli, ...args], { stdio: ['ignore', 'inherit', 'inherit'], env });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const build = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

if (existsSync(join(home, 'lake', 'raw'))) {
  process.stderr.write(`\nkeeping the existing lake in ${home}/lake (delete it to generate a new one)\n`);
} else {
  run(['lake', 'generate', '--users', '2000', '--days', String(DAYS), '--seed', '42', '--end-day', LAST_DAY]);
}
run(['jobs', 'run', '--date', LAST_DAY, '--lookback-days', String(DAYS - 1)]);

process.stderr.write(`\n$ c360 serve\n`);
const server = spawn(process.execPath, [cli, 'serve'], { stdio: ['ignore', 'ignore', 'inherit'], env });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill('SIGTERM'));
server.on('exit', (code) => process.exit(code ?? 0));

const base = `http://127.0.0.1:${port}`;
for (let attempt = 0; attempt < 100; attempt += 1) {
  try {
    const response = await fetch(`${base}/health/ready`);
    if (response.ok) break;
  } catch {
    // not listening yet
  }
  await new Promise((resolve) => setTimeout(resolve, 200));
}

const curl = (query) =>
  `curl -s ${base}/graphql -H 'Authorization: Bearer c360-dev-key' -H 'Content-Type: application/json' \\\n  -d '${JSON.stringify({ query })}'`;
process.stdout.write(`
c360 is up on ${base} (profile: embedded, state in ${home}).
c360-dev-key is the embedded profile's development key (no pii:read: personal data stays masked).

Which processed tables the lake has:
${curl('{ lakeTables { name rows partitions firstDay lastDay } }')}

A banner campaign's funnel over the demo's last week:
${curl('{ campaignFunnel(promotionId: "promo_diabetes_care", from: "2026-03-25", to: "' + LAST_DAY + '") { steps { name customers } } }')}

Ctrl-C stops the API.
`);

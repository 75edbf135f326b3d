#!/usr/bin/env node
// The README's test command: compile src and test with tsc (NestJS needs decorator metadata,
// which esbuild-style loaders do not emit), then run node's test runner on the compiled specs.
// `npm test -- lake/` runs only the spec files whose path contains "lake/".
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const runnerFlags = process.argv.slice(2).filter((arg) => arg.startsWith('--'));

// tsc emits even when it reports type errors; the tests still run so one broken file does not
// hide every other result, but the run fails at the end.
// C360_DIST gives parallel runs (several engineers on one checkout) separate output folders.
const dist = join(root, process.env.C360_DIST ?? 'dist');
const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.json'), '--outDir', dist, '--tsBuildInfoFile', join(dist, '.tsbuildinfo')], {
  stdio: 'inherit',
});

function specs(dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return specs(full);
    return name.endsWith('.test.js') ? [full] : [];
  });
}

const compiled = join(dist, 'test');
// A spec compiled from a test file since deleted would otherwise still run from the output folder.
const files = specs(compiled)
  .filter((file) => existsSync(join(root, 'test', relative(compiled, file).replace(/\.js$/, '.ts'))))
  .filter((file) => filters.length === 0 || filters.some((f) => relative(compiled, file).includes(f.replace(/^test\//, ''))))
  .sort();
if (files.length === 0) {
  console.error(`no spec files match ${filters.join(', ')}`);
  process.exit(1);
}
const run = spawnSync(process.execPath, ['--enable-source-maps', '--test', '--test-reporter=spec', ...runnerFlags, ...files], {
  stdio: 'inherit',
  env: { ...process.env, NODE_ENV: 'test' },
});
if (tsc.status !== 0) {
  console.error('\ntype errors (above): the run fails even if every test passed');
  process.exit(1);
}
process.exit(run.status ?? 1);

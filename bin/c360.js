#!/usr/bin/env node
'use strict';
// The compiled CLI; `npm ci` builds it (the prepare script), `npm run build` rebuilds it.
const path = require('node:path');
const entry = path.join(__dirname, '..', 'dist', 'src', 'cli', 'main.js');
let cli;
try {
  cli = require(entry);
} catch (error) {
  if (error && error.code === 'MODULE_NOT_FOUND' && String(error.message).includes(entry)) {
    process.stderr.write('c360 is not built yet: run `npm run build` (npm ci does it for you)\n');
    process.exit(1);
  }
  throw error;
}
cli.main(process.argv);

#!/usr/bin/env node
// The awsrole command: the program bundled into dist/ by `npm run build` (scripts/build.mjs).
// CommonJS (bin/package.json), like the bundle: Node then never starts its ES module loader.
// dist/cli.js loads through src/startup/compile-cache.ts, which puts V8's compile cache in front of it.
'use strict';
let compileCache;
try {
  compileCache = require('../dist/compile-cache.js');
} catch (error) {
  if (error?.code !== 'MODULE_NOT_FOUND' || require('node:fs').existsSync(`${__dirname}/../dist/compile-cache.js`)) throw error;
  // A checkout without a build: one line instead of the loader's stack trace.
  process.stderr.write("awsrole: the program is not built (dist/ is missing): run `npm run build` in awsrole's folder\n");
  process.exitCode = 1;
}
if (compileCache) compileCache.loadProgram(require.resolve('../dist/cli.js'), process.env);

#!/usr/bin/env node
// The awsrole command: the program bundled into dist/ by `npm run build` (scripts/build.mjs).
// V8's compile cache goes on before dist/cli.js loads, so that it covers it (src/compile-cache.ts).
const dist = new URL('../dist/', import.meta.url).href;
try {
  const { enableCompileCache } = await import('../dist/compile-cache.js');
  enableCompileCache(process.env);
  await import('../dist/cli.js');
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.url).startsWith(dist)) throw error;
  // A checkout without a build: one line instead of the loader's stack trace.
  process.stderr.write("awsrole: the program is not built (dist/ is missing): run `npm run build` in awsrole's folder\n");
  process.exitCode = 1;
}

/**
 * V8's compile cache for the bundled program: the second and later runs read dist/cli.js's
 * compiled code from disk instead of compiling it again. Node ≥ 22.1 has one
 * (`module.enableCompileCache`); on Node 20, code-cache.ts does the same for dist/cli.js alone.
 * bin/awsrole.js loads the program through this file, so it is built on its own and imports
 * nothing but Node's built-ins (scripts/build.mjs checks that).
 *
 * The cache lives in a private 0700 directory under the user's cache directory. Where that
 * directory cannot be made private, or NODE_DISABLE_COMPILE_CACHE is set, awsrole runs without a
 * cache and says nothing: the cache only makes startup faster.
 */
import { lstatSync, mkdirSync } from 'node:fs';
import nodeModule, { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { requireWithCodeCache } from './code-cache.js';

type Env = Readonly<Record<string, string | undefined>>;
type Enable = (directory: string) => unknown;

/** $XDG_CACHE_HOME/awsrole/compile-cache, else ~/.cache/awsrole/compile-cache. */
export function compileCacheDirectory(env: Env): string {
  const home = env.HOME || env.USERPROFILE || homedir();
  return join(env.XDG_CACHE_HOME || join(home, '.cache'), 'awsrole', 'compile-cache');
}

/**
 * Runs the bundled program (`filename`, dist/cli.js) with a compile cache where one can be had:
 * Node's own, else code-cache.ts's; else plainly.
 */
export function loadProgram(filename: string, env: Env, enable: Enable | undefined = nodeEnableCompileCache()): void {
  // awsrole runs for a tenth of a second. V8's optimizing compiler (TurboFan) picks the loops over
  // a big config's lines, compiles them on another thread, and Node waits for those compiles to
  // end before it exits: on a 2-core machine a 4,000-profile `use` or TAB took 10-25 % longer
  // with it than without. Set before anything is compiled, so that V8's code cache (whose
  // validity includes the flags) is made and read under the same flags every run.
  setFlagsFromString('--no-opt');
  if (enable) {
    enableCompileCache(env, enable);
    createRequire(filename)(filename);
    return;
  }
  const directory = env.NODE_DISABLE_COMPILE_CACHE ? undefined : privateCacheDirectory(env);
  if (directory) requireWithCodeCache(filename, directory);
  else createRequire(filename)(filename);
}

/**
 * Turns Node's compile cache on and returns its directory, or returns undefined (and turns nothing
 * on) when Node has no compile cache or the directory is not private to this user.
 */
export function enableCompileCache(env: Env, enable: Enable | undefined = nodeEnableCompileCache()): string | undefined {
  // Node's own switches win: NODE_COMPILE_CACHE has turned a cache on already, and
  // NODE_DISABLE_COMPILE_CACHE turns every cache off.
  if (!enable || env.NODE_COMPILE_CACHE || env.NODE_DISABLE_COMPILE_CACHE) return undefined;
  const directory = privateCacheDirectory(env);
  if (directory) enable(directory);
  return directory;
}

/** The cache directory, made 0700 if missing; undefined unless it is ours and nobody else's. */
function privateCacheDirectory(env: Env): string | undefined {
  const directory = compileCacheDirectory(env);
  try {
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    // mkdir keeps an existing directory as it is: use it only if it is ours and nobody else's.
    const stats = lstatSync(directory);
    if (!stats.isDirectory() || (stats.mode & 0o077) !== 0) return undefined;
    if (process.getuid && stats.uid !== process.getuid()) return undefined;
    return directory;
  } catch {
    return undefined; // unwritable home, read-only file system, …: run without the cache
  }
}

function nodeEnableCompileCache(): Enable | undefined {
  // Not in @types/node 20, which this project compiles against.
  const enable = (nodeModule as { enableCompileCache?: Enable }).enableCompileCache;
  return typeof enable === 'function' ? enable : undefined;
}

// For the tests, which run it in child processes from dist/compile-cache.js on any Node.
export { requireWithCodeCache };

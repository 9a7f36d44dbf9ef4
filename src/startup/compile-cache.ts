/**
 * V8's compile cache for the bundled program: the second and later runs read dist/cli.js's
 * compiled code from disk instead of compiling it again. Node ≥ 22.1 has one
 * (`module.enableCompileCache`); on Node 20, code-cache.ts does the same for dist/cli.js alone.
 * bin/awsrole.js loads the program through this file, so it is built on its own, with only
 * environment/env.ts and the startup room's modules inlined (scripts/build.mjs checks it loads
 * nothing else).
 *
 * The cache lives in a private 0700 directory under the user's cache directory. Where that
 * directory cannot be made private, or NODE_DISABLE_COMPILE_CACHE is set, awsrole runs without a
 * cache and says nothing: the cache only makes startup faster.
 */
import { lstatSync, mkdirSync, statSync } from 'node:fs';
// Named imports only: a default import of a built-in makes the bundle copy all its properties.
import { createRequire, Module } from 'node:module';
import { join } from 'node:path';
import { configFilePath, homeDirectory, type Env } from '../environment/env.js';
import { requireWithCodeCache } from './code-cache.js';
import { lazyBuiltin } from './lazy-builtin.js';

type Enable = (directory: string) => unknown;

/**
 * $XDG_CACHE_HOME/awsrole/compile-cache, else ~/.cache/awsrole/compile-cache; for a program run
 * without V8's optimizing compiler, its `no-opt` subdirectory (V8 takes code cached under other
 * flags for stale, so each way of running keeps its own).
 */
export function compileCacheDirectory(env: Env, optimizing = true): string {
  const home = homeDirectory(env);
  const directory = join(env.XDG_CACHE_HOME || join(home, '.cache'), 'awsrole', 'compile-cache');
  return optimizing ? directory : join(directory, 'no-opt');
}

/** A config file this large turns V8's optimizing compiler off for the run (loadProgram). */
export const LARGE_CONFIG_BYTES = 64 * 1024;

/**
 * Runs the bundled program (`filename`, dist/cli.js) with a compile cache where one can be had:
 * Node's own, else code-cache.ts's; else plainly.
 */
export function loadProgram(filename: string, env: Env, enable: Enable | undefined = nodeEnableCompileCache()): void {
  // awsrole runs for a tenth of a second. With a large config, V8's optimizing compiler
  // (TurboFan) picks the loops over its lines, compiles them on another thread, and Node waits
  // for those compiles to end before it exits: on a 2-core machine a 4,000-profile `use` or TAB
  // took 10-25 % longer with it than without. With a small config it compiles nothing, and
  // node:v8 (needed to turn it off) would cost more than it saves. The flag is set before
  // anything is compiled: V8's code cache is only valid under the flags it was made with.
  const optimizing = !largeConfig(env);
  if (!optimizing) lazyBuiltin<typeof import('node:v8')>('node:v8').setFlagsFromString('--no-opt');
  if (enable) {
    enableCompileCache(env, enable, optimizing);
    createRequire(filename)(filename);
    return;
  }
  const directory = env.NODE_DISABLE_COMPILE_CACHE ? undefined : privateCacheDirectory(env, optimizing);
  if (directory) requireWithCodeCache(filename, directory);
  else createRequire(filename)(filename);
}

/**
 * Turns Node's compile cache on and returns its directory, or returns undefined (and turns nothing
 * on) when Node has no compile cache or the directory is not private to this user.
 */
export function enableCompileCache(env: Env, enable: Enable | undefined = nodeEnableCompileCache(), optimizing = true): string | undefined {
  // Node's own switches win: NODE_COMPILE_CACHE has turned a cache on already, and
  // NODE_DISABLE_COMPILE_CACHE turns every cache off.
  if (!enable || env.NODE_COMPILE_CACHE || env.NODE_DISABLE_COMPILE_CACHE) return undefined;
  const directory = privateCacheDirectory(env, optimizing);
  if (directory) enable(directory);
  return directory;
}

/** Whether the AWS config file is at least LARGE_CONFIG_BYTES (a missing one is not). */
function largeConfig(env: Env): boolean {
  try {
    return statSync(configFilePath(env)).size >= LARGE_CONFIG_BYTES;
  } catch {
    return false; // missing or unreadable: the program will say so; nothing to decide here
  }
}

/** The cache directory, made 0700 if missing; undefined unless it is ours and nobody else's. */
function privateCacheDirectory(env: Env, optimizing: boolean): string | undefined {
  const directory = compileCacheDirectory(env, optimizing);
  try {
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    // mkdir keeps an existing directory as it is: use it only if it is ours and nobody else's,
    // and so is the directory that holds the `no-opt` one.
    const checked = optimizing ? [directory] : [compileCacheDirectory(env), directory];
    for (const path of checked) {
      const stats = lstatSync(path);
      if (!stats.isDirectory() || (stats.mode & 0o077) !== 0) return undefined;
      if (process.getuid && stats.uid !== process.getuid()) return undefined;
    }
    return directory;
  } catch {
    return undefined; // unwritable home, read-only file system, …: run without the cache
  }
}

function nodeEnableCompileCache(): Enable | undefined {
  // Not in @types/node 20, which this project compiles against.
  const enable = (Module as { enableCompileCache?: Enable }).enableCompileCache;
  return typeof enable === 'function' ? enable : undefined;
}

// For the tests, which run it in child processes from dist/compile-cache.js on any Node.
export { requireWithCodeCache };

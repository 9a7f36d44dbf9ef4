/**
 * A V8 code cache for dist/cli.js where Node has no compile cache of its own (Node 20): the file
 * is compiled with `vm.Script` and the `cachedData` a previous run left, and the run that had no
 * usable cache leaves one for the next. This is what Node ≥ 22.1's `module.enableCompileCache`
 * does inside the loader; here it takes the loader's place for this one file, through public APIs
 * (`vm.Script`, `Module.wrap`, `require.cache`).
 *
 * The cache file is named after the source: V8 checks its own version and flags when it reads
 * cached data, but of the source only the length (SerializedCodeData::SourceHash), so a rebuilt
 * bundle of the same length would otherwise run stale code. The build ends dist/cli.js with a
 * SHA-256 of the rest (BUILD_ID_MARKER), so that a run needs no hashing of its own: loading
 * node:crypto and hashing the bundle cost each run about 4 % of `node -e 0`. The file's size and
 * modification time join that build id, so a bundle edited by hand gets a cache of its own too.
 * A file without the marker is hashed whole.
 */
import { closeSync, fstatSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
// Named imports only: a default import of a built-in makes the bundle copy all its properties.
import { createRequire, Module } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { lazyBuiltin } from './lazy-builtin.js';

const PREFIX = 'cli-';
const SUFFIX = '.v8cache';
const STALE_AFTER_MS = 7 * 24 * 3600 * 1000;

/** Runs the CommonJS file `filename` as `require` would, with its compiled code cached in `directory`. */
export function requireWithCodeCache(filename: string, directory: string): void {
  const { source, modifiedNs } = readSource(filename);
  const cacheFile = join(directory, `${PREFIX}${cacheKey(source, modifiedNs)}${SUFFIX}`);
  const cachedData = readCache(cacheFile);
  const script = new Script(Module.wrap(source), { filename, cachedData });
  if (!cachedData || script.cachedDataRejected) {
    // After the run, not now: the cache then holds the functions this run compiled lazily too.
    process.once('exit', () => writeCache(cacheFile, script.createCachedData()));
  }
  // Registered before it runs, as the loader does: the lazy chunks require('../cli.js') for what
  // they share with it, and must get this module, not a second copy of the program.
  const module = new Module(filename);
  module.filename = filename;
  module.paths = [];
  const programRequire = createRequire(filename);
  programRequire.cache[filename] = module;
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(module.exports, module.exports, programRequire, module, filename, dirname(filename));
  module.loaded = true;
}

/** The last line of a bundle built by scripts/build.mjs: this, then the SHA-256 of what precedes it. */
export const BUILD_ID_MARKER = '//# awsrole-build-id=';

function readSource(filename: string): { source: string; modifiedNs: bigint } {
  const fd = openSync(filename, 'r');
  try {
    const modifiedNs = fstatSync(fd, { bigint: true }).mtimeNs;
    return { source: readFileSync(fd, 'utf8'), modifiedNs };
  } finally {
    closeSync(fd);
  }
}

function cacheKey(source: string, modifiedNs: bigint): string {
  const platform = `${process.version}-${process.arch}`;
  const lastLine = source.slice(source.lastIndexOf('\n', source.length - 2) + 1).trimEnd();
  const buildId = lastLine.startsWith(BUILD_ID_MARKER) ? lastLine.slice(BUILD_ID_MARKER.length) : '';
  if (/^[0-9a-f]{64}$/.test(buildId)) return `${buildId.slice(0, 32)}-${source.length}-${modifiedNs}-${platform}`;
  // Not built by scripts/build.mjs: only such a file pays for node:crypto.
  const { createHash } = lazyBuiltin<typeof import('node:crypto')>('node:crypto');
  return createHash('sha256').update(platform).update(source).digest('hex').slice(0, 32);
}

function readCache(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined; // first run, or the cache was cleared
  }
}

/**
 * Atomically (a private temporary file, then rename). Caches of other bundles are removed once
 * they are a week old: not at once, because two installations of awsrole (a global one and a
 * project's) would otherwise delete each other's on every run.
 */
function writeCache(file: string, data: Buffer): void {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, data, { mode: 0o600, flag: 'wx' });
    renameSync(temporary, file);
    const weekAgo = Date.now() - STALE_AFTER_MS;
    for (const name of readdirSync(dirname(file))) {
      if (!name.startsWith(PREFIX) || !name.endsWith(SUFFIX) || name === basename(file)) continue;
      const other = join(dirname(file), name);
      if (statSync(other).mtimeMs < weekAgo) rmSync(other, { force: true });
    }
  } catch {
    // A cache that cannot be written costs the next run its speed, nothing else.
    rmSync(temporary, { force: true });
  }
}

// Bundles src/ into dist/ (run by `npm run build`, after the type check):
//
//   dist/cli.js        the startup path, one file: cli.ts, commander, and every module that the
//                      startup commands (STARTUP_COMMANDS) import statically
//   dist/compile-cache.js  turns on V8's compile cache; bin/awsrole.js runs it before dist/cli.js
//   dist/package.json  `"type": "commonjs"`: the bundle is CommonJS (why: below)
//   dist/chunks/*.js   the rest, each loaded by a dynamic import() only when used: the AWS SDK,
//                      SSO, console, picker, the other commands, the credential sources, …
//   dist/modules.json  which source modules each output file holds (test/support/record-imports.mjs
//                      reads it to tell a test which modules a run loaded)
//   build/modules/     every module of src/ on its own, unbundled, for the tests that run one of
//                      them in a child process (as another user, in a terminal); never packed
//
// Every `await import('./x.js')` in src/ becomes a chunk by itself, so a new command or module
// needs no change here. Only a command that must start fast belongs in STARTUP_COMMANDS.
//
// Why rolldown and not esbuild: esbuild's splitting puts every module shared by a different set of
// entry points into its own chunk, and offers no way to group them: a cached `use` then loads
// about twenty small chunks, and each costs the ESM loader a resolve, a read and a compile.
// rolldown's `codeSplitting.groups` puts the startup path into one chunk, and the lazy chunks
// import what they share with it from that chunk, already loaded.
//
// Why CommonJS (dist/package.json says so, and bin/package.json for bin/awsrole.js): a program
// that is CommonJS from its first file never starts Node's ES module loader, which costs about a
// tenth of `node -e 0` on every run; and Node compiles a CommonJS file with less ceremony.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';
import { parseAst } from 'rolldown/parseAst';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = (path) => resolve(root, 'src', path);

/** The commands that must start in one file: a cached use, list, explain, unset, init and TAB. */
const STARTUP_COMMANDS = [
  'commands/use.ts',
  'commands/list.ts',
  'commands/explain.ts',
  'commands/unset.ts',
  'commands/init.ts',
  'completion/run.ts',
].map(src);

/** Packages left to node_modules at run time (package.json's optionalDependencies). */
const NATIVE_PACKAGES = ['@napi-rs/keyring'];

const ENTRY = resolve(root, 'src/cli.ts');
/** package.json's version, written into the program: no run reads package.json for it. */
const define = { AWSROLE_VERSION: JSON.stringify(JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')).version) };
const COMPILE_CACHE = resolve(root, 'src/startup/compile-cache.ts');
const dist = resolve(root, 'dist');

/** Every module reachable by static imports from cli.ts and the startup commands. */
const startupModules = new Set();

const collectStartupModules = {
  name: 'awsrole-startup-modules',
  buildEnd(error) {
    if (error) return; // the build failed already: let its error speak
    const pending = [ENTRY, ...STARTUP_COMMANDS];
    while (pending.length > 0) {
      const id = pending.pop();
      if (startupModules.has(id)) continue;
      const info = this.getModuleInfo(id);
      if (!info) throw new Error(`build: ${relative(root, id)} is not part of the program (STARTUP_COMMANDS in scripts/build.mjs)`);
      if (info.isExternal || id.startsWith('node:')) continue; // Node's built-ins
      startupModules.add(id);
      pending.push(...info.importedIds);
    }
  },
};

/**
 * No top-level await in src/: CommonJS has none, and in an ES module bundle it would deadlock the
 * lazy chunks, which import from dist/cli.js while it still awaits the command they are part of.
 * Said here with the file and line, rather than as the bundler's error about the output format.
 */
const noTopLevelAwait = {
  name: 'awsrole-no-top-level-await',
  transform(code, id) {
    if (!id.startsWith(resolve(root, 'src'))) return null;
    const found = topLevelAwait(parseAst(code, { lang: 'ts' }, id));
    if (found) {
      const line = code.slice(0, found.start).split('\n').length;
      this.error(`${relative(root, id)}:${line}: top-level await would deadlock the bundle's chunks; move it into an async function (see the end of src/cli.ts)`);
    }
    return null;
  },
};

/** The first `await` (or `for await`) outside any function, or undefined. */
function topLevelAwait(node) {
  if (!node || typeof node !== 'object') return undefined;
  if (Array.isArray(node)) {
    for (const child of node) {
      const found = topLevelAwait(child);
      if (found) return found;
    }
    return undefined;
  }
  if (/Function/.test(node.type ?? '')) return undefined;
  if (node.type === 'AwaitExpression' || (node.type === 'ForOfStatement' && node.await)) return node;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'parent') continue;
    const found = topLevelAwait(value);
    if (found) return found;
  }
  return undefined;
}

/**
 * Commander requires node:child_process when it loads, for one feature awsrole does not use
 * (subcommands run as separate executables); loading it costs every run about 2 % of `node -e 0`.
 * The require becomes a getter that loads it on first use. The build stops if commander's source
 * no longer has that line, rather than silently losing the change.
 */
const lazyCommanderChildProcess = {
  name: 'awsrole-lazy-commander-child-process',
  transform(code, id) {
    if (!/[\\/]node_modules[\\/]commander[\\/]lib[\\/]command\.js$/.test(id)) return null;
    const eager = "const childProcess = require('node:child_process');";
    if (!code.includes(eager)) throw new Error(`build: ${relative(root, id)} no longer has "${eager}" (lazyCommanderChildProcess in scripts/build.mjs)`);
    return code.replace(eager, "const childProcess = { get spawn() { return require('node:child_process').spawn; } };");
  },
};

rmSync(dist, { recursive: true, force: true });
const { output } = await build({
  cwd: root,
  input: { cli: ENTRY },
  platform: 'node',
  logLevel: 'warn',
  plugins: [noTopLevelAwait, collectStartupModules, lazyCommanderChildProcess],
  // A native module (a .node binary per platform) cannot be bundled: it is an optional dependency,
  // installed beside awsrole by npm, and loaded by src/keys/os-backend.ts only when keys are used.
  external: NATIVE_PACKAGES,
  // The SDK's ES module builds (dist-es) tree-shake better than its CommonJS ones.
  resolve: { mainFields: ['module', 'main'] },
  transform: { target: 'node20', define },
  output: {
    dir: dist,
    format: 'cjs',
    entryFileNames: '[name].js',
    chunkFileNames: 'chunks/[name]-[hash].js',
    // The group puts the whole startup path into the entry chunk, dist/cli.js, with rolldown's
    // helpers; without it, every module that a lazy chunk shares with the startup path would go
    // into a small chunk of its own.
    codeSplitting: { groups: [{ name: 'cli', test: (id) => startupModules.has(id) || id.startsWith('\0rolldown/runtime') }] },
    // Names stay readable in --debug stack traces; minified, the startup was not measurably faster.
    minify: false,
    // What every run reads and keeps in memory is smaller without comments (a quarter of the
    // bundle) and with ASCII only: one character with a code above 127 makes V8 hold the whole
    // source as two bytes per character, and its code cache grows by a sixth.
    charset: 'ascii',
    comments: { legal: true, annotation: true, jsdoc: false },
  },
});
writeFileSync(resolve(dist, 'package.json'), '{ "type": "commonjs" }\n');

// dist/cli.js ends with its own SHA-256, after which src/startup/code-cache.ts names its cache
// (BUILD_ID_MARKER there), so that no run has to hash the bundle.
const bundleFile = resolve(dist, 'cli.js');
const built = readFileSync(bundleFile, 'utf8');
const bundle = built.endsWith('\n') ? built : `${built}\n`;
writeFileSync(bundleFile, `${bundle}//# awsrole-build-id=${createHash('sha256').update(bundle).digest('hex')}\n`);

const modules = {};
for (const file of output) {
  if (file.type !== 'chunk') continue;
  // Rolldown's own helpers have virtual ids (\0rolldown/runtime.js): not source modules.
  modules[file.fileName] = file.moduleIds.filter((id) => !id.startsWith('\0')).map((id) => relative(root, id).split('\\').join('/'));
}
const outside = [...startupModules].map((id) => relative(root, id)).filter((id) => !modules['cli.js']?.includes(id));
if (outside.length > 0) throw new Error(`build: the startup path is not all in dist/cli.js: ${outside.join(', ')}`);
const cliRequires = output.find((file) => file.fileName === 'cli.js').imports.filter((name) => !name.startsWith('node:'));
if (cliRequires.length > 0) throw new Error(`build: dist/cli.js loads other files at startup: ${cliRequires.join(', ')}`);

// bin/awsrole.js runs this before dist/cli.js loads, so that V8's compile cache covers that: a
// build of its own, which may hold nothing of dist/cli.js.
const { output: compileCache } = await build({
  cwd: root,
  input: { 'compile-cache': COMPILE_CACHE },
  platform: 'node',
  logLevel: 'warn',
  transform: { target: 'node20' },
  output: { dir: dist, format: 'cjs', entryFileNames: '[name].js' },
});
const own = compileCache.flatMap((file) => (file.type === 'chunk' ? file.imports : [])).filter((name) => !name.startsWith('node:'));
if (own.length > 0) throw new Error(`build: src/startup/compile-cache.ts may import only node: built-ins, not ${own.join(', ')}`);
modules['compile-cache.js'] = ['src/startup/compile-cache.ts'];
writeFileSync(resolve(dist, 'modules.json'), `${JSON.stringify(modules, null, 1)}\n`);

// The per-module build for tests: same sources and transform, packages left to node_modules.
const moduleBuild = resolve(root, 'build/modules');
rmSync(moduleBuild, { recursive: true, force: true });
await build({
  cwd: root,
  input: readdirSync(resolve(root, 'src'), { recursive: true })
    .filter((name) => name.endsWith('.ts'))
    .map((name) => resolve(root, 'src', name)),
  platform: 'node',
  logLevel: 'warn',
  external: (id) => !id.startsWith('.') && !isAbsolute(id) && !id.startsWith('\0'),
  transform: { target: 'node20', define },
  output: { dir: moduleBuild, format: 'es', preserveModules: true, preserveModulesRoot: resolve(root, 'src'), entryFileNames: '[name].js' },
});

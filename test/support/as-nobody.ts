// root reads any file, so a test of "this file cannot be read" runs the code under test as
// `nobody` in a child process, from the per-module build (build/modules/: a child cannot import
// TypeScript). `nobody` may not be able to reach the checkout — a clone under root's 0700 home,
// or in a `mktemp -d` — so that build is first copied to a fresh directory that anyone can read,
// and the child starts there. (The modules run this way import no package from node_modules.)

import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const BUILD = fileURLToPath(new URL('../../build/modules/', import.meta.url));
const NOBODY = 65534;

/** True when `npm run build` has produced the module (a path under build/modules/, e.g. `config/load.js`). */
export function isBuilt(module: string): boolean {
  return existsSync(join(BUILD, module));
}

/**
 * Runs `script` (an ES module's text) with node as `nobody`, in a world-readable copy of the
 * build; `script` receives the file URL of `module` (a path under build/modules/) and `args` as
 * process.argv[1…].
 */
export function runBuiltAsNobody(module: string, script: (moduleUrl: string) => string, args: readonly string[]): SpawnSyncReturns<string> {
  const copy = mkdtempSync(join(tmpdir(), 'awsrole-build-copy-'));
  try {
    cpSync(BUILD, copy, { recursive: true });
    writeFileSync(join(copy, 'package.json'), '{"type":"module"}\n'); // as the repository's says
    makeReadableByAll(copy); // whatever the umask of the build was
    const url = pathToFileURL(join(copy, module)).href;
    return spawnSync(process.execPath, ['--input-type=module', '-e', script(url), ...args], {
      uid: NOBODY,
      gid: NOBODY,
      cwd: copy,
      encoding: 'utf8',
    });
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

function makeReadableByAll(path: string): void {
  if (statSync(path).isDirectory()) {
    chmodSync(path, 0o755);
    for (const name of readdirSync(path)) makeReadableByAll(join(path, name));
  } else {
    chmodSync(path, 0o644);
  }
}

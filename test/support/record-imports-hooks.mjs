// Loader hooks (they run on Node's loader thread) for record-imports.mjs, which uses
// bundledModules for `require` too.
import { appendFileSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

let log;
/** dist/modules.json, written by scripts/build.mjs: output file → the source modules it holds. */
const bundles = new Map();

export function initialize(data) {
  log = data?.log;
}

export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  const modules = resolved.url.startsWith('file:') ? bundledModules(fileURLToPath(resolved.url)) : [];
  if (log) appendFileSync(log, `${specifier}\n${modules.map((id) => `  ${id}\n`).join('')}`);
  return resolved;
}

/** The source modules (`src/cache/sessions.ts`, `node_modules/commander/…`) in a file of dist/. */
export function bundledModules(path) {
  const at = path.lastIndexOf('/dist/');
  if (at < 0) return [];
  const dist = path.slice(0, at + '/dist/'.length);
  if (!bundles.has(dist)) bundles.set(dist, JSON.parse(readFileSync(`${dist}modules.json`, 'utf8')));
  return bundles.get(dist)[path.slice(dist.length)] ?? [];
}

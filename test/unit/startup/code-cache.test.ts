// The Node 20 code cache (src/startup/code-cache.ts), run as bin/awsrole.js runs it: in a child
// process, from the built dist/compile-cache.js, on a small CommonJS program of the test's own.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUILD_ID_MARKER } from '../../../src/startup/code-cache.js';

const COMPILE_CACHE = fileURLToPath(new URL('../../../dist/compile-cache.js', import.meta.url));

let work: string;
let cacheDir: string;
let program: string;

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'awsrole-code-cache-'));
  cacheDir = join(work, 'cache');
  mkdirSync(cacheDir, { mode: 0o700 });
  program = join(work, 'program.js');
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

/** Runs `program` through the code cache; its stdout. */
function run(): string {
  const script = `require(${JSON.stringify(COMPILE_CACHE)}).requireWithCodeCache(${JSON.stringify(program)}, ${JSON.stringify(cacheDir)})`;
  const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return result.stdout;
}

const cacheFiles = () => readdirSync(cacheDir).filter((name) => name.endsWith('.v8cache'));

describe('the code cache of dist/cli.js (Node 20)', () => {
  it('is written once, 0600, and then read: the second run does not write it again', () => {
    writeFileSync(program, 'function answer() { return 42; }\nconsole.log("answer", answer());\n');
    expect(run()).toBe('answer 42\n');
    expect(cacheFiles()).toHaveLength(1);
    const file = join(cacheDir, cacheFiles()[0]!);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const written = statSync(file);
    expect(run()).toBe('answer 42\n');
    // Rewritten (a new inode, by the rename) only when V8 rejected it or it was missing.
    expect(statSync(file).ino).toBe(written.ino);
    expect(readdirSync(cacheDir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('never runs a previous build: a new bundle of the same length gets its own cache', () => {
    // V8 checks cached data against the source's length only: same length, other code.
    writeFileSync(program, 'console.log("build a");\n');
    expect(run()).toBe('build a\n');
    writeFileSync(program, 'console.log("build b");\n');
    expect(run()).toBe('build b\n');
    expect(cacheFiles()).toHaveLength(2);
    // Back and forth between two installations: each keeps its cache (no rewrite).
    const inodes = cacheFiles().map((name) => statSync(join(cacheDir, name)).ino).sort();
    writeFileSync(program, 'console.log("build a");\n');
    expect(run()).toBe('build a\n');
    expect(cacheFiles().map((name) => statSync(join(cacheDir, name)).ino).sort()).toEqual(inodes);
  });

  it('names the cache after the build id a bundle ends with, without loading node:crypto', () => {
    const body = 'console.log("built", process.moduleLoadList.includes("NativeModule crypto"));\n';
    const buildId = createHash('sha256').update(body).digest('hex');
    writeFileSync(program, `${body}${BUILD_ID_MARKER}${buildId}\n`);
    expect(run()).toBe('built false\n');
    expect(cacheFiles()).toEqual([expect.stringMatching(new RegExp(`^cli-${buildId.slice(0, 32)}-`))]);
    // Without the marker the file is hashed, which takes node:crypto.
    writeFileSync(program, body);
    expect(run()).toBe('built true\n');
  });

  it('gives a bundle edited by hand (same length, same build id) a cache of its own', () => {
    const buildId = 'a'.repeat(64);
    writeFileSync(program, `console.log("build a");\n${BUILD_ID_MARKER}${buildId}\n`);
    expect(run()).toBe('build a\n');
    writeFileSync(program, `console.log("build b");\n${BUILD_ID_MARKER}${buildId}\n`);
    // An edit a second later, as by hand (the modification time is what tells the two apart).
    const later = new Date(statSync(program).mtimeMs + 1000);
    utimesSync(program, later, later);
    expect(run()).toBe('build b\n');
    expect(cacheFiles()).toHaveLength(2);
  });

  it('is used for dist/cli.js by its build id: the bundle ends with the SHA-256 of the rest', () => {
    const bundle = readFileSync(fileURLToPath(new URL('../../../dist/cli.js', import.meta.url)), 'utf8');
    const lastLine = bundle.trimEnd().split('\n').pop()!;
    expect(lastLine.startsWith(BUILD_ID_MARKER)).toBe(true);
    const rest = bundle.slice(0, bundle.trimEnd().lastIndexOf('\n') + 1);
    expect(lastLine.slice(BUILD_ID_MARKER.length)).toBe(createHash('sha256').update(rest).digest('hex'));
  });

  it("removes another bundle's cache once it is a week old", () => {
    writeFileSync(program, 'console.log("old");\n');
    run();
    const old = join(cacheDir, cacheFiles()[0]!);
    const eightDaysAgo = new Date(Date.now() - 8 * 24 * 3600 * 1000);
    utimesSync(old, eightDaysAgo, eightDaysAgo);
    writeFileSync(program, 'console.log("new");\n');
    expect(run()).toBe('new\n');
    expect(cacheFiles()).toHaveLength(1);
    expect(existsSync(old)).toBe(false);
  });

  it('runs correctly from a damaged cache file, and replaces it', () => {
    writeFileSync(program, 'console.log("fine");\n');
    run();
    const file = join(cacheDir, cacheFiles()[0]!);
    const damaged = Buffer.alloc(readFileSync(file).length, 7);
    writeFileSync(file, damaged);
    expect(run()).toBe('fine\n');
    expect(readFileSync(file).equals(damaged)).toBe(false);
  });

  it('is the module its chunks require: the program runs once, and they see its exports', () => {
    // As dist/chunks/*.js do: require('../cli.js') for what they share with the startup file.
    writeFileSync(program, 'console.log("program ran"); exports.shared = "from program"; setImmediate(() => require("./chunk.js"));\n');
    writeFileSync(join(work, 'chunk.js'), 'console.log("chunk sees", require("./program.js").shared);\n');
    expect(run()).toBe('program ran\nchunk sees from program\n');
  });

  it('keeps the file name and stack lines of the program in errors', () => {
    writeFileSync(program, '\n\nthrow new Error("boom");\n');
    const script = `require(${JSON.stringify(COMPILE_CACHE)}).requireWithCodeCache(${JSON.stringify(program)}, ${JSON.stringify(cacheDir)})`;
    const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(`${program}:3`);
  });
});

// Runs the built CLI (`node bin/awsrole.js …`, no shell) and python/boto3 scripts as child
// processes with exactly the environment given — build one with createSandbox().env().

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pythonExecutable } from './moto.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const AWSROLE_BIN = fileURLToPath(new URL('../../bin/awsrole.js', import.meta.url));
const BUILT_CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

export interface RunOptions {
  /** The whole environment of the child; nothing is inherited. */
  env: Record<string, string>;
  /** Written to stdin, which is then closed (it is closed at once without input). */
  input?: string;
  /** Default 20 s; the child is then killed with SIGKILL and the promise rejects. */
  timeoutMs?: number;
  /** Default: the HOME of `env`, else the repository root. */
  cwd?: string;
  /** In a process group (and session) of its own, so that a test can signal the group: `process.kill(-pid)`. */
  detached?: boolean;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  code: number | null;
  signal: string | null;
}

export interface Running {
  /** The live process, e.g. to send it a signal. */
  child: ChildProcess;
  /** Settles when it exits. */
  result: Promise<RunResult>;
}

const DEFAULT_TIMEOUT_MS = 20_000;

export function runAwsrole(args: string[], options: RunOptions): Promise<RunResult> {
  return startAwsrole(args, options).result;
}

/** Like runAwsrole, but hands back the process while it runs (for signal tests). */
export function startAwsrole(args: string[], options: RunOptions): Running {
  if (!existsSync(BUILT_CLI)) {
    throw new Error(`${BUILT_CLI} does not exist: run \`npm run build\` before the e2e tests`);
  }
  return start(process.execPath, [AWSROLE_BIN, ...args], `awsrole ${args.join(' ')}`, options);
}

export interface RecordedRun {
  status: number | null;
  stdout: string;
  stderr: string;
  /** Every specifier the run resolved, each bundled file followed by its source modules, indented (record-imports.mjs). */
  imports: string;
  /** The source modules the run loaded: `src/cache/sessions.ts`, `node_modules/commander/…`. */
  modules: string[];
}

/** Runs the CLI with the module-load recorder (test/support/record-imports.mjs); `log` is the file it writes. */
export function runRecordingImports(args: string[], options: { env: Record<string, string>; log: string }): RecordedRun {
  const result = spawnSync(process.execPath, ['--import', join(REPO_ROOT, 'test/support/record-imports.mjs'), AWSROLE_BIN, ...args], {
    env: { ...options.env, AWSROLE_TEST_IMPORT_LOG: options.log },
    cwd: options.env['HOME'] ?? REPO_ROOT,
    encoding: 'utf8',
  });
  const imports = readFileSync(options.log, 'utf8');
  const modules = imports.split('\n').flatMap((line) => (line.startsWith('  ') ? [line.trim()] : []));
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, imports, modules };
}

/**
 * The source modules of the startup path (scripts/build.mjs): dist/compile-cache.js, which
 * bin/awsrole.js runs first, and dist/cli.js.
 */
export function startupModules(): string[] {
  const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'dist/modules.json'), 'utf8')) as Record<string, string[]>;
  return [...(manifest['compile-cache.js'] ?? []), ...(manifest['cli.js'] ?? [])];
}

/** Runs a python script (`python3 -c script`) with moto/boto3 importable. */
export function runPython(
  script: string,
  env: Record<string, string>,
  options: Omit<RunOptions, 'env'> = {},
): Promise<RunResult> {
  return start(pythonExecutable(), ['-c', script], 'python script', { ...options, env }).result;
}

/** Runs any program (no shell) with exactly the environment given, e.g. a node script as an SDK client. */
export function runProgram(command: string, args: string[], options: RunOptions): Promise<RunResult> {
  return start(command, args, command, options).result;
}

function start(command: string, args: string[], label: string, options: RunOptions): Running {
  const child = spawn(command, args, {
    env: options.env,
    cwd: options.cwd ?? options.env['HOME'] ?? REPO_ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
  const result = new Promise<RunResult>((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${label} timed out after ${timeoutMs} ms\n--- stdout:\n${stdout}\n--- stderr:\n${stderr}`));
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, code, signal });
    });
  });
  // A child that exits without reading its stdin must not crash the test with EPIPE.
  child.stdin?.on('error', () => undefined);
  child.stdin?.end(options.input ?? '');
  return { child, result };
}

/** Resolves with the first match of `pattern` in a running child's stderr (from the start of it); rejects after `timeoutMs`. */
export function waitForStderr(running: Running, pattern: RegExp, timeoutMs = 30_000): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`no ${pattern} on stderr within ${timeoutMs} ms:\n${text}`)), timeoutMs);
    running.child.stderr?.on('data', (chunk: Buffer | string) => {
      text += chunk.toString();
      const match = pattern.exec(text);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    });
  });
}

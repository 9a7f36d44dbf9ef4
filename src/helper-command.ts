import { spawn } from 'node:child_process';
import type { Env } from './env.js';
import { CommandLineSyntaxError, splitCommandLine } from './mfa/split.js';

/**
 * Running a helper the user configured (credential_process, mfa_process): split like Python's
 * shlex and run WITHOUT a shell, as botocore runs credential_process; stdin inherited (a helper
 * may ask for a password there); stdout captured; stderr copied to ours so its prompts and
 * messages reach the user. Not detached: a helper must stay in the terminal's foreground
 * process group to read from the terminal without being stopped.
 *
 * Callers turn each outcome into their own error: the helper's stdout may hold secrets and is
 * never put in a message, nor are its arguments (they may carry a token).
 */
export type HelperOutcome =
  | { kind: 'ok'; stdout: string }
  | { kind: 'too-much-output' }
  | { kind: 'failed'; how: string }
  | { kind: 'not-found' }
  | { kind: 'cannot-run'; reason: string }
  | { kind: 'timed-out' };

export interface HelperIo {
  env: Env;
  stderr: NodeJS.WritableStream;
  timeoutMs: number;
  /** More stdout than this is not kept in memory; the outcome is then `too-much-output`. */
  maxOutputBytes: number;
}

/** The argv of a command line, or why it has none. */
export function splitHelperCommand(command: string): { argv: string[] } | { problem: string } {
  try {
    const argv = splitCommandLine(command);
    return argv.length === 0 ? { problem: 'is empty' } : { argv };
  } catch (error) {
    if (!(error instanceof CommandLineSyntaxError)) throw error;
    return { problem: `cannot be split into arguments: ${error.message.toLowerCase()}` };
  }
}

export function runHelper(argv: string[], io: HelperIo): Promise<HelperOutcome> {
  return new Promise((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), { env: { ...io.env }, stdio: ['inherit', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (outcome: HelperOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const timer = setTimeout(() => {
      settle({ kind: 'timed-out' });
      child.kill('SIGTERM');
      // Do not wait for it: a helper that ignores SIGTERM, or a grandchild holding the pipes
      // open, must not keep awsrole from reporting the error and exiting.
      child.unref();
      child.stdout.destroy();
      child.stderr.destroy();
    }, io.timeoutMs);

    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= io.maxOutputBytes) chunks.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => io.stderr.write(chunk));
    child.on('error', (error: NodeJS.ErrnoException) => {
      settle(error.code === 'ENOENT' ? { kind: 'not-found' } : { kind: 'cannot-run', reason: error.code ?? error.message });
    });
    // 'close', not 'exit': all of stdout has arrived by then.
    child.on('close', (exitCode, signal) => {
      if (exitCode === 0) {
        settle(size > io.maxOutputBytes ? { kind: 'too-much-output' } : { kind: 'ok', stdout: Buffer.concat(chunks).toString('utf8') });
      } else {
        settle({ kind: 'failed', how: signal ? `was killed by ${signal}` : `failed with exit code ${exitCode}` });
      }
    });
  });
}

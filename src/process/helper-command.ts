import { spawn } from 'node:child_process';
import { AWSROLE_SECRET_VARIABLES, type Env } from '../environment/env.js';
import { processTree } from './linux-proc.js';
import { CommandLineSyntaxError, splitCommandLine } from '../mfa/split.js';
import { dieOf, sendSignal, startSignalForwarding } from './signal-forwarding.js';

/**
 * Running a helper the user configured (credential_process, mfa_process): split like Python's
 * shlex and run WITHOUT a shell, as botocore runs credential_process; stdin inherited (a helper
 * may ask for a password there); stdout captured; stderr copied to ours so its prompts and
 * messages reach the user. Not detached: a helper must stay in the terminal's foreground
 * process group to read from the terminal without being stopped, to get the terminal's Ctrl-C,
 * and to open /dev/tty (Python's getpass does; Node can only detach into a new session, which
 * has no terminal). So the helper shares awsrole's process group, and "the helper and its
 * children" is its process tree, found in /proc (elsewhere: the helper alone).
 *
 * A helper ends with awsrole: a timeout sends SIGTERM to its whole tree; a SIGINT, SIGTERM or
 * SIGHUP for awsrole reaches the tree once (unless the kernel delivered it to the whole process
 * group already; see signal-forwarding.ts), and then awsrole dies of it as it would have anyway.
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

const FORWARDED = new Set<NodeJS.Signals>(['SIGINT', 'SIGTERM', 'SIGHUP']);
const SIGNAL_GRACE_MS = 200;

export function runHelper(argv: string[], io: HelperIo): Promise<HelperOutcome> {
  // Not waiting for the witness to be ready: that would make every helper slower, and a signal in
  // its first milliseconds at worst reaches a helper that is ending anyway twice.
  const forwarding = startSignalForwarding({
    deliver: signalProcessTree,
    received(signal) {
      forwarding.stop();
      dieOf(signal);
    },
  });
  return new Promise((resolve) => {
    const env = { ...io.env };
    for (const name of AWSROLE_SECRET_VARIABLES) delete env[name]; // awsrole's own, not the helper's
    const child = spawn(argv[0]!, argv.slice(1), { env, stdio: ['inherit', 'pipe', 'pipe'] });
    if (child.pid !== undefined) forwarding.forwardTo(child.pid);
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (outcome: HelperOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      forwarding.stop();
      resolve(outcome);
    };
    const timer = setTimeout(() => {
      settle({ kind: 'timed-out' });
      if (child.pid !== undefined) signalProcessTree(child.pid, 'SIGTERM');
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
      } else if (signal && FORWARDED.has(signal)) {
        // A signal sent to the process group reaches the helper and awsrole together, and libuv
        // may report the helper's death before awsrole's own handler runs. Settling at once would
        // stop the forwarding (dropping that signal) and report a helper failure instead of dying
        // of it. A short grace lets the handler run first; a helper killed by someone else is
        // reported after it.
        setTimeout(() => settle({ kind: 'failed', how: `was killed by ${signal}` }), SIGNAL_GRACE_MS);
      } else {
        settle({ kind: 'failed', how: signal ? `was killed by ${signal}` : `failed with exit code ${exitCode}` });
      }
    });
  });
}

/** Sends the signal to the process and every descendant it still has, collected before any is signalled. */
function signalProcessTree(pid: number, signal: NodeJS.Signals): void {
  for (const member of processTree(pid)) sendSignal(member, signal);
}

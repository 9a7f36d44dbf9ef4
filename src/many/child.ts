import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { SignalForwarding } from '../process/signal-forwarding.js';
import type { ProfileSink } from './output.js';

export interface ChildEnd {
  /** The command's exit code; 128+N when signal N killed it; 127 / 126 when it could not be started. */
  exitCode: number;
  signal?: NodeJS.Signals;
  durationMs: number;
  /** Why it could not be started. */
  startError?: string;
}

/**
 * Once the command has exited, how long its output may still take to arrive. A background
 * process it left behind may hold the pipes open for good; awsrole does not wait for that.
 */
const DRAIN_AFTER_EXIT_MS = 2000;

/**
 * Runs one command without a shell, its output into `sink`, stdin /dev/null unless `inheritStdin`.
 * It stays in awsrole's process group, as `exec`'s command does: a Ctrl-C at the terminal reaches
 * it from the kernel, and `forwarding` passes on what was sent to awsrole alone.
 */
export function runChild(
  command: string,
  args: readonly string[],
  env: Record<string, string>,
  options: { inheritStdin: boolean; sink: ProfileSink; forwarding: SignalForwarding },
): Promise<ChildEnd> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { env, stdio: [options.inheritStdin ? 'inherit' : 'ignore', 'pipe', 'pipe'] });
    const pid = child.pid;
    if (pid !== undefined) options.forwarding.forwardTo(pid);
    let exit: Omit<ChildEnd, 'durationMs'> | undefined;
    let settled = false;
    let drain: NodeJS.Timeout | undefined;
    const settle = (): void => {
      if (settled || !exit) return;
      settled = true;
      clearTimeout(drain);
      resolve({ ...exit, durationMs: Date.now() - started });
    };
    child.stdout.on('data', (chunk: Buffer) => options.sink.stdout(chunk));
    child.stderr.on('data', (chunk: Buffer) => options.sink.stderr(chunk));
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (pid !== undefined) options.forwarding.forget(pid);
      if (error.code === 'ENOENT') exit = { exitCode: 127, startError: `command not found: ${command}` };
      else if (error.code === 'EACCES') exit = { exitCode: 126, startError: `command cannot be run (permission denied): ${command}` };
      else exit = { exitCode: 126, startError: `command cannot be run: ${error.message}` };
      settle();
    });
    child.on('exit', (code, signal) => {
      // Its pid may be given to another process from now on: never signal it again.
      if (pid !== undefined) options.forwarding.forget(pid);
      exit ??= signal ? { exitCode: 128 + (constants.signals[signal] ?? 0), signal } : { exitCode: code ?? 1 };
      drain = setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        settle();
      }, DRAIN_AFTER_EXIT_MS);
    });
    // 'close': both pipes have ended, so all of its output has been handed on.
    child.on('close', settle);
  });
}

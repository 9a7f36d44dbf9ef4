import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import type { Env } from './env.js';
import { AwsroleError } from './errors.js';

export interface VariableChanges {
  set: ReadonlyArray<readonly [string, string]>;
  clear: readonly string[];
}

/** The child's environment: ours, minus what the role replaces, plus the role's variables. */
export function childEnvironment(base: Env, changes: VariableChanges): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(base)) if (value !== undefined) env[name] = value;
  for (const name of changes.clear) delete env[name];
  for (const [name, value] of changes.set) env[name] = value;
  return env;
}

const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Runs the command without a shell (arguments reach it exactly as given) and resolves with the
 * exit code to leave with: the child's own, or 128+N when signal N killed it, as shells report.
 */
export function runCommand(command: string, args: readonly string[], env: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    // A terminal's Ctrl-C already reaches the child, which is in our process group; forwarding it
    // too would deliver it twice (many tools, terraform among them, treat a second ^C as "abort
    // now"). So SIGINT is forwarded only when stdin is not a terminal; SIGTERM and SIGHUP always.
    // The handlers go in before the spawn: the child may be running, and we be signalled,
    // before spawn() returns; without a handler then, the signal would kill us outright. A caught
    // signal is handled on the event loop, after `child` is set.
    let child: ChildProcess | undefined;
    const forward = (signal: NodeJS.Signals) => () => {
      if (signal === 'SIGINT' && process.stdin.isTTY) return;
      child?.kill(signal);
    };
    const handlers = FORWARDED_SIGNALS.map((signal) => [signal, forward(signal)] as const);
    for (const [signal, handler] of handlers) process.on(signal, handler);
    const cleanUp = () => {
      for (const [signal, handler] of handlers) process.off(signal, handler);
    };
    child = spawn(command, args, { env, stdio: 'inherit' });
    child.on('error', (error: NodeJS.ErrnoException) => {
      cleanUp();
      if (error.code === 'ENOENT') reject(new AwsroleError(`command not found: ${command}`, 127));
      else if (error.code === 'EACCES') reject(new AwsroleError(`command cannot be run (permission denied): ${command}`, 126));
      else reject(error);
    });
    child.on('exit', (code, signal) => {
      cleanUp();
      if (signal) resolve(128 + (constants.signals[signal] ?? 0));
      else resolve(code ?? 1);
    });
  });
}

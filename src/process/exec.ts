import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { AWSROLE_SECRET_VARIABLES, type Env } from '../environment/env.js';
import { AwsroleError } from '../errors/errors.js';
import { startSignalForwarding } from './signal-forwarding.js';

export interface VariableChanges {
  set: ReadonlyArray<readonly [string, string]>;
  clear: readonly string[];
}

/** The child's environment: ours, minus what the role replaces, plus the role's variables. */
export function childEnvironment(base: Env, changes: VariableChanges): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(base)) if (value !== undefined) env[name] = value;
  for (const name of [...changes.clear, ...AWSROLE_SECRET_VARIABLES]) delete env[name];
  for (const [name, value] of changes.set) env[name] = value;
  return env;
}

/**
 * Runs the command without a shell (arguments reach it exactly as given) and resolves with the
 * exit code to leave with: the child's own, or 128+N when signal N killed it, as shells report.
 * SIGINT, SIGTERM and SIGHUP reach it exactly once (see signal-forwarding.ts).
 */
export async function runCommand(command: string, args: readonly string[], env: Record<string, string>): Promise<number> {
  // The handlers go in before the spawn: the child may be running, and we be signalled, before
  // spawn() returns; without a handler then, the signal would kill us outright.
  const forwarding = startSignalForwarding();
  await forwarding.ready;
  if (forwarding.interruptedBy) {
    forwarding.stop();
    return 128 + constants.signals[forwarding.interruptedBy];
  }
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: 'inherit' });
    if (child.pid !== undefined) forwarding.forwardTo(child.pid);
    child.on('error', (error: NodeJS.ErrnoException) => {
      forwarding.stop();
      if (error.code === 'ENOENT') reject(new AwsroleError(`command not found: ${command}`, 127));
      else if (error.code === 'EACCES') reject(new AwsroleError(`command cannot be run (permission denied): ${command}`, 126));
      else reject(error);
    });
    child.on('exit', (code, signal) => {
      forwarding.stop();
      if (signal) resolve(128 + (constants.signals[signal] ?? 0));
      else resolve(code ?? 1);
    });
  });
}

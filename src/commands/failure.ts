import type { Env } from '../environment/env.js';
import type { OutputStream } from '../terminal/standard-output.js';
import { failureStatement } from '../output/failure-statement.js';
import { shellForFailure } from './choose-shell.js';

/**
 * After `use` or `unset` failed: the statement that makes the shell's eval of stdout fail with
 * the same code. The shell is read from the command line itself, since the failure may have
 * come before commander parsed `--shell` (an unknown flag, say).
 */
export function writeFailureStatement(
  command: 'use' | 'unset',
  argv: readonly string[],
  env: Env,
  exitCode: number,
  stdout: OutputStream,
): void {
  stdout.write(failureStatement(shellForFailure(shellFlag(argv), env), command, exitCode));
}

/** The last `--shell X` or `--shell=X` before a `--`, as commander would read it. */
function shellFlag(argv: readonly string[]): string | undefined {
  let value: string | undefined;
  for (let i = 0; i < argv.length && argv[i] !== '--'; i++) {
    const word = argv[i]!;
    if (word === '--shell') value = argv[++i];
    else if (word.startsWith('--shell=')) value = word.slice('--shell='.length);
  }
  return value;
}

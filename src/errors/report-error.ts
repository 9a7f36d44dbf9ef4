import { AwsroleError, ExitCode } from './errors.js';
import { forPeople, LINE_LIMIT } from '../output/for-people.js';

/**
 * The one place errors reach the user: `awsrole: <what> (<where>)`, a hint line where one helps,
 * the stack only under --debug. With --json, one JSON line instead. Returns the exit code.
 */
export function reportError(error: unknown, options: { debug: boolean; json: boolean }): number {
  const known = error instanceof AwsroleError;
  const exitCode = known ? error.exitCode : ExitCode.unexpected;
  // Messages quote names and values from the files and the command line: escaped and bounded.
  const message = forPeople(known ? error.message : `unexpected error: ${error instanceof Error ? error.message : String(error)}`, LINE_LIMIT);
  const rawHint = known ? error.hint : 'run again with --debug to see where it happened';
  const hint = rawHint && forPeople(rawHint, LINE_LIMIT);
  if (options.json) {
    process.stderr.write(`${JSON.stringify({ error: { message, hint: hint ?? null, exitCode } })}\n`);
  } else {
    process.stderr.write(`awsrole: ${message}\n`);
    if (hint) process.stderr.write(`  hint: ${hint}\n`);
  }
  if (options.debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  return exitCode;
}

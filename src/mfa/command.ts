import type { Env } from '../environment/env.js';
import { UsageError } from '../errors/errors.js';
import { isMfaCode } from './code.js';
import { runHelper, splitHelperCommand } from '../process/helper-command.js';

/** Long enough to find a YubiKey and touch it, or to unlock a password manager. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 60_000;

/** A code is a few bytes; more than this is not a code and is not kept in memory. */
const MAX_OUTPUT_BYTES = 4096;

export interface MfaCommand {
  /** The command line, split like credential_process (no shell). */
  command: string;
  /** Where it was set, for errors: `--mfa-command`, or `mfa_process, <file>:<line>`. */
  where: string;
}

export interface CommandIo {
  env: Env;
  /** The command's stderr is copied here: it may say "touch your YubiKey". */
  stderr: NodeJS.WritableStream;
  timeoutMs?: number;
}

/**
 * Runs the command and returns its stdout, trimmed, once checked to be a 6-digit code.
 * Every failure is a UsageError (exit 2) naming the program and where the command was set; its
 * stdout is never repeated in an error because it may be a secret (a wrong field of a password
 * manager item, say). The whole command line is not repeated either: it may carry a token.
 */
export async function runMfaCommand(mfaCommand: MfaCommand, io: CommandIo): Promise<string> {
  const argv = parse(mfaCommand);
  const program = argv[0]!;
  const stdout = await run(argv, mfaCommand.where, io);
  const code = stdout.trim();
  if (!isMfaCode(code)) {
    throw new UsageError(
      `MFA command "${program}" did not print a 6-digit code (${mfaCommand.where})`,
      'the command must print only the code, like 123456, on stdout; messages belong on stderr',
    );
  }
  return code;
}

function parse({ command, where }: MfaCommand): string[] {
  const split = splitHelperCommand(command);
  if ('problem' in split) throw new UsageError(`MFA command ${split.problem} (${where})`);
  return split.argv;
}

async function run(argv: string[], where: string, io: CommandIo): Promise<string> {
  const program = argv[0]!;
  const timeoutMs = io.timeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  // Inherited stdin matters here: ykman asks for an OATH password there.
  const outcome = await runHelper(argv, { env: io.env, stderr: io.stderr, timeoutMs, maxOutputBytes: MAX_OUTPUT_BYTES });
  switch (outcome.kind) {
    case 'ok':
      return outcome.stdout;
    case 'too-much-output':
      return '';
    case 'timed-out':
      throw new UsageError(
        `MFA command "${program}" did not finish within ${timeoutMs / 1000} s (${where})`,
        'it was stopped; if it waits for a touch or a password, answer it sooner',
      );
    case 'not-found':
      throw new UsageError(`MFA command "${program}" was not found (${where})`);
    case 'cannot-run':
      throw new UsageError(`MFA command "${program}" could not be run: ${outcome.reason} (${where})`);
    case 'failed':
      throw new UsageError(`MFA command "${program}" ${outcome.how} (${where})`, 'its messages, if any, are above');
  }
}

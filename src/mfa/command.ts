import { spawn } from 'node:child_process';
import type { Env } from '../env.js';
import { UsageError } from '../errors.js';
import { isMfaCode } from './code.js';
import { CommandLineSyntaxError, splitCommandLine } from './split.js';

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
  let argv: string[];
  try {
    argv = splitCommandLine(command);
  } catch (error) {
    if (!(error instanceof CommandLineSyntaxError)) throw error;
    throw new UsageError(`MFA command cannot be split into arguments: ${error.message.toLowerCase()} (${where})`);
  }
  if (argv.length === 0) throw new UsageError(`MFA command is empty (${where})`);
  return argv;
}

function run(argv: string[], where: string, io: CommandIo): Promise<string> {
  const program = argv[0]!;
  const timeoutMs = io.timeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    // stdin is inherited as botocore does for credential_process: ykman asks for an OATH
    // password there. Not detached: the command must stay in the terminal's foreground group to
    // read the terminal (a password manager's unlock prompt) without being stopped.
    const child = spawn(program, argv.slice(1), { env: { ...io.env }, stdio: ['inherit', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
    };

    const timer = setTimeout(() => {
      settle(() => reject(new UsageError(
        `MFA command "${program}" did not finish within ${timeoutMs / 1000} s (${where})`,
        'it was stopped; if it waits for a touch or a password, answer it sooner',
      )));
      child.kill('SIGTERM');
      // Do not wait for it to go: a command that ignores SIGTERM, or a grandchild that holds the
      // pipes open, must not keep awsrole from reporting the error and exiting.
      child.unref();
      child.stdout.destroy();
      child.stderr.destroy();
    }, timeoutMs);

    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_OUTPUT_BYTES) chunks.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => io.stderr.write(chunk));
    child.on('error', (error: NodeJS.ErrnoException) => {
      const why = error.code === 'ENOENT' ? 'was not found' : `could not be run: ${error.code ?? error.message}`;
      settle(() => reject(new UsageError(`MFA command "${program}" ${why} (${where})`)));
    });
    // 'close', not 'exit': all of stdout has arrived by then.
    child.on('close', (exitCode, signal) => {
      if (exitCode === 0) {
        settle(() => resolve(size > MAX_OUTPUT_BYTES ? '' : Buffer.concat(chunks).toString('utf8')));
        return;
      }
      const how = signal ? `was killed by ${signal}` : `failed with exit code ${exitCode}`;
      settle(() => reject(new UsageError(`MFA command "${program}" ${how} (${where})`, 'its messages, if any, are above')));
    });
  });
}

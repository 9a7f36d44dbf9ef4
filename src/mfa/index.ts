/**
 * Where the MFA code of a role hop with `mfa_serial` comes from. First that applies wins:
 *   1. `--mfa-code 123456`;
 *   2. a command that prints one: `--mfa-command "<cmd>"`, else the profile's `mfa_process`;
 *   3. a prompt on the controlling terminal (/dev/tty), echo off.
 * With none of them (no terminal: CI, cron) it is a UsageError that names the three ways.
 * Every failure to get a code is exit 2, except cancelling the prompt (Ctrl-C: 130).
 */
import type { Env } from '../environment/env.js';
import { UsageError } from '../errors/errors.js';
import { isMfaCode, WAYS_TO_PASS_A_CODE } from './code.js';
import { runMfaCommand, type MfaCommand } from './command.js';
import { promptForCode } from './prompt.js';
import { openTerminal, type Terminal } from './terminal.js';

export { splitCommandLine, CommandLineSyntaxError } from './split.js';
export { DEFAULT_COMMAND_TIMEOUT_MS } from './command.js';
export { PROMPT_ATTEMPTS } from './prompt.js';
export { INTERRUPTED_EXIT_CODE, openTerminal, type Terminal } from './terminal.js';
export { isMfaCode } from './code.js';

export interface MfaCodeRequest {
  serial: string;
  /** The profile whose hop needs the code (for messages). */
  profile: string;
  /** The profile's `mfa_process` setting, with where it is: "file:line". */
  mfaProcess?: { command: string; origin: string };
}

export interface MfaOptions {
  /** --mfa-code */
  code?: string;
  /** --mfa-command */
  command?: string;
  /** How long a code command may run; default DEFAULT_COMMAND_TIMEOUT_MS (60 s). */
  commandTimeoutMs?: number;
}

export interface MfaIo {
  env: Env;
  /** Where a code command's stderr goes. */
  stderr: NodeJS.WritableStream;
  /** Opens the terminal to prompt on; undefined when there is none. Default: /dev/tty. */
  openTerminal?: () => Terminal | undefined;
}

export type MfaCodeProvider = (request: MfaCodeRequest) => Promise<string>;

/** No caching here: the caller asks once per serial and keeps the MFA session, not the code. */
export function createMfaCodeProvider(options: MfaOptions, io: MfaIo): MfaCodeProvider {
  return async (request) => {
    if (options.code !== undefined) {
      if (!isMfaCode(options.code)) throw new UsageError('--mfa-code must be 6 digits');
      return options.code;
    }
    const command = codeCommand(options, request);
    if (command) {
      return runMfaCommand(command, { env: io.env, stderr: io.stderr, timeoutMs: options.commandTimeoutMs });
    }
    const terminal = (io.openTerminal ?? openTerminal)();
    if (!terminal) {
      throw new UsageError(
        `profile "${request.profile}" needs an MFA code for ${request.serial} and there is no terminal to ask on`,
        WAYS_TO_PASS_A_CODE,
      );
    }
    try {
      return await promptForCode(request.serial, terminal);
    } finally {
      terminal.close();
    }
  };
}

/** The flag wins over the profile: it is the more specific, given for this one run. */
function codeCommand(options: MfaOptions, request: MfaCodeRequest): MfaCommand | undefined {
  if (options.command !== undefined) return { command: options.command, where: '--mfa-command' };
  if (request.mfaProcess) return { command: request.mfaProcess.command, where: `mfa_process, ${request.mfaProcess.origin}` };
  return undefined;
}

import { UsageError } from '../errors/errors.js';
import { isMfaCode, WAYS_TO_PASS_A_CODE } from './code.js';
import type { Terminal } from './terminal.js';

/** Tries before giving up: a typo or two is normal, a loop forever in a script is not. */
export const PROMPT_ATTEMPTS = 3;

/** Asks on the terminal until six digits are typed, at most PROMPT_ATTEMPTS times. */
export async function promptForCode(serial: string, terminal: Terminal): Promise<string> {
  for (let attempt = 1; attempt <= PROMPT_ATTEMPTS; attempt++) {
    // botocore's wording, so that wrappers which watch for it keep working.
    const line = await terminal.readHidden(`Enter MFA code for ${serial}: `);
    if (line === undefined) {
      throw new UsageError(`no MFA code entered for ${serial}`, WAYS_TO_PASS_A_CODE);
    }
    const code = line.trim();
    if (isMfaCode(code)) return code;
    // What was typed is not repeated: it was typed without echo for a reason.
    if (attempt < PROMPT_ATTEMPTS) terminal.write('The MFA code must be 6 digits; try again.\n');
  }
  throw new UsageError(`no valid MFA code for ${serial} after ${PROMPT_ATTEMPTS} tries: it must be 6 digits`);
}

/** An MFA (TOTP) code as STS accepts it: exactly six ASCII digits. */
export function isMfaCode(value: string): boolean {
  // [0-9], not \d with the u flag: STS wants ASCII digits only.
  return /^[0-9]{6}$/.test(value);
}

/** The three ways to give a code, for hints when none could be obtained. */
export const WAYS_TO_PASS_A_CODE =
  'pass one with --mfa-code 123456, or a command that prints one with --mfa-command "<command>" ' +
  'or mfa_process = <command> in the profile';

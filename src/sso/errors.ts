import { AwsroleError, ExitCode } from '../errors/errors.js';

/**
 * There is no usable IAM Identity Center login: no cached token, an unusable one, an expired one
 * that cannot be refreshed, or one the service refused. Exit 4, the code of "AWS refused these
 * credentials": an expired token noticed before the call gets the same code as one the portal
 * refuses (UnauthorizedException), so scripts see one code for "log in again".
 */
export class SsoLoginRequiredError extends AwsroleError {
  constructor(message: string, profile: string) {
    super(message, ExitCode.awsRefused, loginHint(profile));
  }
}

/** The command that fixes it; the AWS CLI's login writes the same token, so it is named too. */
export function loginHint(profile: string): string {
  return `run: ${loginCommandLine(profile)}   (or: aws sso login --profile ${shellWord(profile)})`;
}

/** `awsrole login <profile>`, the profile quoted for a shell when it needs to be. */
export function loginCommandLine(profile: string): string {
  return `awsrole login ${shellWord(profile)}`;
}

function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

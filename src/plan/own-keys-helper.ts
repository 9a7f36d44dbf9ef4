import { basename } from 'node:path';
import { CommandLineSyntaxError, splitCommandLine } from '../mfa/split.js';

/**
 * awsrole's own credential_process for keys in its keystore, as `keys add` and `keys import`
 * write it: `awsrole credential-process --keys <profile>`. The AWS CLI and the SDKs run it;
 * awsrole recognises it and reads the keystore itself rather than starting a copy of itself.
 */
export function keysHelperCommand(profile: string): string {
  // botocore splits the line with shlex: a name of plain characters needs no quotes.
  const word = /^[\w.@%+=:,/-]+$/.test(profile) ? profile : `'${profile.replaceAll("'", `'"'"'`)}'`;
  return `awsrole credential-process --keys ${word}`;
}

/** The profile whose stored keys a credential_process line asks for, when it is awsrole's own helper. */
export function ownKeysHelperProfile(command: string): string | undefined {
  let argv: string[];
  try {
    argv = splitCommandLine(command);
  } catch (error) {
    if (error instanceof CommandLineSyntaxError) return undefined;
    throw error;
  }
  // `awsrole` from PATH or by its full path (the npm bin link, or bin/awsrole.js itself).
  const [program, subcommand, flag, profile] = argv;
  if (argv.length !== 4 || !program || !['awsrole', 'awsrole.js'].includes(basename(program))) return undefined;
  return subcommand === 'credential-process' && flag === '--keys' && profile ? profile : undefined;
}

import { runCommand, childEnvironment } from '../exec.js';
import { UsageError } from '../errors.js';
import { sessionVariables } from '../output/variables.js';
import { recordRecentProfile } from '../recent-profiles.js';
import type { CommandContext, CredentialOptions } from './context.js';
import { obtainSession } from './obtain-session.js';

export async function execCommand(
  profile: string,
  commandLine: string[],
  options: CredentialOptions,
  context: CommandContext,
): Promise<number> {
  // Commander passes everything after the profile through, `--` included.
  const separated = commandLine[0] === '--';
  const [command, ...args] = separated ? commandLine.slice(1) : commandLine;
  if (!command) throw new UsageError('exec needs a command to run', `awsrole exec ${profile} -- aws sts get-caller-identity`);
  if (!separated && command.startsWith('-')) {
    throw new UsageError(
      `"${command}" is not a command: awsrole's options go before the profile`,
      `awsrole exec [options] ${profile} -- <command> [args...]`,
    );
  }
  const session = await obtainSession(profile, options, context);
  // Recorded once the credentials are there: the child's own exit code says nothing about the profile.
  recordRecentProfile(context.env, profile, context.debug);
  const env = childEnvironment(context.env, sessionVariables(session));
  context.debug(`exec: running ${command} with the credentials of ${profile}`);
  return runCommand(command, args, env);
}

import { UsageError } from '../errors.js';
import { useScript } from '../output/use-script.js';
import { chooseShell } from './choose-shell.js';
import type { CommandContext, CredentialOptions } from './context.js';
import { obtainSession, planFor } from './obtain-session.js';

export interface UseOptions extends CredentialOptions {
  shell?: string;
}

export async function useCommand(profile: string, options: UseOptions, context: CommandContext): Promise<void> {
  const shell = chooseShell(options.shell, context);
  if (context.stdout.isTTY) {
    // Printed to a terminal, the exports would change nothing and leave secrets on screen.
    planFor(profile, options, context);
    throw new UsageError(
      'awsrole use prints shell code for eval; stdout is a terminal, so nothing was printed',
      shell === 'fish'
        ? `run: awsrole use ${profile} | source   (or install the shell function: awsrole init fish | source)`
        : `run: eval "$(awsrole use ${profile})"   (or install the shell function: eval "$(awsrole init ${shell === 'powershell' ? 'powershell' : shell})")`,
    );
  }
  const session = await obtainSession(profile, options, context);
  context.stdout.write(useScript(shell, session));
}

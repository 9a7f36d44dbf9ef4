import { unsetScript } from '../output/use-script.js';
import { chooseShell } from './choose-shell.js';
import type { CommandContext } from './context.js';

/**
 * AWSROLE_PROFILE marks a shell where `use` ran, and so set the region variables when the profile
 * had a region. Without it, AWS_REGION and AWS_DEFAULT_REGION are the user's own: kept.
 */
export function unsetCommand(options: { shell?: string }, context: CommandContext): void {
  const keepRegion = !context.env.AWSROLE_PROFILE;
  context.stdout.write(unsetScript(chooseShell(options.shell, context), { keepRegion }));
}

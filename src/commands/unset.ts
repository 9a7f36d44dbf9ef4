import { unsetScript } from '../output/use-script.js';
import { rememberedUserRegion } from '../environment/user-region.js';
import { chooseShell } from './choose-shell.js';
import type { CommandContext } from './context.js';

/**
 * `use` remembers the user's own region variables in AWSROLE_USER_REGION: `unset` sets them back
 * exactly. Without it, AWS_REGION and AWS_DEFAULT_REGION are the user's own as they stand: kept.
 */
export function unsetCommand(options: { shell?: string }, context: CommandContext): void {
  context.stdout.write(unsetScript(chooseShell(options.shell, context), rememberedUserRegion(context.env)));
}

import { unsetScript } from '../output/use-script.js';
import type { CommandContext } from './context.js';
import { chooseShell } from './choose-shell.js';

export function unsetCommand(options: { shell?: string }, context: CommandContext): void {
  context.stdout.write(unsetScript(chooseShell(options.shell, context)));
}

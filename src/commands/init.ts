import { UsageError } from '../errors/errors.js';
import { INIT_SHELLS, initScript, parseInitShell, rcLine } from '../shell/init.js';
import type { CommandContext } from './context.js';

export function initCommand(shellName: string, context: CommandContext): void {
  const shell = parseInitShell(shellName);
  if (!shell) {
    throw new UsageError(`no shell integration for "${shellName}"`, `choose one of ${INIT_SHELLS.join(', ')}`);
  }
  if (context.stdout.isTTY) {
    // Someone typed it to see what it does: show the code, and say how to load it.
    context.info(`add this line to your shell's startup file: ${rcLine(shell)}`);
  }
  context.stdout.write(initScript(shell));
}

import { UsageError } from '../errors/errors.js';
import { parseShellName, shellFromPath, type ShellName } from '../output/use-script.js';
import type { Env } from '../environment/env.js';
import type { CommandContext } from './context.js';

/**
 * The shell whose code `use` and `unset` print: `--shell`, else AWSROLE_SHELL (set by the shell
 * function of `awsrole init`, which knows the shell it runs in), else the login shell in $SHELL —
 * which may differ from the running one, hence the other two — else POSIX sh.
 */
export function chooseShell(flag: string | undefined, context: CommandContext): ShellName {
  const named = flag || context.env.AWSROLE_SHELL;
  if (named) {
    const shell = parseShellName(named);
    if (!shell) {
      throw new UsageError(`unknown shell "${named}"${flag ? '' : ' in AWSROLE_SHELL'}`, 'choose one of bash, zsh, sh, fish, powershell');
    }
    return shell;
  }
  return shellFromPath(context.env.SHELL ?? '') ?? 'sh';
}

/**
 * The shell to write a failed `use`/`unset`'s statement for (src/output/failure-statement.ts).
 * Like chooseShell, but it never refuses: the failure may be that very `--shell` value, so an
 * unknown name falls through to the next source, and in the end to POSIX sh.
 */
export function shellForFailure(flag: string | undefined, env: Env): ShellName {
  for (const named of [flag, env.AWSROLE_SHELL]) {
    const shell = named ? parseShellName(named) : undefined;
    if (shell) return shell;
  }
  return shellFromPath(env.SHELL ?? '') ?? 'sh';
}

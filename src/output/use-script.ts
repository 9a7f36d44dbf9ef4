/** The shell code of `use` and `unset`, for the shell the user runs. */
import type { Session } from '../run/credentials.js';
import { ENV_DIALECTS, envScript, type EnvDialect } from './env-formats.js';
import type { RegionVariables } from '../environment/user-region.js';
import { REGION_VARIABLES, USE_VARIABLES, sessionVariables } from './variables.js';

export type ShellName = 'bash' | 'zsh' | 'sh' | 'fish' | 'powershell';

export const SHELL_NAMES: readonly ShellName[] = ['bash', 'zsh', 'sh', 'fish', 'powershell'];

/** A `--shell` value: a shell name, or `pwsh` for powershell. Undefined when unknown. */
export function parseShellName(name: string): ShellName | undefined {
  if (name === 'pwsh') return 'powershell';
  return (SHELL_NAMES as readonly string[]).includes(name) ? (name as ShellName) : undefined;
}

/** Shells that run POSIX sh code; `use` writes them the same `export` lines as bash. */
const POSIX_SHELLS = new Set(['sh', 'dash', 'ash', 'ksh', 'ksh93', 'mksh', 'lksh', 'oksh', 'pdksh', 'yash', 'posh', 'busybox']);

/**
 * The shell a `$SHELL` value names: `/usr/bin/zsh` → zsh, `/bin/dash` → sh,
 * `C:\Program Files\PowerShell\7\pwsh.exe` → powershell. Undefined for a shell we write no code
 * for (csh, tcsh, nu, xonsh, …) or an empty value.
 */
export function shellFromPath(path: string): ShellName | undefined {
  const base = (path.split(/[/\\]/).pop() ?? '')
    .toLowerCase()
    .replace(/\.exe$/, '')
    .replace(/^-/, ''); // a login shell's argv[0], should one be passed
  if (base === 'bash' || base === 'zsh' || base === 'fish') return base;
  if (base === 'pwsh' || base === 'powershell') return 'powershell';
  if (POSIX_SHELLS.has(base)) return 'sh';
  return undefined;
}

function dialectFor(shell: ShellName): EnvDialect {
  switch (shell) {
    case 'fish':
      return ENV_DIALECTS.fish;
    case 'powershell':
      return ENV_DIALECTS.powershell;
    default:
      return ENV_DIALECTS.env; // bash, zsh and sh all read POSIX `export` and `unset`
  }
}

/** What `use` prints: the `env`, `fish` or `powershell` format for the session. */
export function useScript(shell: ShellName, session: Session): string {
  return envScript(dialectFor(shell), sessionVariables(session));
}

/**
 * What `unset` prints: clears every variable `use` can set, and sets the region variables back
 * to `userRegion`, the user's own from before the first `use`. Without it (no `use` remembered
 * them) the region variables are the user's as they stand, and are left alone.
 */
export function unsetScript(shell: ShellName, userRegion?: RegionVariables): string {
  const set: Array<readonly [string, string]> = [];
  const clear = USE_VARIABLES.filter((name) => !(REGION_VARIABLES as readonly string[]).includes(name));
  if (userRegion) {
    for (const name of REGION_VARIABLES) {
      const value = userRegion[name];
      if (value === undefined) clear.push(name);
      else set.push([name, value]);
    }
  }
  return envScript(dialectFor(shell), { set, clear });
}

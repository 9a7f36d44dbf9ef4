/** What `awsrole init <shell>` prints: the shell function and completion for that shell. */
import { fishInit } from './fish.js';
import { posixInit } from './posix.js';
import { powershellInit } from './powershell.js';

export type InitShell = 'bash' | 'zsh' | 'fish' | 'powershell';

export const INIT_SHELLS: readonly InitShell[] = ['bash', 'zsh', 'fish', 'powershell'];

/** A shell name as typed: `pwsh` is PowerShell. Undefined when we have no integration for it. */
export function parseInitShell(name: string): InitShell | undefined {
  if (name === 'pwsh') return 'powershell';
  return (INIT_SHELLS as readonly string[]).includes(name) ? (name as InitShell) : undefined;
}

export function initScript(shell: InitShell): string {
  switch (shell) {
    case 'bash':
    case 'zsh':
      return posixInit(shell);
    case 'fish':
      return fishInit();
    case 'powershell':
      return powershellInit();
  }
}

/** The line a user adds to their rc file, per shell. */
export function rcLine(shell: InitShell): string {
  switch (shell) {
    case 'bash':
    case 'zsh':
      return `eval "$(awsrole init ${shell})"`;
    case 'fish':
      return 'awsrole init fish | source';
    case 'powershell':
      return 'awsrole init powershell | Out-String | Invoke-Expression';
  }
}

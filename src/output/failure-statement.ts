/**
 * What a failed `use` or `unset` prints on stdout: one statement that makes the `eval`, `source`
 * or `Invoke-Expression` of that output fail with awsrole's exit code. Without it the shell would
 * evaluate an empty string, succeed, and run on as whoever was there before. None of them may
 * close an interactive shell, so none is an `exit`. The message itself is on stderr already.
 */
import type { ShellName } from './use-script.js';

export function failureStatement(shell: ShellName, command: 'use' | 'unset', exitCode: number): string {
  const code = Math.trunc(exitCode) || 1;
  switch (shell) {
    case 'bash':
    case 'zsh':
    case 'sh':
      // A subshell that exits with the code: `eval` returns the status of the last command it
      // ran, so `set -e` stops a script there, and an interactive shell only sees `$?` set.
      return `(exit ${code})\n`;
    case 'fish':
      // `return` in sourced code ends the `source` with that status (in a function, the function
      // too); fish has no `set -e`, so a script goes on unless it checks, as after any command.
      return `return ${code}\n`;
    case 'powershell':
      // `throw` stops a script (a terminating error) and, at the prompt, only shows the error;
      // PowerShell cannot end a script with a chosen code short of `exit`, which would close an
      // interactive session, so the code goes to $LASTEXITCODE.
      return `$global:LASTEXITCODE = ${code}; throw 'awsrole ${command} failed with exit code ${code}'\n`;
  }
}

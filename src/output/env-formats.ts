/**
 * The formats that set environment variables: one line per variable, LF line ends, a final
 * newline. Clears come first and assignments last.
 */
import { assertVariableName, dockerEnvValue, quoteDotenv, quoteFish, quotePosix, quotePowerShell, quoteWindowsCmdAssignment } from './quote.js';
import type { VariableChanges } from './variables.js';

export interface EnvDialect {
  /** One line that sets the variable. */
  assign(name: string, value: string): string;
  /** One line that removes the variable; absent when the format has no way to, or should not. */
  clear?(name: string): string;
}

export type EnvFormatName = 'env' | 'env-no-export' | 'fish' | 'powershell' | 'windows-cmd' | 'dotenv' | 'docker';

/** The name, after checking that it is one (names are ours, so a failure is a bug). */
function named(name: string): string {
  assertVariableName(name);
  return name;
}

export const ENV_DIALECTS: Readonly<Record<EnvFormatName, EnvDialect>> = {
  env: {
    assign: (name, value) => `export ${named(name)}=${quotePosix(value, name)}`,
    clear: (name) => `unset ${named(name)}`,
  },
  /**
   * Assignments only, no `unset`. This format is for readers of plain `K=V` lines (env files for
   * systemd, `set -a; . file`, line-based loaders), where an `unset` line is an error or is
   * misread; a shell that should also drop stale variables uses `env`, which clears them.
   */
  'env-no-export': {
    assign: (name, value) => `${named(name)}=${quotePosix(value, name)}`,
  },
  fish: {
    assign: (name, value) => `set -gx ${named(name)} ${quoteFish(value, name)}`,
    // fish's `set` leaves $status as it was, so a bare `set -e` of an unset variable (status 4)
    // would become the status of the whole `| source`. Guarded, a clear is status-neutral. Only
    // the global scope is touched: a plain `set -e` could erase a user's universal variable.
    clear: (name) => `if set -q -g ${named(name)}; set -e -g ${named(name)}; end`,
  },
  powershell: {
    assign: (name, value) => `$Env:${named(name)} = ${quotePowerShell(value, name)}`,
    clear: (name) => `Remove-Item Env:${named(name)} -ErrorAction SilentlyContinue`,
  },
  'windows-cmd': {
    assign: (name, value) => `set ${quoteWindowsCmdAssignment(name, value)}`,
    clear: (name) => `set ${named(name)}=`,
  },
  /** A file read by a loader, not run: it can only add variables, never remove them. */
  dotenv: {
    assign: (name, value) => `${named(name)}=${quoteDotenv(value, name)}`,
  },
  /** `docker run --env-file`: the value as it is, no quotes (docker reads none). Adds only. */
  docker: {
    assign: (name, value) => `${named(name)}=${dockerEnvValue(value, name)}`,
  },
};

export function envScript(dialect: EnvDialect, changes: VariableChanges): string {
  const lines: string[] = [];
  if (dialect.clear) for (const name of changes.clear) lines.push(dialect.clear(name));
  for (const [name, value] of changes.set) lines.push(dialect.assign(name, value));
  return lines.map((line) => `${line}\n`).join('');
}

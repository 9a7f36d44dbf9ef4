import { join } from 'node:path';
import { os } from '../startup/lazy-builtin.js';

/**
 * The one place that reads process.env and the home directory. Everything else takes an `Env`
 * as an argument, so tests (and `exec`'s child environment) never depend on the real one.
 */
export type Env = Readonly<Record<string, string | undefined>>;

export function processEnv(): Env {
  return process.env;
}

export function homeDirectory(env: Env): string {
  // Node's homedir() reads HOME on POSIX; reading it from `env` first keeps tests hermetic.
  return env.HOME || env.USERPROFILE || os.homedir();
}

/** Expands a leading `~` the way botocore's os.path.expanduser does (no normalising of the rest). */
export function expandHome(path: string, env: Env): string {
  if (path !== '~' && !path.startsWith('~/')) return path;
  return `${homeDirectory(env).replace(/\/+$/, '')}${path.slice(1)}` || '/';
}

/**
 * Python's os.path.expandvars: `$NAME` and `${NAME}` (NAME of letters, digits and `_`; anything
 * between the braces) become the variable's value; an unset variable is left as written.
 */
export function expandVariables(path: string, env: Env): string {
  if (!path.includes('$')) return path;
  return path.replace(/\$(\w+|\{[^}]*\})/g, (written, name: string) => {
    const value = env[name.startsWith('{') ? name.slice(1, -1) : name];
    return value ?? written;
  });
}

/** botocore's raw_config_parse: expandvars, then expanduser. */
export function configFilePath(env: Env): string {
  return expandHome(expandVariables(env.AWS_CONFIG_FILE || '~/.aws/config', env), env);
}

export function credentialsFilePath(env: Env): string {
  return expandHome(expandVariables(env.AWS_SHARED_CREDENTIALS_FILE || '~/.aws/credentials', env), env);
}

/**
 * awsrole's own secrets among the variables (the encrypted key file's passphrase): they are
 * meant for awsrole alone, so no command or helper it starts inherits them.
 */
export const AWSROLE_SECRET_VARIABLES: readonly string[] = ['AWSROLE_FILE_PASSPHRASE'];

/** botocore's rule for true/false settings in the environment: case-insensitive `true`. */
export function envFlag(env: Env, name: string): boolean {
  return (env[name] ?? '').trim().toLowerCase() === 'true';
}

/** awsrole's own session cache: AWSROLE_CACHE_DIR, else $XDG_CACHE_HOME/awsrole, else ~/.cache/awsrole. */
export function cacheDirectory(env: Env): string {
  if (env.AWSROLE_CACHE_DIR) return expandHome(env.AWSROLE_CACHE_DIR, env);
  return join(env.XDG_CACHE_HOME || join(homeDirectory(env), '.cache'), 'awsrole');
}

/**
 * Where awsrole keeps what it remembers that is not a cache (the recently used profiles):
 * $XDG_STATE_HOME/awsrole, else ~/.local/state/awsrole (the XDG base directory rules).
 */
export function stateDirectory(env: Env): string {
  return join(env.XDG_STATE_HOME || join(homeDirectory(env), '.local', 'state'), 'awsrole');
}

/**
 * Where awsrole keeps data it must not lose (the keystore's list of profiles, the encrypted key
 * file): $XDG_DATA_HOME/awsrole, else ~/.local/share/awsrole.
 */
export function dataDirectory(env: Env): string {
  return join(env.XDG_DATA_HOME || join(homeDirectory(env), '.local', 'share'), 'awsrole');
}

/** The AWS CLI's assume-role cache, shared unless AWSROLE_AWS_CLI_CACHE=false (or --no-cli-cache). */
export function awsCliCacheDirectory(env: Env): string | undefined {
  if ((env.AWSROLE_AWS_CLI_CACHE ?? '').trim().toLowerCase() === 'false') return undefined;
  return join(homeDirectory(env), '.aws', 'cli', 'cache');
}

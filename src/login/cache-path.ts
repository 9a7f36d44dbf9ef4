// Where `aws login` keeps a login session's token, by botocore 1.43's rules (utils.py:
// get_login_token_cache_directory, generate_login_cache_key; credentials.py: LoginProvider builds
// a JSONFileCache on that directory, whose files are `<key>.json`).

import { join } from 'node:path';
import { expandHome, expandVariables, homeDirectory, type Env } from '../environment/env.js';
import { ConfigError } from '../errors/errors.js';
import type { Planned } from '../plan/types.js';
import { sha256Hex } from '../cache/digest.js';

export const LOGIN_CACHE_VARIABLE = 'AWS_LOGIN_CACHE_DIRECTORY';

/**
 * AWS_LOGIN_CACHE_DIRECTORY (expandvars, then expanduser), else `~/.aws/login/cache`. botocore
 * takes the variable whenever it is in the environment: an empty one would make it read tokens
 * from the current directory, so awsrole refuses that instead.
 */
export function loginCacheDirectory(env: Env): Planned<string> {
  const set = env[LOGIN_CACHE_VARIABLE];
  if (set === undefined) {
    return { value: join(homeDirectory(env), '.aws', 'login', 'cache'), source: { kind: 'default', reason: 'the AWS CLI\'s login cache' } };
  }
  if (set.trim() === '') {
    throw new ConfigError(`${LOGIN_CACHE_VARIABLE} is set but empty`, `unset it (the default is ~/.aws/login/cache) or name the directory`);
  }
  return { value: expandHome(expandVariables(set, env), env), source: { kind: 'env', variable: LOGIN_CACHE_VARIABLE } };
}

/** generate_login_cache_key: the SHA-256 hex of the session name's UTF-8 bytes. */
export function loginCacheKey(sessionName: string): string {
  return sha256Hex(sessionName);
}

/** The token file of a login session. */
export function loginTokenFile(env: Env, sessionName: string): Planned<string> {
  const dir = loginCacheDirectory(env);
  return { value: join(dir.value, `${loginCacheKey(sessionName)}.json`), source: dir.source };
}

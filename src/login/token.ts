// The token file `aws login` writes and botocore 1.43 reads and refreshes (credentials.py:
// LoginCredentialFetcher; utils.py: LoginTokenLoader, JSONFileCache). As the AWS CLI writes it
// (awscli/customizations/login/utils.py, _exchange_auth_code_for_access_token):
//
//   {"accessToken": {"accessKeyId", "secretAccessKey", "sessionToken", "accountId", "expiresAt"},
//    "tokenType", "clientId", "refreshToken", "idToken", "dpopKey": "-----BEGIN EC PRIVATE KEY-----…"}
//
// Everything in it but the times, the account and the client id is a secret.

import { directoryNotTrusted, makePrivateDirectories, notTrusted, readFileWithStats, writeFileAtomic } from '../cache/atomic-file.js';
import { dirname } from 'node:path';
import { pythonJsonDumps, type PythonJson } from '../sso/python-json.js';
import { formatSsoTimestamp, parseSsoTimestamp } from '../sso/time.js';

/** What botocore needs of a token to use it and to refresh it. */
export interface LoginToken {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  accountId: string;
  expiresAt: Date;
  clientId: string;
  refreshToken: string;
  /** The EC P-256 private key (PEM) that signs the DPoP proofs; the refresh token is bound to it. */
  dpopKey: string;
  /** The file's whole object, so that a refresh keeps what it does not replace (as `token.update` does). */
  raw: Record<string, PythonJson>;
}

export type LoginTokenLookup =
  | { status: 'found'; token: LoginToken }
  | { status: 'missing' }
  /** There, but not a token botocore could use; `reason` names no secret. */
  | { status: 'unusable'; reason: string }
  /** There, but not readable by this user (a permission problem, not a login problem). */
  | { status: 'unreadable'; reason: string }
  /** There, but others could have written it (or its directory): a permission problem too. */
  | { status: 'untrusted'; reason: string };

/** A token is a few kilobytes; a larger file is not one, and is not read into memory. */
const FILE_MAX_BYTES = 1024 * 1024;

/**
 * Reads the token file. botocore's JSONFileCache reads any file there; awsrole also refuses one
 * that others could have planted (another user's, or writable by others), as for the SSO cache:
 * a planted token would sign the user in as someone else.
 */
export function readLoginToken(path: string): LoginTokenLookup {
  let text: string | undefined;
  try {
    const file = readFileWithStats(path, FILE_MAX_BYTES);
    if (!file) return { status: 'missing' };
    const distrust = directoryNotTrusted(dirname(path)) ?? notTrusted(file.stats, 'it');
    if (distrust) return { status: 'untrusted', reason: `${distrust}: it could have been planted` };
    text = file.text;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') return { status: 'unreadable', reason: 'permission denied' };
    const message = (error as Error).message;
    return {
      status: 'unusable',
      reason: code === 'ELOOP' ? 'it is a symlink'
        : error instanceof TypeError ? 'it is not UTF-8 text'
        : message.startsWith('not a regular file') ? 'it is not a regular file'
        : message.startsWith('larger than') ? `it is ${message.replace(/ \(.*\)$/, '')}`
        : code ?? message,
    };
  }
  const parsed = parseLoginToken(text);
  return typeof parsed === 'string' ? { status: 'unusable', reason: parsed } : { status: 'found', token: parsed };
}

/**
 * The token in a file's text, or why it is none. botocore's checks: the four fields of
 * `_REQUIRED_TOKEN_FIELDS` (accessToken, refreshToken, dpopKey, clientId) must be there; then
 * `_token_to_credentials` reads accessToken's five fields, and crashes (KeyError) on a missing one —
 * here that is a reason like the others.
 */
export function parseLoginToken(text: string): LoginToken | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'it is not JSON';
  }
  if (!isObject(value)) return 'it is not a JSON object';
  const missing = ['accessToken', 'refreshToken', 'dpopKey', 'clientId'].filter((key) => !(key in value));
  if (missing.length > 0) return `it lacks ${missing.join(', ')}`;
  const access = value.accessToken;
  if (!isObject(access)) return 'its accessToken is not an object';
  const absent = ['accessKeyId', 'secretAccessKey', 'sessionToken', 'accountId', 'expiresAt'].filter((key) => typeof access[key] !== 'string' || access[key] === '');
  if (absent.length > 0) return `its accessToken lacks ${absent.join(', ')}`;
  for (const key of ['refreshToken', 'dpopKey', 'clientId'] as const) {
    if (typeof value[key] !== 'string' || value[key] === '') return `its ${key} is not a string`;
  }
  const expiresAt = parseSsoTimestamp(access.expiresAt as string);
  if (!expiresAt) return `its expiresAt "${access.expiresAt as string}" is not a time`;
  return {
    accessKeyId: access.accessKeyId as string,
    secretAccessKey: access.secretAccessKey as string,
    sessionToken: access.sessionToken as string,
    accountId: access.accountId as string,
    expiresAt,
    clientId: value.clientId as string,
    refreshToken: value.refreshToken as string,
    dpopKey: value.dpopKey as string,
    raw: value as Record<string, PythonJson>,
  };
}

/** What CreateOAuth2Token's tokenOutput brings. */
export interface RefreshedToken {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  refreshToken: string;
  /** Seconds. */
  expiresIn: number;
}

/**
 * The token after a refresh, exactly as LoginCredentialFetcher.refresh_credentials builds it
 * (botocore 1.43 credentials.py, the `token.update({...})` after CreateOAuth2Token): accessToken
 * replaced by a new object of the five fields in this order (accountId kept from the old one,
 * expiresAt = now + expiresIn as `%Y-%m-%dT%H:%M:%SZ`), refreshToken replaced in place, every
 * other field kept where it was.
 */
export function refreshedToken(token: LoginToken, output: RefreshedToken, now: Date): LoginToken {
  // datetime + timedelta, then strftime without the fraction: whole seconds, rounded down.
  const expiresAt = new Date(Math.floor((now.getTime() + output.expiresIn * 1000) / 1000) * 1000);
  const accessToken: Record<string, PythonJson> = {
    accessKeyId: output.accessKeyId,
    secretAccessKey: output.secretAccessKey,
    sessionToken: output.sessionToken,
    accountId: token.accountId,
    expiresAt: formatSsoTimestamp(expiresAt),
  };
  // dict.update keeps the position of a key that is there and appends one that is not.
  const raw: Record<string, PythonJson> = { ...token.raw, accessToken, refreshToken: output.refreshToken };
  return {
    ...token,
    accessKeyId: output.accessKeyId,
    secretAccessKey: output.secretAccessKey,
    sessionToken: output.sessionToken,
    refreshToken: output.refreshToken,
    expiresAt,
    raw,
  };
}

/**
 * Writes the token back as botocore's JSONFileCache does — `json.dumps(token)` with Python's
 * defaults, no newline at the end — but atomically with mode 0600 (src/cache/atomic-file.ts), as
 * JSONFileCache also replaces the file (mkstemp, fsync, os.replace).
 */
export function writeLoginToken(path: string, token: LoginToken): void {
  makePrivateDirectories(dirname(path));
  writeFileAtomic(path, serializeLoginToken(token));
}

export function serializeLoginToken(token: LoginToken): string {
  return pythonJsonDumps(token.raw);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

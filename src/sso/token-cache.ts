// The IAM Identity Center token cache the AWS CLI v2 and botocore share, ~/.aws/sso/cache, read and
// written the same way so that a login by either tool serves the other. Rules from botocore 1.43
// (utils.py SSOTokenLoader, JSONFileCache; tokens.py SSOTokenProvider) and AWS CLI 2.9 (its
// botocore's utils.py SSOTokenFetcher; customizations/sso/utils.py do_sso_login).

import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { directoryNotTrusted, makePrivateDirectories, notTrusted, readFileWithStats, writeFileAtomic } from '../cache/atomic-file.js';
import { homeDirectory, type Env } from '../environment/env.js';
import { ConfigError } from '../errors/errors.js';
import { pythonJsonDumps, type PythonJson } from './python-json.js';
import { formatSsoTimestamp, parseSsoTimestamp } from './time.js';

/**
 * `~/.aws/sso/cache`, from HOME (botocore: os.path.expanduser; neither tool has a variable to move
 * it). Token files and client registrations live side by side in it.
 */
export function ssoCacheDirectory(env: Env): string {
  return join(homeDirectory(env), '.aws', 'sso', 'cache');
}

/** What names a token: the sso-session, or for the legacy form (sso_start_url in the profile) the start URL. */
export interface TokenName {
  startUrl: string;
  /** `[sso-session NAME]`; undefined for the legacy form. */
  sessionName?: string;
}

/**
 * SSOTokenLoader._generate_cache_key: sha1 hex of the sso-session NAME when there is one (so every
 * profile of one sso-session shares one login), else of the start URL.
 */
export function tokenCacheKey(name: TokenName): string {
  return sha1(name.sessionName ?? name.startUrl);
}

export function tokenFilePath(dir: string, name: TokenName): string {
  return join(dir, `${tokenCacheKey(name)}.json`);
}

/**
 * A cached token. `accessToken` and `expiresAt` are all botocore needs to use it; the client
 * registration and the refresh token (sso-session logins) let it be refreshed without a login.
 * Every value is a secret except the times, the start URL and the region.
 */
export interface SsoToken {
  accessToken: string;
  expiresAt: Date;
  startUrl?: string;
  region?: string;
  clientId?: string;
  clientSecret?: string;
  registrationExpiresAt?: Date;
  refreshToken?: string;
}

export type TokenLookup =
  | { status: 'found'; path: string; token: SsoToken }
  | { status: 'missing'; path: string }
  /** There, but not a token botocore could use either; `reason` names no secret. */
  | { status: 'unusable'; path: string; reason: string };

/** A token or registration is a few kilobytes; a bigger file is not one, and is not read into memory. */
const FILE_MAX_BYTES = 1024 * 1024;

/**
 * A cache file's text, with the checks of awsrole's own cache: the directory and the file must be
 * the user's and closed to writers other than the user, the file a regular one (a symlink is not
 * followed, a FIFO does not block) of a sane size: a token someone else planted would sign the
 * user in to an account of their choosing. Undefined when there is no file; throws an Error with
 * the reason (and the errno code, for permission errors) otherwise.
 */
function readCacheFile(dir: string, path: string): string | undefined {
  let file;
  try {
    file = readFileWithStats(path, FILE_MAX_BYTES);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message = (error as Error).message.replace(` (${path})`, '');
    const reason =
      code === 'ELOOP' ? 'it is a symlink'
      : message.startsWith('not a regular file') ? 'it is not a regular file'
      : message.startsWith('larger than') ? `it is ${message}`
      : error instanceof TypeError ? 'it is not UTF-8 text'
      : code ? `cannot be read (${code})` : message;
    throw Object.assign(new Error(reason), { code });
  }
  if (!file) return undefined;
  const distrust = directoryNotTrusted(dir) ?? notTrusted(file.stats, 'it');
  if (distrust) throw new Error(`${distrust}: it could have been planted`);
  return file.text;
}

/**
 * The token file for `name`. A missing file is `missing`; a file that is not JSON, or lacks
 * `accessToken` or a readable `expiresAt`, is `unusable` (botocore: "Token for … is invalid", or a
 * crash in dateutil). A file that cannot be read at all is a ConfigError: logging in again would
 * not fix that.
 */
export function readToken(dir: string, name: TokenName): TokenLookup {
  const path = tokenFilePath(dir, name);
  let text: string | undefined;
  try {
    text = readCacheFile(dir, path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') {
      throw new ConfigError(`cannot read the IAM Identity Center token file: permission denied (${path})`, 'fix its owner or mode (0600, yours)');
    }
    return { status: 'unusable', path, reason: (error as Error).message };
  }
  if (text === undefined) return { status: 'missing', path };
  const parsed = parseToken(text);
  return typeof parsed === 'string' ? { status: 'unusable', path, reason: parsed } : { status: 'found', path, token: parsed };
}

/** The token in a cache file's text, or why it is not one. */
export function parseToken(text: string): SsoToken | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'it is not JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'it is not a JSON object';
  const record = value as Record<string, unknown>;
  const stringField = (key: string): string | undefined => (typeof record[key] === 'string' && record[key] !== '' ? (record[key] as string) : undefined);
  const accessToken = stringField('accessToken');
  if (!accessToken) return 'it has no accessToken';
  const expiresAtText = stringField('expiresAt');
  if (!expiresAtText) return 'it has no expiresAt';
  const expiresAt = parseSsoTimestamp(expiresAtText);
  if (!expiresAt) return `its expiresAt "${expiresAtText}" is not a time`;
  const token: SsoToken = { accessToken, expiresAt };
  for (const key of ['startUrl', 'region', 'clientId', 'clientSecret', 'refreshToken'] as const) {
    const found = stringField(key);
    if (found) token[key] = found;
  }
  const registrationText = stringField('registrationExpiresAt');
  const registrationExpiresAt = registrationText ? parseSsoTimestamp(registrationText) : undefined;
  if (registrationExpiresAt) token.registrationExpiresAt = registrationExpiresAt;
  return token;
}

/**
 * The file as the AWS CLI writes it: Python's json.dumps of the keys in the CLI's order, times as
 * `%Y-%m-%dT%H:%M:%SZ`. Absent values are left out (botocore writes refreshToken only when the
 * service issued one).
 */
export function serializeToken(token: SsoToken): string {
  const fields: Record<string, PythonJson> = {};
  const put = (key: string, value: string | Date | undefined) => {
    if (value !== undefined) fields[key] = value instanceof Date ? formatSsoTimestamp(value) : value;
  };
  put('startUrl', token.startUrl);
  put('region', token.region);
  put('accessToken', token.accessToken);
  put('expiresAt', token.expiresAt);
  put('clientId', token.clientId);
  put('clientSecret', token.clientSecret);
  put('registrationExpiresAt', token.registrationExpiresAt);
  put('refreshToken', token.refreshToken);
  return pythonJsonDumps(fields);
}

/** Writes the token file (0600, atomically; the directory 0700 when created). Returns its path. */
export function writeToken(dir: string, name: TokenName, token: SsoToken): string {
  const path = tokenFilePath(dir, name);
  writePrivate(dir, path, serializeToken(token));
  return path;
}

// ---------------------------------------------------------------------------------------------
// Client registrations (OIDC RegisterClient results), cached by the AWS CLI in the same directory

/** What a registration is for: the CLI registers one client per start URL, region, scopes and sso-session. */
export interface RegistrationName {
  startUrl: string;
  region: string;
  /** The scopes registered; undefined (JSON null in the key) when none were asked for. */
  scopes?: string[];
  sessionName?: string;
  /**
   * Set for a client registered for the authorization-code flow (its grant types and redirect
   * URI differ from a device-code client's, so the two must not be mistaken for each other).
   */
  grantTypes?: string[];
}

export interface ClientRegistration {
  clientId: string;
  clientSecret: string;
  expiresAt: Date;
  scopes?: string[];
}

/**
 * SSOTokenFetcher._registration_cache_key (AWS CLI v2): sha1 of
 * `json.dumps({"tool": "botocore", "startUrl", "region", "scopes", "session_name"}, sort_keys=True)`,
 * None values included as null. A registration for the authorization-code flow adds its grant
 * types to the key: awsrole's own choice (botocore 1.43 on these machines has no such flow to
 * copy), so that it is never read as a device-code client's, nor the other way round.
 */
export function registrationCacheKey(name: RegistrationName): string {
  return sha1(pythonJsonDumps({
    tool: 'botocore',
    startUrl: name.startUrl,
    region: name.region,
    scopes: name.scopes ?? null,
    session_name: name.sessionName ?? null,
    ...(name.grantTypes ? { grant_types: name.grantTypes } : {}),
  }, { sortKeys: true }));
}

export function registrationFilePath(dir: string, name: RegistrationName): string {
  return join(dir, `${registrationCacheKey(name)}.json`);
}

/** The cached registration, or undefined when there is none that parses (a miss, never an error). */
export function readRegistration(dir: string, name: RegistrationName): ClientRegistration | undefined {
  let value: unknown;
  try {
    const text = readCacheFile(dir, registrationFilePath(dir, name));
    if (text === undefined) return undefined;
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { clientId, clientSecret, expiresAt, scopes } = value as Record<string, unknown>;
  if (typeof clientId !== 'string' || !clientId || typeof clientSecret !== 'string' || !clientSecret || typeof expiresAt !== 'string') return undefined;
  const expires = parseSsoTimestamp(expiresAt);
  if (!expires) return undefined;
  const registration: ClientRegistration = { clientId, clientSecret, expiresAt: expires };
  if (Array.isArray(scopes) && scopes.every((scope) => typeof scope === 'string')) registration.scopes = scopes as string[];
  return registration;
}

/** `{"clientId", "clientSecret", "expiresAt", "scopes"?}`, as the CLI writes it. */
export function writeRegistration(dir: string, name: RegistrationName, registration: ClientRegistration): string {
  const path = registrationFilePath(dir, name);
  const fields: Record<string, PythonJson> = {
    clientId: registration.clientId,
    clientSecret: registration.clientSecret,
    expiresAt: formatSsoTimestamp(registration.expiresAt),
  };
  if (registration.scopes) fields.scopes = registration.scopes;
  writePrivate(dir, path, pythonJsonDumps(fields));
  return path;
}

function writePrivate(dir: string, path: string, text: string): void {
  // botocore creates the directory with the umask's mode; awsrole keeps it private. An existing
  // directory is left as it is (it is shared with the AWS CLI).
  makePrivateDirectories(dir);
  writeFileAtomic(path, text);
}

function sha1(text: string): string {
  return createHash('sha1').update(text, 'utf8').digest('hex');
}

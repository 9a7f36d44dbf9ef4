// What `awsrole logout` does to IAM Identity Center logins, by the rules of `aws sso logout`
// (awscli/customizations/sso/logout.py: SSOTokenSweeper calls the portal's Logout for each
// cached token that names its region, then deletes the file; SSOCredentialSweeper deletes the
// SSO role credentials the CLI cached) — but for one login at a time unless --all.
import { createHash } from 'node:crypto';
import { readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { readFileWithStats } from '../cache/atomic-file.js';
import type { Env } from '../environment/env.js';
import { logout, SsoServiceError } from './api.js';
import { portalEndpoint, requestTimeoutMs } from './endpoints.js';
import { pythonJsonDumps } from './python-json.js';
import { parseToken, type SsoToken } from './token-cache.js';

export type PortalLogout = { kind: 'signed-out' } | { kind: 'skipped'; why: string } | { kind: 'failed'; why: string };

/**
 * The portal's Logout for a cached token. Skipped for a token already expired (nothing left to
 * end) or without a region (the CLI skips those too); a token the portal no longer knows
 * (UnauthorizedException) counts as signed out. Never throws: the token file goes either way.
 */
export async function portalLogout(token: SsoToken, env: Env, now: Date): Promise<PortalLogout> {
  if (token.expiresAt.getTime() <= now.getTime()) return { kind: 'skipped', why: 'the token had expired' };
  if (!token.region) return { kind: 'skipped', why: 'the token names no region' };
  const endpoint = portalEndpoint(env, token.region);
  try {
    await logout({ endpoint: endpoint.url, accessToken: token.accessToken, timeoutMs: requestTimeoutMs(env) });
    return { kind: 'signed-out' };
  } catch (error) {
    if (error instanceof SsoServiceError && error.code === 'UnauthorizedException') return { kind: 'signed-out' };
    return { kind: 'failed', why: `${(error as Error).message} (${endpoint.url})` };
  }
}

/**
 * botocore's SSOCredentialFetcher._create_cache_key, the name of the SSO role credentials the AWS
 * CLI caches in ~/.aws/cli/cache: sha1 of json.dumps({accountId, roleName, sessionName | startUrl},
 * sort_keys=True, separators=(',', ':')).
 */
export function awsCliSsoCredentialsKey(args: { accountId: string; roleName: string; startUrl: string; sessionName?: string }): string {
  const fields: Record<string, string> = { accountId: args.accountId, roleName: args.roleName };
  if (args.sessionName) fields.sessionName = args.sessionName;
  else fields.startUrl = args.startUrl;
  const members = Object.entries(fields).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const text = `{${members.map(([key, value]) => `${pythonJsonDumps(key)}:${pythonJsonDumps(value)}`).join(',')}}`;
  return createHash('sha1').update(text, 'utf8').digest('hex');
}

/**
 * The JSON files of a cache directory that `test` accepts, as the sweepers of `aws sso logout`
 * find them: regular files only (a symlink is neither followed nor removed), unreadable or
 * non-JSON ones left alone.
 */
export function sweepable(dir: string, test: (value: Record<string, unknown>) => boolean): Array<{ path: string; value: Record<string, unknown>; text: string }> {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.sort().flatMap((name) => {
    if (!name.endsWith('.json')) return [];
    const path = join(dir, name);
    try {
      const file = readFileWithStats(path, 1024 * 1024);
      if (!file) return [];
      const value: unknown = JSON.parse(file.text);
      if (typeof value !== 'object' || value === null || Array.isArray(value) || !test(value as Record<string, unknown>)) return [];
      return [{ path, value: value as Record<string, unknown>, text: file.text }];
    } catch {
      return [];
    }
  });
}

/** A token file's token, for the --all sweep (SSOTokenSweeper: any JSON with accessToken). */
export function tokenInFile(text: string): SsoToken | undefined {
  const token = parseToken(text);
  return typeof token === 'string' ? undefined : token;
}

/** Removes a file; whether it was there. A symlink is removed, never its target. */
export function removeFile(path: string): boolean {
  try {
    unlinkSync(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

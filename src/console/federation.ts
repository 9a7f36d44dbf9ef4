// The one request of `awsrole console`: credentials → sign-in token, at the federation endpoint.
// Plain fetch: one unsigned GET needs no SDK. Every message here is built from the status or an
// error code only — the request URL holds the secret key and session token.

import type { Env } from '../environment/env.js';
import { AwsRefusedError, AwsUnreachableError, UsageError } from '../errors/errors.js';
import { signinTokenUrl, type SessionCredentials } from './login-url.js';
import type { ConsoleHosts } from './partitions.js';
import { foreignBody } from '../sources/http.js';

export interface SigninEndpoint {
  /** The base URL, without a trailing slash: `/federation` is appended. */
  url: string;
  /** For --debug: `$AWSROLE_FEDERATION_ENDPOINT`, or `default for partition aws`. */
  source: string;
}

/**
 * The sign-in base URL: AWSROLE_FEDERATION_ENDPOINT when set (e.g. `http://127.0.0.1:8080`, for
 * tests or a proxy; it serves both getSigninToken and the login URL), else the partition's
 * sign-in host.
 */
export function signinEndpoint(env: Env, hosts: ConsoleHosts, partition: string): SigninEndpoint {
  const override = federationOverride(env);
  return override ?? { url: hosts.signin, source: `default for partition ${partition}` };
}

/** AWSROLE_FEDERATION_ENDPOINT, checked: an http(s) URL with no query or fragment. */
export function federationOverride(env: Env): SigninEndpoint | undefined {
  const raw = env.AWSROLE_FEDERATION_ENDPOINT?.trim();
  if (!raw) return undefined;
  let parsed: URL | undefined;
  try {
    parsed = new URL(raw);
  } catch {
    parsed = undefined;
  }
  if (!parsed || !['http:', 'https:'].includes(parsed.protocol) || parsed.search !== '' || parsed.hash !== '') {
    throw new UsageError(`AWSROLE_FEDERATION_ENDPOINT must be an http(s) URL without a query, not ${JSON.stringify(raw)}`);
  }
  return { url: raw.replace(/\/+$/, ''), source: '$AWSROLE_FEDERATION_ENDPOINT' };
}

export interface SigninTokenRequest {
  signinBase: string;
  credentials: SessionCredentials;
  timeoutMs: number;
  /** For messages: `profile "x", https://signin.aws.amazon.com`. */
  where: string;
  /** For tests; the global fetch otherwise. */
  fetch?: typeof fetch;
}

/**
 * GET /federation?Action=getSigninToken → `{"SigninToken": "…"}`. No answer (refused, DNS, TLS,
 * timeout) or an answer that is not the endpoint's → exit 5; an HTTP error status → exit 4.
 */
export async function getSigninToken(request: SigninTokenRequest): Promise<string> {
  const { where, timeoutMs } = request;
  const call = request.fetch ?? fetch;
  let response: Response;
  let text: string;
  try {
    response = await call(signinTokenUrl(request.signinBase, request.credentials), {
      method: 'GET',
      headers: { accept: 'application/json' },
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    throw new AwsUnreachableError(
      `cannot reach the AWS federation endpoint: ${networkReason(error, timeoutMs)} (${where})`,
      'check the network connection (AWSROLE_STS_TIMEOUT sets the timeout in seconds)',
    );
  }
  if ((response.status >= 300 && response.status < 400) || response.status >= 500) {
    // A redirect is not what the endpoint does (a proxy or captive portal does); a 5xx is it failing.
    throw new AwsUnreachableError(
      response.status >= 500
        ? `the AWS federation endpoint is failing: HTTP ${response.status} (${where})`
        : `the AWS federation endpoint did not answer like one: HTTP ${response.status}, a redirect (${where})`,
      response.status >= 500 ? 'try again in a moment' : 'check AWSROLE_FEDERATION_ENDPOINT, proxies and the network',
    );
  }
  if (response.status < 200 || response.status >= 300) {
    throw new AwsRefusedError(
      `the AWS federation endpoint refused the session: HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''} (${where})`,
      'it signs in with valid role sessions (AssumeRole, IAM Identity Center), not GetSessionToken ones; for a revoked cached session: --refresh',
    );
  }
  const token = signinToken(text);
  if (token === undefined) {
    throw new AwsUnreachableError(
      `the AWS federation endpoint did not answer like one: HTTP ${response.status} with ${signinForeign(text)} (${where})`,
      'something other than the AWS sign-in service answered: check AWSROLE_FEDERATION_ENDPOINT and proxies',
    );
  }
  return token;
}

/** What came instead of `{"SigninToken": …}`, in a few words (the body is never quoted). */
function signinForeign(text: string): string {
  return signinJson(text) ? 'no SigninToken in its JSON' : foreignBody(text);
}

function signinJson(text: string): boolean {
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null;
  } catch {
    return false;
  }
}

function signinToken(text: string): string | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    const token = typeof value === 'object' && value !== null ? (value as Record<string, unknown>).SigninToken : undefined;
    return typeof token === 'string' && token !== '' ? token : undefined;
  } catch {
    return undefined;
  }
}

/** Why no answer came, from error names and codes only: fetch's own messages may quote the URL. */
function networkReason(error: unknown, timeoutMs: number): string {
  const e = error as { name?: unknown; cause?: { code?: unknown } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no answer within ${timeoutMs / 1000} s`;
  if (e.cause?.code === 'ECONNRESET') return 'the connection was reset';
  // undici's word for a socket that closed before the answer was complete.
  if (e.cause?.code === 'UND_ERR_SOCKET') return 'the connection closed before the answer was complete';
  if (typeof e.cause?.code === 'string') return e.cause.code;
  return 'no connection';
}

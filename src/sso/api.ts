// Decision (issue 14, item 5): keep this client for now; only this note is added, because the
// "ssologin" work (PKCE, logout) is changing src/sso/ at the same time. Evidence:
// - @aws-sdk/token-providers' fromSso (3.1177.0) writes a refreshed token with
//   fs.writeFile(JSON.stringify(token, null, 2)) — not atomic, not the AWS CLI's bytes, mode by
//   umask — where token-cache.test.ts pins botocore's bytes, 0600 and an atomic rename; it reads
//   the profile from the files itself (not the plan) and has no device or PKCE login.
// - @aws-sdk/client-sso / client-sso-oidc (as @aws-sdk/nested-clients/sso and /sso-oidc,
//   installed) speak the same four calls, but with the SDK's retry strategy (3 attempts with
//   backoff, every call) and idle timeouts, where these calls make one attempt (two for
//   GetRoleCredentials) each bounded by one deadline, and tell "not IAM Identity Center" answers
//   (HTML, redirects, empty 200s: exit 5) from refusals (exit 4), as sso.test.ts and
//   faults-sources.test.ts pin.
// - Cost on the SSO path: require('@aws-sdk/nested-clients/sso') ~280 ms and /sso-oidc ~230 ms
//   here (cold, median of 3), against ~40 ms for awsrole's SSO chunk.
// A switch would be worth revisiting for the OIDC calls only if the SDK's error shapes can be
// mapped without message matching; that is for whoever owns src/sso/ next.

// The four IAM Identity Center calls awsrole makes, on the wire as the AWS SDKs make them: REST-JSON,
// unsigned (the bearer token or the client secret is the proof). Plain fetch rather than
// @aws-sdk/client-sso and client-sso-oidc: four small requests do not need two more SDK packages
// loaded on the way to a role switch, and there is nothing to sign.
//
// From botocore's service models (sso 2019-06-10, sso-oidc 2019-06-10):
//   GetRoleCredentials        GET  /federation/credentials?role_name=…&account_id=…, header x-amz-sso_bearer_token
//   RegisterClient            POST /client/register          {clientName, clientType, scopes?}
//   StartDeviceAuthorization  POST /device_authorization     {clientId, clientSecret, startUrl}
//   CreateToken               POST /token                    {clientId, clientSecret, grantType, deviceCode | refreshToken | code+codeVerifier+redirectUri}
//   (authorization-code flow)  GET  /authorize?response_type=code&client_id&redirect_uri&state&code_challenge_method=S256&scopes&code_challenge
//                              in the browser; RegisterClient then also sends grantTypes, redirectUris, issuerUrl
// Errors: HTTP 4xx/5xx, the code in the `x-amzn-errortype` header (`Name:namespace`) or in the body
// (`code`, `__type`); OIDC errors also carry OAuth's `error` / `error_description`.

import type { Credentials } from '../run/credentials.js';
import { maskAccessKeyIds } from '../output/mask.js';
import { foreignBody } from '../sources/http.js';

/** The service answered with an error. `code` is the exception name, e.g. `UnauthorizedException`. */
export class SsoServiceError extends Error {
  constructor(
    readonly operation: string,
    readonly status: number,
    readonly code: string,
    readonly serviceMessage: string,
  ) {
    super(`${operation}: ${code}${serviceMessage ? `: ${serviceMessage}` : ''} (HTTP ${status})`);
    this.name = 'SsoServiceError';
  }
}

/** No answer: refused, reset, DNS, TLS, a timeout, or something that is not the service. */
export class SsoNetworkError extends Error {
  constructor(
    readonly operation: string,
    readonly endpoint: string,
    reason: string,
    /** An answer came, but not one the service sends (a redirect, an HTML page, an empty body). */
    readonly foreign = false,
  ) {
    super(`${operation}: ${reason}`);
    this.name = 'SsoNetworkError';
  }
}

// OAuth's error codes (RFC 6749, RFC 8628) → the service's exception names, for answers that carry only the former.
const OAUTH_ERRORS: Record<string, string> = {
  authorization_pending: 'AuthorizationPendingException',
  slow_down: 'SlowDownException',
  expired_token: 'ExpiredTokenException',
  access_denied: 'AccessDeniedException',
  invalid_grant: 'InvalidGrantException',
  invalid_client: 'InvalidClientException',
  invalid_request: 'InvalidRequestException',
  invalid_scope: 'InvalidScopeException',
  unauthorized_client: 'UnauthorizedClientException',
  unsupported_grant_type: 'UnsupportedGrantTypeException',
};

interface CallOptions {
  operation: string;
  endpoint: string;
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: Record<string, unknown>;
  timeoutMs: number;
  /** Attempts for a request that got no answer at all (only for calls that are safe to repeat). */
  attempts?: number;
  /** The operation has no output: an empty 2xx is its answer (Logout). */
  emptyAnswer?: boolean;
}

async function call(options: CallOptions): Promise<Record<string, unknown>> {
  const url = `${options.endpoint}${options.path}`;
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.body) headers['content-type'] = 'application/json';
  const attempts = options.attempts ?? 1;
  for (let attempt = 1; ; attempt++) {
    const tries = attempt > 1 ? `, ${attempt} attempts` : '';
    let response: Response;
    let text: string;
    try {
      // The signal bounds the whole attempt: connecting, the headers and reading the body.
      const init: RequestInit = { method: options.method, headers, redirect: 'manual', signal: AbortSignal.timeout(options.timeoutMs) };
      if (options.body) init.body = JSON.stringify(options.body);
      response = await fetch(url, init);
      text = await response.text();
    } catch (error) {
      if (attempt < attempts) continue;
      throw new SsoNetworkError(options.operation, options.endpoint, `${networkReason(error, options.timeoutMs)}${tries}`);
    }
    const body = parseBody(text);
    const status = response.status;
    // What the service never sends: a redirect, a 2xx that is not a JSON object, an error status
    // without an error code (an HTML 404 from a web server). Something else answered (exit 5).
    const foreign =
      status >= 300 && status < 400 ? `HTTP ${status}, a redirect`
      : status >= 200 && status < 300 && (!body || (text.trim() === '' && !options.emptyAnswer)) ? `HTTP ${status} with ${foreignBody(text)}`
      : status >= 400 && status < 500 && errorCode(response, body) === undefined ? `HTTP ${status} with ${foreignBody(text)}`
      : undefined;
    if (foreign !== undefined || status >= 500) {
      if (attempt < attempts) continue;
    }
    if (foreign !== undefined) {
      throw new SsoNetworkError(options.operation, options.endpoint, `${options.endpoint} did not answer like IAM Identity Center: ${foreign}${tries}`, true);
    }
    if (status >= 200 && status < 300) return body!;
    const code = errorCode(response, body) ?? `HTTP${status}`;
    throw new SsoServiceError(options.operation, status, code, `${errorMessage(body, text)}${status >= 500 ? tries : ''}`);
  }
}

/** A 2xx that has the shape of an answer but not the fields every answer of this operation has. */
function incomplete(operation: string, endpoint: string, what: string): SsoNetworkError {
  return new SsoNetworkError(operation, endpoint, `${endpoint} did not answer like IAM Identity Center: HTTP 200 without ${what}`, true);
}

function parseBody(text: string): Record<string, unknown> | undefined {
  if (text.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** botocore's RestJSONParser order: the x-amzn-errortype header, then `code`, then `__type`; then OAuth's `error`. */
function errorCode(response: Response, body: Record<string, unknown> | undefined): string | undefined {
  const candidates = [response.headers.get('x-amzn-errortype'), body?.code, body?.Code, body?.__type];
  for (const candidate of candidates) {
    if (typeof candidate === 'string' && candidate !== '') return candidate.split(':', 1)[0]!.split('#').at(-1)!;
  }
  const oauth = body?.error;
  if (typeof oauth === 'string' && oauth !== '') return OAUTH_ERRORS[oauth] ?? oauth;
  return undefined;
}

function errorMessage(body: Record<string, unknown> | undefined, text: string): string {
  const found = [body?.message, body?.Message, body?.error_description].find((value) => typeof value === 'string' && value !== '');
  const message = typeof found === 'string' ? found : body ? '' : text.slice(0, 200);
  return maskAccessKeyIds(message.replace(/\s+/g, ' ').trim());
}

function networkReason(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no answer within ${timeoutMs / 1000} s`;
  const cause = e.cause;
  if (cause?.code === 'ECONNRESET') return 'the connection was reset';
  // undici's word for a socket that closed before the answer was complete.
  if (cause?.code === 'UND_ERR_SOCKET') return 'the connection closed before the answer was complete';
  if (cause?.code) return cause.code;
  return cause?.message ?? e.message ?? String(error);
}

// ---------------------------------------------------------------------------------------------
// The SSO portal

export interface RoleCredentialsRequest {
  endpoint: string;
  /** The bearer token from the cache: a secret. */
  accessToken: string;
  accountId: string;
  roleName: string;
  timeoutMs: number;
}

/** GetRoleCredentials: the role's temporary credentials for the signed-in user. */
export async function getRoleCredentials(request: RoleCredentialsRequest): Promise<Credentials> {
  const query = new URLSearchParams({ role_name: request.roleName, account_id: request.accountId });
  const body = await call({
    operation: 'GetRoleCredentials',
    endpoint: request.endpoint,
    method: 'GET',
    path: `/federation/credentials?${query}`,
    headers: { 'x-amz-sso_bearer_token': request.accessToken },
    timeoutMs: request.timeoutMs,
    attempts: 2,
  });
  const issued = body.roleCredentials as Record<string, unknown> | undefined;
  const { accessKeyId, secretAccessKey, sessionToken, expiration } = issued ?? {};
  if (typeof accessKeyId !== 'string' || !accessKeyId || typeof secretAccessKey !== 'string' || !secretAccessKey
    || typeof sessionToken !== 'string' || !sessionToken || typeof expiration !== 'number') {
    throw incomplete('GetRoleCredentials', request.endpoint, 'complete roleCredentials');
  }
  // `expiration` is epoch milliseconds (botocore divides by 1000).
  return { accessKeyId, secretAccessKey, sessionToken, expiration: new Date(expiration) };
}

/**
 * Logout (POST /logout, the bearer token in x-amz-sso_bearer_token, no output): the portal ends the
 * sign-in session of that token, as `aws sso logout` asks before it deletes the token file.
 */
export async function logout(request: { endpoint: string; accessToken: string; timeoutMs: number }): Promise<void> {
  await call({
    operation: 'Logout',
    endpoint: request.endpoint,
    method: 'POST',
    path: '/logout',
    headers: { 'x-amz-sso_bearer_token': request.accessToken },
    timeoutMs: request.timeoutMs,
    emptyAnswer: true,
  });
}

// ---------------------------------------------------------------------------------------------
// SSO OIDC

export interface RegisteredClient {
  clientId: string;
  clientSecret: string;
  /** From clientSecretExpiresAt (epoch seconds). */
  expiresAt: Date;
}

export interface DeviceAuthorization {
  deviceCode: string;
  userCode: string;
  verificationUri: string;
  verificationUriComplete: string;
  expiresIn: number;
  /** Seconds between polls, when the service says. */
  interval?: number;
}

export interface IssuedToken {
  accessToken: string;
  expiresIn: number;
  refreshToken?: string;
}

export interface OidcClient {
  readonly endpoint: string;
  /** grantTypes, redirectUris and issuerUrl register a client for the authorization-code flow (PKCE). */
  registerClient(request: { clientName: string; clientType: 'public'; scopes?: string[]; grantTypes?: string[]; redirectUris?: string[]; issuerUrl?: string }): Promise<RegisteredClient>;
  startDeviceAuthorization(request: { clientId: string; clientSecret: string; startUrl: string }): Promise<DeviceAuthorization>;
  createToken(request: {
    clientId: string;
    clientSecret: string;
    grantType: 'urn:ietf:params:oauth:grant-type:device_code' | 'refresh_token' | 'authorization_code';
    deviceCode?: string;
    refreshToken?: string;
    /** authorization_code: the code from the redirect, the PKCE verifier, and the redirect URI used. */
    code?: string;
    codeVerifier?: string;
    redirectUri?: string;
  }): Promise<IssuedToken>;
}

export function createOidcClient(endpoint: string, timeoutMs: number): OidcClient {
  const post = (operation: string, path: string, body: Record<string, unknown>) =>
    call({ operation, endpoint, method: 'POST', path, body, timeoutMs });
  return {
    endpoint,
    async registerClient(request) {
      const body = await post('RegisterClient', '/client/register', { ...request });
      const { clientId, clientSecret, clientSecretExpiresAt } = body;
      if (typeof clientId !== 'string' || !clientId || typeof clientSecret !== 'string' || !clientSecret || typeof clientSecretExpiresAt !== 'number') {
        throw incomplete('RegisterClient', endpoint, 'a complete client registration');
      }
      return { clientId, clientSecret, expiresAt: new Date(clientSecretExpiresAt * 1000) };
    },
    async startDeviceAuthorization(request) {
      const body = await post('StartDeviceAuthorization', '/device_authorization', { ...request });
      const { deviceCode, userCode, verificationUri, verificationUriComplete, expiresIn, interval } = body;
      if (typeof deviceCode !== 'string' || typeof userCode !== 'string' || typeof verificationUri !== 'string'
        || typeof verificationUriComplete !== 'string' || typeof expiresIn !== 'number') {
        throw incomplete('StartDeviceAuthorization', endpoint, 'a complete device authorization');
      }
      const authorization: DeviceAuthorization = { deviceCode, userCode, verificationUri, verificationUriComplete, expiresIn };
      if (typeof interval === 'number' && interval > 0) authorization.interval = interval;
      return authorization;
    },
    async createToken(request) {
      const body = await post('CreateToken', '/token', { ...request });
      const { accessToken, expiresIn, refreshToken } = body;
      if (typeof accessToken !== 'string' || !accessToken || typeof expiresIn !== 'number') {
        throw incomplete('CreateToken', endpoint, 'an access token');
      }
      const token: IssuedToken = { accessToken, expiresIn };
      if (typeof refreshToken === 'string' && refreshToken) token.refreshToken = refreshToken;
      return token;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The SSO portal's listing, for `awsrole generate --from-sso` (botocore's sso model):
//   ListAccounts      GET /assignment/accounts?max_result=…&next_token=…
//   ListAccountRoles  GET /assignment/roles?account_id=…&max_result=…&next_token=…
// both with the bearer token in x-amz-sso_bearer_token; answers `{accountList | roleList, nextToken}`.

export interface PortalAccount {
  accountId: string;
  accountName: string;
}

export interface PortalPage<T> {
  items: T[];
  nextToken?: string;
}

interface ListRequest {
  endpoint: string;
  /** The bearer token from the cache: a secret. */
  accessToken: string;
  nextToken?: string;
  /** 1 to 100. */
  maxResults: number;
  timeoutMs: number;
}

/** One page of ListAccounts: the accounts the signed-in user has any role in. */
export async function listAccountsPage(request: ListRequest): Promise<PortalPage<PortalAccount>> {
  const query = new URLSearchParams({ max_result: String(request.maxResults) });
  if (request.nextToken) query.set('next_token', request.nextToken);
  const body = await listCall('ListAccounts', `/assignment/accounts?${query}`, request);
  const list = body.accountList;
  if (!Array.isArray(list)) throw incomplete('ListAccounts', request.endpoint, 'an accountList');
  const items = list.flatMap((entry: Record<string, unknown>) =>
    typeof entry?.accountId === 'string' && entry.accountId ? [{ accountId: entry.accountId, accountName: typeof entry.accountName === 'string' ? entry.accountName : '' }] : []);
  return pageOf(items, body);
}

/** One page of ListAccountRoles: the user's roles (permission sets) in one account. */
export async function listAccountRolesPage(request: ListRequest & { accountId: string }): Promise<PortalPage<string>> {
  const query = new URLSearchParams({ account_id: request.accountId, max_result: String(request.maxResults) });
  if (request.nextToken) query.set('next_token', request.nextToken);
  const body = await listCall('ListAccountRoles', `/assignment/roles?${query}`, request);
  const list = body.roleList;
  if (!Array.isArray(list)) throw incomplete('ListAccountRoles', request.endpoint, 'a roleList');
  const items = list.flatMap((entry: Record<string, unknown>) => (typeof entry?.roleName === 'string' && entry.roleName ? [entry.roleName] : []));
  return pageOf(items, body);
}

function listCall(operation: string, path: string, request: ListRequest): Promise<Record<string, unknown>> {
  return call({
    operation,
    endpoint: request.endpoint,
    method: 'GET',
    path,
    headers: { 'x-amz-sso_bearer_token': request.accessToken },
    timeoutMs: request.timeoutMs,
    attempts: 2,
  });
}

function pageOf<T>(items: T[], body: Record<string, unknown>): PortalPage<T> {
  const page: PortalPage<T> = { items };
  if (typeof body.nextToken === 'string' && body.nextToken) page.nextToken = body.nextToken;
  return page;
}

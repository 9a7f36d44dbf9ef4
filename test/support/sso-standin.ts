// A loopback stand-in for IAM Identity Center: the SSO portal's GetRoleCredentials, ListAccounts
// and ListAccountRoles (paginated, listPageSize per page), and SSO OIDC's
// RegisterClient, StartDeviceAuthorization and CreateToken (device code and refresh token
// grants), on the wire as the AWS SDKs and botocore speak them (REST-JSON, unsigned; errors with
// `x-amzn-errortype` and OAuth's `error` / `error_description`). Both services answer on one
// port; tests point AWS_ENDPOINT_URL_SSO and AWS_ENDPOINT_URL_SSO_OIDC at it. Every request is
// recorded. The person at the browser is the test: `approve(userCode)`, or a GET of the
// verificationUriComplete (what a browser opened with --open does). The authorization-code flow:
// GET /authorize (a browser: curl) answers with the redirect to the client's loopback listener,
// carrying a code that CreateToken redeems only with the PKCE verifier of the challenge; the
// portal's Logout (POST /logout) revokes an access token.

import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback } from './loopback.js';

export interface SsoRoleCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** Default: a made-up token. */
  sessionToken?: string;
  /** Epoch milliseconds; default one hour from the request. */
  expiration?: number;
}

export type SsoOperation = 'GetRoleCredentials' | 'ListAccounts' | 'ListAccountRoles' | 'RegisterClient' | 'StartDeviceAuthorization' | 'CreateToken' | 'Approve' | 'Unknown'
  | 'Authorize' | 'Logout';

export interface RecordedSsoRequest {
  operation: SsoOperation;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** The JSON body, parsed (undefined for GETs). */
  body?: Record<string, unknown>;
}

/** A canned answer that replaces the stand-in's own. */
export interface CannedResponse {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

export interface SsoBehaviour {
  /** StartDeviceAuthorization's `interval`, seconds. */
  interval: number;
  /** StartDeviceAuthorization's `expiresIn`, seconds. */
  deviceExpiresIn: number;
  /** CreateToken's `expiresIn` for access tokens, seconds. */
  tokenExpiresIn: number;
  /** What the person at the browser does with an /authorize request: approve (default) or deny. */
  authorize: 'approve' | 'deny';
  /** RegisterClient: clientSecretExpiresAt this many seconds from now. */
  registrationExpiresIn: number;
  /** The first this-many device-code polls answer slow_down. */
  slowDownPolls: number;
  /** Wait this long before every answer (for the spinner); 0 by default. */
  delayMs: number;
  /** ListAccounts and ListAccountRoles answer at most this many entries a page (and fewer when max_result says so); 100 by default. */
  listPageSize: number;
  /** Looked at before everything else; return undefined to let the stand-in answer. */
  override?: (request: RecordedSsoRequest, index: number) => CannedResponse | undefined;
}

export interface SsoStandIn {
  /** `http://127.0.0.1:PORT`. */
  readonly endpoint: string;
  readonly requests: RecordedSsoRequest[];
  /** Change freely between requests. */
  readonly behaviour: SsoBehaviour;
  /** Operations in order (approvals left out). */
  operations(): SsoOperation[];
  /** Lets the holder of a valid access token get these credentials for the account and role. */
  grantRole(accountId: string, roleName: string, credentials: SsoRoleCredentials): void;
  /** Names an account for ListAccounts (an account without a name is listed with its id as name). */
  nameAccount(accountId: string, accountName: string): void;
  /** Takes a granted role back: no longer listed, no longer given out. */
  revokeRole(accountId: string, roleName: string): void;
  /** An access token the portal accepts (until `expiresAt`, default for ever). */
  addAccessToken(token: string, expiresAt?: Date): void;
  /** A client registration the OIDC service knows, e.g. to refresh a token a test wrote itself. */
  addClient(client: { clientId: string; clientSecret: string; scopes?: string[] }): void;
  /** A refresh token the OIDC service accepts from that client. */
  addRefreshToken(refreshToken: string, clientId: string): void;
  /** Access tokens issued by CreateToken, oldest first. */
  readonly issuedAccessTokens: string[];
  /** Refresh tokens issued by CreateToken, oldest first. */
  readonly issuedRefreshTokens: string[];
  /** The person approves the sign-in request with this user code. */
  approve(userCode: string): void;
  /** The person denies it. */
  deny(userCode: string): void;
  close(): Promise<void>;
}

interface Client {
  clientId: string;
  clientSecret: string;
  scopes?: string[];
  grantTypes?: string[];
  redirectUris?: string[];
}

/** An authorization code handed out by /authorize, with what CreateToken must then match. */
interface AuthorizationCode {
  clientId: string;
  redirectUri: string;
  challenge: string;
  redeemed: boolean;
}

interface Device {
  deviceCode: string;
  userCode: string;
  clientId: string;
  startUrl: string;
  expiresAt: number;
  state: 'pending' | 'approved' | 'denied' | 'redeemed';
  polls: number;
}

const ERROR_NAMESPACE = 'http://internal.amazon.com/coral/com.amazonaws.switchboard.portal/';

export async function startSsoStandIn(options: Partial<SsoBehaviour> = {}): Promise<SsoStandIn> {
  const behaviour: SsoBehaviour = {
    interval: 1,
    deviceExpiresIn: 600,
    tokenExpiresIn: 8 * 3600,
    authorize: 'approve',
    registrationExpiresIn: 90 * 86400,
    slowDownPolls: 0,
    delayMs: 0,
    listPageSize: 100,
    ...options,
  };
  const requests: RecordedSsoRequest[] = [];
  const roles = new Map<string, SsoRoleCredentials>();
  const accountNames = new Map<string, string>();
  const accessTokens = new Map<string, number>(); // token → expiry (ms)
  const clients = new Map<string, Client>();
  const refreshTokens = new Map<string, string>(); // refresh token → client id
  const devices = new Map<string, Device>(); // device code → device
  const codes = new Map<string, AuthorizationCode>(); // authorization code → what it was issued for
  const issuedAccessTokens: string[] = [];
  const issuedRefreshTokens: string[] = [];
  let endpoint = '';

  const approveCode = (userCode: string, state: 'approved' | 'denied') => {
    const device = [...devices.values()].find((d) => d.userCode === userCode && d.state === 'pending');
    if (!device) throw new Error(`sso stand-in: no pending sign-in request with user code ${userCode}`);
    device.state = state;
  };

  const issueToken = (client: Client) => {
    const accessToken = `aoa-${randomBytes(12).toString('hex')}`;
    accessTokens.set(accessToken, Date.now() + behaviour.tokenExpiresIn * 1000);
    issuedAccessTokens.push(accessToken);
    const answer: Record<string, unknown> = { accessToken, tokenType: 'Bearer', expiresIn: behaviour.tokenExpiresIn };
    // Like the service: a refresh token only for clients registered with scopes.
    if (client.scopes && client.scopes.length > 0) {
      const refreshToken = `aor-${randomBytes(12).toString('hex')}`;
      refreshTokens.set(refreshToken, client.clientId);
      issuedRefreshTokens.push(refreshToken);
      answer.refreshToken = refreshToken;
    }
    return json(200, answer);
  };

  const handle = (request: RecordedSsoRequest): CannedResponse => {
    const { method, path, query, body = {} } = request;
    if (method === 'GET' && path === '/federation/credentials') {
      const token = request.headers['x-amz-sso_bearer_token'];
      const expiry = typeof token === 'string' ? accessTokens.get(token) : undefined;
      if (expiry === undefined || expiry <= Date.now()) return portalError(401, 'UnauthorizedException', 'Session token not found or invalid');
      if (!query.account_id || !query.role_name) return portalError(400, 'InvalidRequestException', 'account_id and role_name are required');
      const granted = roles.get(`${query.account_id}/${query.role_name}`);
      if (!granted) return portalError(403, 'ForbiddenException', 'No access');
      return json(200, {
        roleCredentials: {
          accessKeyId: granted.accessKeyId,
          secretAccessKey: granted.secretAccessKey,
          sessionToken: granted.sessionToken ?? `sso-session-token-${randomBytes(8).toString('hex')}`,
          expiration: granted.expiration ?? Date.now() + 3600_000,
        },
      });
    }
    if (method === 'GET' && (path === '/assignment/accounts' || path === '/assignment/roles')) {
      // ListAccounts / ListAccountRoles: the granted roles, paginated by an opaque next_token.
      const token = request.headers['x-amz-sso_bearer_token'];
      const expiry = typeof token === 'string' ? accessTokens.get(token) : undefined;
      if (expiry === undefined || expiry <= Date.now()) return portalError(401, 'UnauthorizedException', 'Session token not found or invalid');
      const granted = [...roles.keys()].map((key) => key.split('/') as [string, string]);
      let items: Array<Record<string, string>>;
      if (path === '/assignment/accounts') {
        items = [...new Set(granted.map(([accountId]) => accountId))].sort().map((accountId) => ({
          accountId,
          accountName: accountNames.get(accountId) ?? accountId,
          emailAddress: `${accountId}@example.com`,
        }));
      } else {
        if (!query.account_id) return portalError(400, 'InvalidRequestException', 'account_id is required');
        items = granted.filter(([accountId]) => accountId === query.account_id).map(([accountId, roleName]) => ({ roleName, accountId })).sort((x, y) => (x.roleName! < y.roleName! ? -1 : 1));
      }
      const size = Math.min(behaviour.listPageSize, Number(query.max_result ?? 100) || 100);
      const start = query.next_token ? Number(Buffer.from(query.next_token, 'base64url').toString()) : 0;
      if (!Number.isInteger(start) || start < 0) return portalError(400, 'InvalidRequestException', 'invalid next_token');
      const page = items.slice(start, start + size);
      const answer: Record<string, unknown> = { [path === '/assignment/accounts' ? 'accountList' : 'roleList']: page };
      if (start + size < items.length) answer.nextToken = Buffer.from(String(start + size)).toString('base64url');
      return json(200, answer);
    }
    if (method === 'GET' && path === '/device') {
      const device = [...devices.values()].find((d) => d.userCode === query.user_code && d.state === 'pending');
      if (!device) return { status: 404, body: 'no such sign-in request\n' };
      device.state = 'approved';
      return { status: 200, body: 'approved\n', headers: { 'content-type': 'text/plain' } };
    }
    if (method === 'GET' && path === '/authorize') return authorize(query);
    if (method === 'POST' && path === '/logout') {
      const token = request.headers['x-amz-sso_bearer_token'];
      const expiry = typeof token === 'string' ? accessTokens.get(token) : undefined;
      if (expiry === undefined || expiry <= Date.now()) return portalError(401, 'UnauthorizedException', 'Session token not found or invalid');
      accessTokens.delete(token as string);
      return { status: 200, body: '' };
    }
    if (method !== 'POST') return portalError(404, 'ResourceNotFoundException', `no ${method} ${path}`);

    if (path === '/client/register') {
      if (typeof body.clientName !== 'string' || body.clientType !== 'public') {
        return oidcError(400, 'InvalidRequestException', 'invalid_request', 'clientName and clientType public are required');
      }
      const client: Client = { clientId: `client-${randomBytes(6).toString('hex')}`, clientSecret: `secret-${randomBytes(16).toString('hex')}` };
      if (Array.isArray(body.scopes)) client.scopes = body.scopes as string[];
      if (Array.isArray(body.grantTypes)) client.grantTypes = body.grantTypes as string[];
      if (Array.isArray(body.redirectUris)) client.redirectUris = body.redirectUris as string[];
      if (client.grantTypes?.includes('authorization_code') && (!client.redirectUris?.length || typeof body.issuerUrl !== 'string')) {
        return oidcError(400, 'InvalidRequestException', 'invalid_request', 'the authorization_code grant needs redirectUris and issuerUrl');
      }
      clients.set(client.clientId, client);
      const now = Math.floor(Date.now() / 1000);
      return json(200, {
        clientId: client.clientId,
        clientSecret: client.clientSecret,
        clientIdIssuedAt: now,
        clientSecretExpiresAt: now + behaviour.registrationExpiresIn,
      });
    }
    const client = clients.get(String(body.clientId));
    if (path === '/device_authorization') {
      if (!client || client.clientSecret !== body.clientSecret) return oidcError(401, 'InvalidClientException', 'invalid_client', 'unknown client');
      if (typeof body.startUrl !== 'string' || !body.startUrl) return oidcError(400, 'InvalidRequestException', 'invalid_request', 'startUrl is required');
      const device: Device = {
        deviceCode: `device-${randomBytes(12).toString('hex')}`,
        userCode: `${letters(4)}-${letters(4)}`,
        clientId: client.clientId,
        startUrl: body.startUrl,
        expiresAt: Date.now() + behaviour.deviceExpiresIn * 1000,
        state: 'pending',
        polls: 0,
      };
      devices.set(device.deviceCode, device);
      return json(200, {
        deviceCode: device.deviceCode,
        userCode: device.userCode,
        verificationUri: `${endpoint}/device`,
        verificationUriComplete: `${endpoint}/device?user_code=${device.userCode}`,
        expiresIn: behaviour.deviceExpiresIn,
        interval: behaviour.interval,
      });
    }
    if (path === '/token') {
      if (!client || client.clientSecret !== body.clientSecret) return oidcError(401, 'InvalidClientException', 'invalid_client', 'unknown client');
      if (body.grantType === 'urn:ietf:params:oauth:grant-type:device_code') {
        const device = devices.get(String(body.deviceCode));
        if (!device || device.clientId !== client.clientId || device.state === 'redeemed') {
          return oidcError(400, 'InvalidGrantException', 'invalid_grant', 'unknown device code');
        }
        device.polls++;
        if (device.expiresAt <= Date.now()) return oidcError(400, 'ExpiredTokenException', 'expired_token', 'the device code has expired');
        if (device.state === 'denied') return oidcError(400, 'AccessDeniedException', 'access_denied', 'the request was denied');
        if (device.polls <= behaviour.slowDownPolls) return oidcError(400, 'SlowDownException', 'slow_down', 'polling too fast');
        if (device.state === 'pending') return oidcError(400, 'AuthorizationPendingException', 'authorization_pending', 'waiting for the user');
        device.state = 'redeemed';
        return issueToken(client);
      }
      if (body.grantType === 'authorization_code') {
        const issued = codes.get(String(body.code));
        if (!issued || issued.redeemed || issued.clientId !== client.clientId) return oidcError(400, 'InvalidGrantException', 'invalid_grant', 'unknown authorization code');
        if (body.redirectUri !== issued.redirectUri) return oidcError(400, 'InvalidGrantException', 'invalid_grant', 'redirectUri does not match');
        // RFC 7636 §4.6: BASE64URL(SHA256(code_verifier)) must equal the code_challenge.
        const verifier = typeof body.codeVerifier === 'string' ? body.codeVerifier : '';
        if (createHash('sha256').update(verifier, 'ascii').digest('base64url') !== issued.challenge) {
          return oidcError(400, 'InvalidGrantException', 'invalid_grant', 'code_verifier does not match code_challenge');
        }
        issued.redeemed = true;
        return issueToken(client);
      }
      if (body.grantType === 'refresh_token') {
        const owner = refreshTokens.get(String(body.refreshToken));
        if (owner !== client.clientId) return oidcError(400, 'InvalidGrantException', 'invalid_grant', 'invalid refresh token');
        refreshTokens.delete(String(body.refreshToken)); // rotated: each refresh token works once
        return issueToken(client);
      }
      return oidcError(400, 'UnsupportedGrantTypeException', 'unsupported_grant_type', `grant type ${String(body.grantType)}`);
    }
    return portalError(404, 'ResourceNotFoundException', `no POST ${path}`);
  };

  /**
   * The browser at /authorize: a bad client or redirect URI gets an error page (never a redirect
   * to an address not registered); otherwise the person approves or denies, and the answer goes
   * to the loopback redirect URI (RFC 8252 §7.3: any port of the registered one) with the state.
   */
  const authorize = (query: Record<string, string>): CannedResponse => {
    const client = clients.get(query.client_id ?? '');
    if (!client?.grantTypes?.includes('authorization_code')) return { status: 400, body: 'unknown client, or not registered for authorization_code\n' };
    let redirect: URL;
    try {
      redirect = new URL(query.redirect_uri ?? '');
    } catch {
      return { status: 400, body: 'redirect_uri is not a URL\n' };
    }
    const portless = `${redirect.protocol}//${redirect.hostname}${redirect.pathname}`;
    if (redirect.hostname !== '127.0.0.1' || !client.redirectUris?.includes(portless) || redirect.search) {
      return { status: 400, body: 'redirect_uri is not registered\n' };
    }
    const answer = new URLSearchParams();
    if (query.response_type !== 'code' || query.code_challenge_method !== 'S256' || !query.code_challenge || !query.state) {
      answer.set('error', 'invalid_request');
    } else if (behaviour.authorize === 'deny') {
      answer.set('error', 'access_denied');
      answer.set('error_description', 'The user denied the request');
    } else {
      const code = `code-${randomBytes(12).toString('hex')}`;
      codes.set(code, { clientId: client.clientId, redirectUri: query.redirect_uri!, challenge: query.code_challenge, redeemed: false });
      answer.set('code', code);
    }
    if (query.state) answer.set('state', query.state);
    return { status: 302, body: '', headers: { location: `${query.redirect_uri}?${answer}`, 'content-type': 'text/plain' } };
  };

  const server = createServer((incoming: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const url = new URL(incoming.url ?? '/', 'http://stand-in');
      const text = Buffer.concat(chunks).toString('utf8');
      let body: Record<string, unknown> | undefined;
      if (text) {
        try {
          body = JSON.parse(text) as Record<string, unknown>;
        } catch {
          body = { unparsable: text };
        }
      }
      const request: RecordedSsoRequest = {
        operation: operationOf(incoming.method ?? '', url.pathname),
        method: incoming.method ?? '',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: incoming.headers,
      };
      if (body) request.body = body;
      requests.push(request);
      const answer = behaviour.override?.(request, requests.length - 1) ?? handle(request);
      setTimeout(() => {
        response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
        response.end(answer.body ?? '');
      }, behaviour.delayMs);
    });
  });
  const listening = await listenOnLoopback(server);
  endpoint = listening.endpoint;

  return {
    endpoint,
    requests,
    behaviour,
    operations: () => requests.map((r) => r.operation).filter((op) => op !== 'Approve'),
    grantRole: (accountId, roleName, credentials) => roles.set(`${accountId}/${roleName}`, credentials),
    nameAccount: (accountId, accountName) => accountNames.set(accountId, accountName),
    revokeRole: (accountId, roleName) => roles.delete(`${accountId}/${roleName}`),
    addAccessToken: (token, expiresAt) => accessTokens.set(token, expiresAt ? expiresAt.getTime() : Number.POSITIVE_INFINITY),
    addClient: (client) => clients.set(client.clientId, { ...client }),
    addRefreshToken: (refreshToken, clientId) => refreshTokens.set(refreshToken, clientId),
    issuedAccessTokens,
    issuedRefreshTokens,
    approve: (userCode) => approveCode(userCode, 'approved'),
    deny: (userCode) => approveCode(userCode, 'denied'),
    close: listening.close,
  };
}

function operationOf(method: string, path: string): SsoOperation {
  if (method === 'GET' && path === '/federation/credentials') return 'GetRoleCredentials';
  if (method === 'GET' && path === '/device') return 'Approve';
  if (method === 'GET' && path === '/assignment/accounts') return 'ListAccounts';
  if (method === 'GET' && path === '/assignment/roles') return 'ListAccountRoles';
  if (method === 'POST' && path === '/client/register') return 'RegisterClient';
  if (method === 'POST' && path === '/device_authorization') return 'StartDeviceAuthorization';
  if (method === 'POST' && path === '/token') return 'CreateToken';
  if (method === 'GET' && path === '/authorize') return 'Authorize';
  if (method === 'POST' && path === '/logout') return 'Logout';
  return 'Unknown';
}

function json(status: number, value: unknown): CannedResponse {
  return { status, body: JSON.stringify(value) };
}

/** The portal's errors: `{"message": …}` and the exception name in x-amzn-errortype. */
function portalError(status: number, code: string, message: string): CannedResponse {
  return { status, body: JSON.stringify({ message }), headers: { 'x-amzn-errortype': `${code}:${ERROR_NAMESPACE}` } };
}

/** OIDC's errors: OAuth's `error` and `error_description`, and the exception name in x-amzn-errortype. */
function oidcError(status: number, code: string, error: string, description: string): CannedResponse {
  return { status, body: JSON.stringify({ error, error_description: description }), headers: { 'x-amzn-errortype': `${code}:${ERROR_NAMESPACE}` } };
}

function letters(count: number): string {
  const alphabet = 'BCDFGHJKLMNPQRSTVWXZ';
  return Array.from(randomBytes(count), (byte) => alphabet[byte % alphabet.length]).join('');
}

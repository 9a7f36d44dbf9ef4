// The one call of the AWS Sign-In service a login session needs, on the wire as botocore 1.43
// makes it (botocore/data/signin/2023-01-01/service-2.json, protocol rest-json, auth none):
//
//   CreateOAuth2Token  POST <endpoint>/v1/token  {"clientId", "refreshToken", "grantType": "refresh_token"}
//                      header DPoP: <proof>   (credentials.py: _build_add_dpop_header_handler)
//   → 200 {"accessToken": {"accessKeyId", "secretAccessKey", "sessionToken"}, "tokenType": "aws_sigv4",
//          "expiresIn": <s, at most 900>, "refreshToken"}
//   → 4xx/5xx, the exception in `x-amzn-errortype` (or the body's `__type` / `code`), the body
//          {"error": <OAuth2ErrorCode>, "message"}: AccessDeniedException (401 TOKEN_EXPIRED,
//          403 USER_CREDENTIALS_CHANGED or INSUFFICIENT_PERMISSIONS), ValidationException (400),
//          TooManyRequestsError (429), InternalServerException (500).
//
// node:http through src/sources/http.ts, not @aws-sdk/nested-clients' SigninClient: the call is
// unsigned, one request, and a role switch should not load an SDK client to make it.

import { foreignBody, HttpFailure, httpCall, shorten } from '../sources/http.js';
import type { RefreshedToken } from './token.js';

/** The service answered with an error. `code` is the exception, `error` the OAuth2ErrorCode of its body. */
export class SigninServiceError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly error: string,
    readonly serviceMessage: string,
  ) {
    super(`${code}${error ? ` ${error}` : ''}${serviceMessage ? `: ${serviceMessage}` : ''} (HTTP ${status})`);
    this.name = 'SigninServiceError';
  }
}

/** No answer, or one the service never gives (`foreign`: a redirect, an HTML page, a 200 without the token). */
export class SigninNetworkError extends Error {
  constructor(
    reason: string,
    readonly foreign = false,
  ) {
    super(reason);
    this.name = 'SigninNetworkError';
  }
}

/** botocore's `_urljoin` for a path-only operation: the endpoint without its trailing slashes, then the path. */
export function tokenUrl(endpoint: string): string {
  return `${endpoint.replace(/\/+$/, '')}/v1/token`;
}

export interface RefreshRequest {
  endpoint: string;
  clientId: string;
  /** A secret. */
  refreshToken: string;
  /** Makes the DPoP proof for the URL the request goes to. */
  dpop: (url: string) => string;
  timeoutMs: number;
}

export async function createOAuth2Token(request: RefreshRequest): Promise<RefreshedToken> {
  const url = tokenUrl(request.endpoint);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new SigninNetworkError(`the endpoint is not a URL`);
  }
  const body = JSON.stringify({ clientId: request.clientId, refreshToken: request.refreshToken, grantType: 'refresh_token' });
  let response;
  try {
    response = await httpCall(parsed, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', dpop: request.dpop(url) },
      body,
      timeoutMs: request.timeoutMs,
    });
  } catch (error) {
    if (error instanceof HttpFailure) throw new SigninNetworkError(error.message);
    throw error;
  }
  const json = parseObject(response.body);
  const { status } = response;
  if (status >= 300 && status < 400) throw new SigninNetworkError(`HTTP ${status}, a redirect`, true);
  if (status >= 200 && status < 300) {
    const output = json ? tokenOutput(json) : undefined;
    if (!output) throw new SigninNetworkError(`HTTP ${status} with ${json ? 'no complete tokenOutput' : foreignBody(response.body)}`, true);
    return output;
  }
  const header = response.headers['x-amzn-errortype'];
  const candidates = [Array.isArray(header) ? header[0] : header, json?.__type, json?.code];
  const found = candidates.find((value): value is string => typeof value === 'string' && value !== '');
  // What the service never sends: a 4xx without an exception name (a web server's 404 page).
  if (!found && status < 500) throw new SigninNetworkError(`HTTP ${status} with ${foreignBody(response.body)}`, true);
  const code = found ? found.split(':', 1)[0]!.split('#').at(-1)! : `HTTP${status}`;
  const error = typeof json?.error === 'string' ? json.error : '';
  const message = typeof json?.message === 'string' ? shorten(json.message) : '';
  throw new SigninServiceError(status, code, error, message);
}

/** The response's tokenOutput (the operation's payload: the body itself), when it is complete. */
function tokenOutput(body: Record<string, unknown>): RefreshedToken | undefined {
  const access = body.accessToken as Record<string, unknown> | undefined;
  const { refreshToken, expiresIn } = body;
  const text = (value: unknown): value is string => typeof value === 'string' && value !== '';
  if (!access || typeof access !== 'object' || !text(access.accessKeyId) || !text(access.secretAccessKey) || !text(access.sessionToken)) return undefined;
  if (!text(refreshToken) || typeof expiresIn !== 'number' || !Number.isFinite(expiresIn)) return undefined;
  return { accessKeyId: access.accessKeyId, secretAccessKey: access.secretAccessKey, sessionToken: access.sessionToken, refreshToken, expiresIn };
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

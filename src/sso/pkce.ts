import { createHash, randomBytes, randomUUID } from 'node:crypto';

/**
 * RFC 7636 (PKCE) for the authorization-code sign-in: a code verifier of 86 base64url characters
 * (64 random bytes; the RFC asks for 43 to 128 from that alphabet) and its S256 challenge,
 * BASE64URL(SHA256(verifier)) without padding. Only the challenge leaves the process before
 * CreateToken, so a code intercepted on its way to the loopback listener is worth nothing.
 */
export function pkcePair(random: (size: number) => Buffer = randomBytes): { verifier: string; challenge: string } {
  const verifier = random(64).toString('base64url');
  return { verifier, challenge: s256Challenge(verifier) };
}

export function s256Challenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** The `state` that ties the redirect to this login: a fresh UUID, as the AWS CLI makes it. */
export function newState(): string {
  return randomUUID();
}

/** The AWS CLI registers its client for these grants, with a port-less loopback redirect URI (RFC 8252 §7.3: any port matches). */
export const AUTHORIZATION_CODE_GRANTS = ['authorization_code', 'refresh_token'];
export const REGISTERED_REDIRECT_URI = 'http://127.0.0.1/oauth/callback';
export const CALLBACK_PATH = '/oauth/callback';

export interface AuthorizeRequest {
  /** The OIDC endpoint, e.g. https://oidc.eu-west-1.amazonaws.com. */
  endpoint: string;
  clientId: string;
  redirectUri: string;
  state: string;
  challenge: string;
  scopes: string[];
}

/**
 * The URL the browser opens: OIDC's /authorize with the query the AWS CLI v2 sends
 * (response_type=code, client_id, redirect_uri, state, code_challenge_method=S256, scopes — space
 * separated, the service's name for OAuth's `scope` —, code_challenge).
 */
export function authorizeUrl(request: AuthorizeRequest): string {
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: request.clientId,
    redirect_uri: request.redirectUri,
    state: request.state,
    code_challenge_method: 'S256',
    scopes: request.scopes.join(' '),
    code_challenge: request.challenge,
  });
  return `${request.endpoint}/authorize?${query}`;
}

// A loopback stand-in for the AWS Sign-In service's token endpoint (CreateOAuth2Token, POST
// /v1/token, REST-JSON, unsigned), the refresh-token grant that `login_session` profiles use. It
// checks what the real service checks of a refresh (RFC 9449, and the signin model's docs):
//
// - the DPoP header is a JWS with typ `dpop+jwt`, alg ES256 and the public key as an EC P-256
//   `jwk`; its signature verifies against that key; its `htm` is POST, its `htu` the URL the
//   request reached, its `iat` within a minute of now, its `jti` never seen before;
// - the refresh token is one it issued, to this clientId, bound to that key: the JWK thumbprint
//   (RFC 7638) of the proof's key equals the thumbprint recorded when the token was issued
//   (the service's `cnf.jkt`) — so a proof signed with any other key than the cached one fails;
// - every refresh rotates the refresh token and hands out the credentials the test gave it.
//
// As the model says, a refresh is idempotent within the token's validity window: the same
// refresh token again gets the same answer (which lets a test refresh one token file with
// awsrole and a copy of it with botocore, and compare the two files). A token the test revokes,
// or one it never issued, gets AccessDeniedException TOKEN_EXPIRED.
//
// Tests point AWS_ENDPOINT_URL_SIGNIN at `endpoint`. `login()` makes what `aws login` would leave
// in the cache: a token file (as the AWS CLI writes it) with a fresh P-256 key.

import { createHash, createPublicKey, generateKeyPairSync, randomBytes, verify, type JsonWebKey, type KeyObject } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback } from './loopback.js';

export const SAME_DEVICE_CLIENT = 'arn:aws:signin:::devtools/same-device';

export interface IssuedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

export interface ProofCheck {
  /** Why the proof was refused; undefined when it passed every check. */
  refused?: string;
  header?: Record<string, unknown>;
  payload?: Record<string, unknown>;
}

export interface RecordedSigninRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body?: Record<string, unknown>;
  proof: ProofCheck;
}

export interface CannedSigninResponse {
  status: number;
  /** The exception name, sent in `x-amzn-errortype` as the service does. */
  type?: string;
  body?: string;
}

export interface SigninBehaviour {
  /** The `expiresIn` of refreshed credentials, seconds (the service gives at most 900). */
  expiresIn: number;
  /** Wait this long before answering. */
  delayMs: number;
  /** Looked at first; return undefined to let the stand-in answer. */
  override?: (request: RecordedSigninRequest, index: number) => CannedSigninResponse | undefined;
}

export interface LoginSeed {
  /** The login session name (`aws login` takes the ID token's `sub`: the identity's ARN). */
  sessionName: string;
  accountId: string;
  /** The credentials in the first token, and those every refresh hands out. */
  credentials: IssuedCredentials;
  /** The first token's `accessToken.expiresAt`. */
  expiresAt: Date;
}

export interface LoginMade {
  /** The file's text, as the AWS CLI writes it (Python's json.dumps). */
  text: string;
  refreshToken: string;
  /** The token's key, for tests that check a signature themselves. */
  publicKey: KeyObject;
  /** The PEM as in the file. */
  dpopKey: string;
}

export interface SigninStandIn {
  /** `http://127.0.0.1:PORT`. */
  readonly endpoint: string;
  readonly requests: RecordedSigninRequest[];
  readonly behaviour: SigninBehaviour;
  /** A token as `aws login` leaves it, with a refresh token this stand-in accepts. */
  login(seed: LoginSeed): LoginMade;
  /** Refresh tokens issued by refreshes, oldest first. */
  readonly issuedRefreshTokens: string[];
  /** The service stops accepting this refresh token (TOKEN_EXPIRED), as after 12 hours or a sign-out. */
  revoke(refreshToken: string): void;
  close(): Promise<void>;
}

interface Grant {
  clientId: string;
  /** RFC 7638 thumbprint of the key the token is bound to. */
  jkt: string;
  accountId: string;
  credentials: IssuedCredentials;
  revoked: boolean;
  /** The answer given to this token, repeated for the same token (idempotent refresh). */
  answer?: string;
}

export async function startSigninStandIn(): Promise<SigninStandIn> {
  const grants = new Map<string, Grant>();
  const seenJti = new Set<string>();
  const requests: RecordedSigninRequest[] = [];
  const issuedRefreshTokens: string[] = [];
  const behaviour: SigninBehaviour = { expiresIn: 900, delayMs: 0 };
  let endpoint = '';

  const handle = (incoming: IncomingMessage, text: string): CannedSigninResponse => {
    let body: Record<string, unknown> | undefined;
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
    } catch {
      body = undefined;
    }
    const url = `${endpoint}${incoming.url ?? ''}`;
    const proofHeader = incoming.headers['dpop'];
    const proof = checkProof(typeof proofHeader === 'string' ? proofHeader : undefined, incoming.method ?? '', url, seenJti);
    const request: RecordedSigninRequest = { method: incoming.method ?? '', path: incoming.url ?? '', headers: incoming.headers, proof, ...(body && { body }) };
    requests.push(request);
    const canned = behaviour.override?.(request, requests.length - 1);
    if (canned) return canned;

    if (request.method !== 'POST' || request.path !== '/v1/token') return { status: 404, body: 'no such page' };
    if (!body) return error(400, 'ValidationException', 'INVALID_REQUEST', 'the body is not a JSON object');
    if (proof.refused) return error(400, 'ValidationException', 'INVALID_REQUEST', `invalid DPoP proof: ${proof.refused}`);
    if (body.grantType !== 'refresh_token') return error(400, 'ValidationException', 'INVALID_REQUEST', 'only the refresh_token grant is served here');
    const refreshToken = body.refreshToken;
    const grant = typeof refreshToken === 'string' ? grants.get(refreshToken) : undefined;
    if (!grant || grant.revoked) return error(401, 'AccessDeniedException', 'TOKEN_EXPIRED', 'The refresh token has expired');
    if (grant.clientId !== body.clientId) return error(400, 'ValidationException', 'INVALID_REQUEST', 'clientId does not match the refresh token');
    if (thumbprint(proof.header!.jwk as JsonWebKey) !== grant.jkt) {
      return error(400, 'ValidationException', 'INVALID_REQUEST', 'the DPoP key is not the key the refresh token is bound to');
    }
    if (!grant.answer) {
      const next = `refresh-${randomBytes(24).toString('base64url')}`;
      grants.set(next, { ...grant, answer: undefined });
      issuedRefreshTokens.push(next);
      grant.answer = JSON.stringify({
        accessToken: { ...grant.credentials },
        tokenType: 'aws_sigv4',
        expiresIn: behaviour.expiresIn,
        refreshToken: next,
      });
    }
    return { status: 200, body: grant.answer };
  };

  const server = createServer((incoming: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const answer = handle(incoming, Buffer.concat(chunks).toString('utf8'));
      const send = () => {
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (answer.type) headers['x-amzn-errortype'] = answer.type;
        response.writeHead(answer.status, headers);
        response.end(answer.body ?? '');
      };
      if (behaviour.delayMs > 0) setTimeout(send, behaviour.delayMs);
      else send();
    });
  });
  const listening = await listenOnLoopback(server);
  endpoint = listening.endpoint;

  return {
    endpoint,
    requests,
    behaviour,
    issuedRefreshTokens,
    login(seed) {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const dpopKey = sec1Pem(privateKey.export({ format: 'der', type: 'sec1' }));
      const refreshToken = `refresh-${randomBytes(24).toString('base64url')}`;
      grants.set(refreshToken, {
        clientId: SAME_DEVICE_CLIENT,
        jkt: thumbprint(publicKey.export({ format: 'jwk' })),
        accountId: seed.accountId,
        credentials: seed.credentials,
        revoked: false,
      });
      // The AWS CLI's fields and order (awscli/customizations/login/utils.py), written by
      // JSONFileCache: json.dumps with Python's default separators.
      const token = {
        accessToken: {
          accessKeyId: seed.credentials.accessKeyId,
          secretAccessKey: seed.credentials.secretAccessKey,
          sessionToken: seed.credentials.sessionToken,
          accountId: seed.accountId,
          expiresAt: seed.expiresAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
        },
        tokenType: 'aws_sigv4',
        clientId: SAME_DEVICE_CLIENT,
        refreshToken,
        idToken: idToken(seed.sessionName),
        dpopKey,
      };
      return { text: pythonDumps(token), refreshToken, publicKey, dpopKey };
    },
    revoke(refreshToken) {
      const grant = grants.get(refreshToken);
      if (grant) grant.revoked = true;
    },
    close: listening.close,
  };
}

function error(status: number, type: string, code: string, message: string): CannedSigninResponse {
  return { status, type, body: JSON.stringify({ error: code, message }) };
}

/** Every check RFC 9449 §4.3 asks of a proof that this stand-in can make. */
export function checkProof(proof: string | undefined, method: string, url: string, seenJti: Set<string>, now = Date.now()): ProofCheck {
  if (!proof) return { refused: 'no DPoP header' };
  const parts = proof.split('.');
  if (parts.length !== 3) return { refused: 'not a JWS of three parts' };
  let header: Record<string, unknown>;
  let payload: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as Record<string, unknown>;
    payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return { refused: 'header or payload is not base64url JSON' };
  }
  const refuse = (why: string): ProofCheck => ({ refused: why, header, payload });
  if (header.typ !== 'dpop+jwt') return refuse(`typ is ${String(header.typ)}`);
  if (header.alg !== 'ES256') return refuse(`alg is ${String(header.alg)}`);
  const jwk = header.jwk as JsonWebKey | undefined;
  if (!jwk || jwk.kty !== 'EC' || jwk.crv !== 'P-256' || typeof jwk.x !== 'string' || typeof jwk.y !== 'string' || 'd' in jwk) {
    return refuse('jwk is not a public EC P-256 key');
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y }, format: 'jwk' });
  } catch {
    return refuse('jwk is not a point on P-256');
  }
  const signature = Buffer.from(parts[2]!, 'base64url');
  if (signature.length !== 64) return refuse('the signature is not 64 bytes of r and s');
  if (!verify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), { key, dsaEncoding: 'ieee-p1363' }, signature)) {
    return refuse('the signature does not verify with the jwk');
  }
  if (payload.htm !== method) return refuse(`htm is ${String(payload.htm)}, the request is ${method}`);
  if (payload.htu !== url) return refuse(`htu is ${String(payload.htu)}, the request went to ${url}`);
  if (typeof payload.iat !== 'number' || !Number.isInteger(payload.iat) || Math.abs(payload.iat - now / 1000) > 60) {
    return refuse(`iat ${String(payload.iat)} is not within a minute of now`);
  }
  if (typeof payload.jti !== 'string' || payload.jti === '') return refuse('no jti');
  if (seenJti.has(payload.jti)) return refuse('jti seen before (a replayed proof)');
  seenJti.add(payload.jti);
  return { header, payload };
}

/** RFC 7638: SHA-256 of the required members in lexicographic order, no whitespace; base64url. */
export function thumbprint(jwk: JsonWebKey): string {
  const canonical = `{"crv":"${jwk.crv}","kty":"${jwk.kty}","x":"${jwk.x}","y":"${jwk.y}"}`;
  return createHash('sha256').update(canonical).digest('base64url');
}

/** As the AWS CLI's _serialize_to_pem: base64 of the SEC1 DER in 64-character lines. */
function sec1Pem(der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g)!.join('\n');
  return `-----BEGIN EC PRIVATE KEY-----\n${lines}\n-----END EC PRIVATE KEY-----\n`;
}

/** An unsigned stand-in for the ID token: only its `sub` is read (by `aws login`, for the session name). */
function idToken(sub: string): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none' })}.${part({ sub })}.`;
}

/** Python's json.dumps (default separators) for the strings and objects above (ASCII-only values). */
function pythonDumps(value: unknown): string {
  if (typeof value === 'object' && value !== null) {
    return `{${Object.entries(value).map(([key, item]) => `${JSON.stringify(key)}: ${pythonDumps(item)}`).join(', ')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Python that lets botocore 1.43 run its LoginProvider here. botocore signs DPoP proofs with
 * awscrt's EC (`from awscrt.crypto import EC`), which is not installed on these machines; this
 * gives `botocore.credentials.EC` the three functions it calls (credentials.py:
 * `_load_private_key` → new_key_from_der_data; `_build_dpop_header` → get_public_coords, sign of
 * a SHA-256 digest, decode_der_signature_to_padded_pair) on top of the `cryptography` package.
 * Everything else — the cache, the refresh rule, the signin client, the write-back — is botocore's own.
 */
export const BOTOCORE_EC_SHIM = `
import botocore.credentials as _bc
from cryptography.hazmat.primitives import hashes as _hashes, serialization as _ser
from cryptography.hazmat.primitives.asymmetric import ec as _ec, utils as _utils

class _Key:
    def __init__(self, key):
        self._key = key
    def get_public_coords(self):
        n = self._key.public_key().public_numbers()
        return n.x.to_bytes(32, 'big'), n.y.to_bytes(32, 'big')
    def sign(self, digest):
        return self._key.sign(digest, _ec.ECDSA(_utils.Prehashed(_hashes.SHA256())))

class _EC:
    @staticmethod
    def new_key_from_der_data(der):
        return _Key(_ser.load_der_private_key(der, None))
    @staticmethod
    def decode_der_signature_to_padded_pair(signature, pad_to):
        r, s = _utils.decode_dss_signature(signature)
        return r.to_bytes(pad_to, 'big') + s.to_bytes(pad_to, 'big')

_bc.EC = _EC
`;

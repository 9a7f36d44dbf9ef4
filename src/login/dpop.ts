// The DPoP proof (RFC 9449) that goes with every CreateOAuth2Token call, as botocore 1.43 builds it
// (credentials.py: _build_dpop_header, _base64_url_encode_no_padding; the key from
// LoginCredentialFetcher._load_private_key). node:crypto does what awscrt's EC does there:
// ES256 over SHA-256, the signature as the raw 32-byte r and s (JWS), not DER.

import { createPrivateKey, createPublicKey, randomUUID, sign, type KeyObject } from 'node:crypto';

export interface DpopClaims {
  /** The request's full URL: botocore's `params['url']`, the endpoint joined with `/v1/token`. */
  url: string;
  /** Seconds since the epoch (`iat`). */
  issuedAt: number;
  /** `jti`; a random UUID unless a test gives one. */
  id?: string;
}

/**
 * The private key of a cached token. botocore drops the lines that start with `-----BEGIN` or
 * `-----END`, joins the rest, base64-decodes it and hands the DER to awscrt, which reads SEC1
 * (what `aws login` writes: "EC PRIVATE KEY"); PKCS#8 is accepted too. Throws with no key material
 * in the message.
 */
export function dpopPrivateKey(pem: string): KeyObject {
  const body = pem
    .split(/\r\n|\r|\n/)
    .filter((line) => !line.startsWith('-----BEGIN') && !line.startsWith('-----END'))
    .join('')
    .trim();
  const der = Buffer.from(body, 'base64');
  for (const type of ['sec1', 'pkcs8'] as const) {
    try {
      const key = createPrivateKey({ key: der, format: 'der', type });
      if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return key;
      throw new Error('not an EC P-256 key');
    } catch {
      // try the next encoding
    }
  }
  throw new Error('the dpopKey is not an EC P-256 private key');
}

/**
 * `header.payload.signature`, base64url without padding. Header and payload are the JSON botocore
 * writes with `separators=(',', ':')`, keys in its order: {"typ":"dpop+jwt","alg":"ES256",
 * "jwk":{"kty":"EC","x","y","crv":"P-256"}} and {"htm":"POST","htu","iat","jti"}.
 */
export function dpopProof(privateKey: KeyObject, claims: DpopClaims): string {
  const { x, y } = createPublicKey(privateKey).export({ format: 'jwk' });
  const header = { typ: 'dpop+jwt', alg: 'ES256', jwk: { kty: 'EC', x, y, crv: 'P-256' } };
  const payload = { htm: 'POST', htu: claims.url, iat: claims.issuedAt, jti: claims.id ?? randomUUID() };
  const input = `${base64Url(JSON.stringify(header))}.${base64Url(JSON.stringify(payload))}`;
  const signature = sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}

function base64Url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

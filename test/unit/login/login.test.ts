// The pieces of a login_session refresh against botocore 1.43's own code (run through python3 with
// BOTOCORE_EC_SHIM standing in for awscrt's EC): the DPoP proof (credentials.py
// `_build_dpop_header`), the cache key (utils.py `generate_login_cache_key`) and the token file
// written back after a refresh (credentials.py `LoginCredentialFetcher.refresh_credentials`, the
// `token.update({...})` and `self._token_loader.save_token`; utils.py `JSONFileCache.__setitem__`).
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loginCacheDirectory, loginCacheKey } from '../../../src/login/cache-path.js';
import { dpopPrivateKey, dpopProof } from '../../../src/login/dpop.js';
import { parseLoginToken, refreshedToken, serializeLoginToken, type LoginToken } from '../../../src/login/token.js';
import { runPython } from '../../support/cli.js';
import { BOTOCORE_EC_SHIM, checkProof } from '../../support/signin-standin.js';

const home = mkdtempSync(join(tmpdir(), 'awsrole-login-unit-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

async function python<T>(script: string, payload: unknown): Promise<T> {
  const result = await runPython(`${BOTOCORE_EC_SHIM}\nimport json, os\npayload = json.loads(os.environ['PAYLOAD'])\n${script}`, {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    PAYLOAD: JSON.stringify(payload),
  });
  if (result.code !== 0) throw new Error(`python failed (${result.code}):\n${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

function sec1Pem(): string {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const body = privateKey.export({ format: 'der', type: 'sec1' }).toString('base64').match(/.{1,64}/g)!.join('\n');
  return `-----BEGIN EC PRIVATE KEY-----\n${body}\n-----END EC PRIVATE KEY-----\n`;
}

describe('dpopProof', () => {
  const pem = sec1Pem();
  const url = 'https://eu-west-1.signin.aws.amazon.com/v1/token';

  it("has botocore's header and payload byte for byte, and a signature botocore's key verifies", async () => {
    const issuedAt = 1_790_000_000;
    const id = '0b5e7d2c-3f0a-4d7e-9c55-6e1f0b7a9d21';
    const ours = dpopProof(dpopPrivateKey(pem), { url, issuedAt, id });
    const theirs = await python<{ proof: string; verified: boolean }>(`
import base64
from cryptography.hazmat.primitives.asymmetric import ec, utils
from cryptography.hazmat.primitives import hashes
key = _bc.LoginCredentialFetcher._load_private_key({'dpopKey': payload['pem']})
proof = _bc._build_dpop_header(key, payload['url'], uid=payload['id'], ts=payload['iat'])
# Our proof's signature, checked with the key botocore loaded from the same PEM.
h, p, s = payload['ours'].split('.')
raw = base64.urlsafe_b64decode(s + '=' * (-len(s) % 4))
der = utils.encode_dss_signature(int.from_bytes(raw[:32], 'big'), int.from_bytes(raw[32:], 'big'))
try:
    key._key.public_key().verify(der, f'{h}.{p}'.encode(), ec.ECDSA(hashes.SHA256()))
    verified = True
except Exception:
    verified = False
print(json.dumps({'proof': proof, 'verified': verified}))
`, { pem, url, id, iat: issuedAt, ours });
    const [ourHeader, ourPayload] = ours.split('.');
    const [theirHeader, theirPayload] = theirs.proof.split('.');
    expect(ourHeader).toBe(theirHeader);
    expect(ourPayload).toBe(theirPayload);
    expect(theirs.verified).toBe(true);
    // botocore's own proof passes the stand-in's checks too (which is what makes them worth trusting).
    expect(checkProof(theirs.proof, 'POST', url, new Set(), issuedAt * 1000).refused).toBeUndefined();
  });

  it('passes the checks a DPoP server makes, and a proof for another key, URL or method does not', () => {
    const key = dpopPrivateKey(pem);
    const now = Date.now();
    const proof = dpopProof(key, { url, issuedAt: Math.floor(now / 1000) });
    const seen = new Set<string>();
    const passed = checkProof(proof, 'POST', url, seen, now);
    expect(passed.refused).toBeUndefined();
    expect(passed.payload).toMatchObject({ htm: 'POST', htu: url });
    expect(checkProof(proof, 'POST', url, seen, now).refused).toMatch(/replayed/);
    expect(checkProof(proof, 'POST', 'https://elsewhere.example/v1/token', new Set(), now).refused).toMatch(/htu/);
    expect(checkProof(proof, 'PUT', url, new Set(), now).refused).toMatch(/htm/);
    expect(checkProof(proof, 'POST', url, new Set(), now + 120_000).refused).toMatch(/iat/);
    // A signature from another key under this jwk.
    const other = dpopProof(dpopPrivateKey(sec1Pem()), { url, issuedAt: Math.floor(now / 1000) });
    const forged = `${proof.split('.').slice(0, 2).join('.')}.${other.split('.')[2]}`;
    expect(checkProof(forged, 'POST', url, new Set(), now).refused).toMatch(/signature/);
  });

  it('reads a PKCS#8 key too, and refuses what is no P-256 key without showing it', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(() => dpopPrivateKey(privateKey.export({ format: 'pem', type: 'pkcs8' }) as string)).not.toThrow();
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
    expect(() => dpopPrivateKey(rsa)).toThrow(/^the dpopKey is not an EC P-256 private key$/);
    expect(() => dpopPrivateKey('-----BEGIN EC PRIVATE KEY-----\nnot base64\n-----END EC PRIVATE KEY-----')).toThrow(/not an EC P-256/);
  });
});

describe('login cache path', () => {
  it("is botocore's file for the session name", async () => {
    const names = ['arn:aws:iam::123456789012:user/alice', 'arn:aws:sts::123456789012:assumed-role/Admin/bob@example.com', 'ünïcode'];
    const theirs = await python<string[]>(`
from botocore.utils import generate_login_cache_key
print(json.dumps([generate_login_cache_key(n) for n in payload]))
`, names);
    expect(names.map(loginCacheKey)).toEqual(theirs);
  });

  it('is AWS_LOGIN_CACHE_DIRECTORY with $VAR and ~ expanded, else ~/.aws/login/cache; an empty one is refused', () => {
    expect(loginCacheDirectory({ HOME: '/h' }).value).toBe('/h/.aws/login/cache');
    expect(loginCacheDirectory({ HOME: '/h', X: 'x', AWS_LOGIN_CACHE_DIRECTORY: '~/$X/c' }).value).toBe('/h/x/c');
    expect(() => loginCacheDirectory({ HOME: '/h', AWS_LOGIN_CACHE_DIRECTORY: '' })).toThrow(/set but empty/);
  });
});

describe('refreshedToken', () => {
  // A file as the AWS CLI writes it, with a field botocore does not know (kept by token.update).
  const original = {
    accessToken: { accessKeyId: 'ASIAOLD', secretAccessKey: 'old-secret', sessionToken: 'old-token', accountId: '123456789012', expiresAt: '2026-12-01T10:00:00Z' },
    tokenType: 'aws_sigv4',
    clientId: 'arn:aws:signin:::devtools/same-device',
    refreshToken: 'old-refresh',
    idToken: 'header.payload.',
    dpopKey: sec1Pem(),
    extra: { nested: [1, true, null, 'ü'] },
  };
  const output = { accessKeyId: 'ASIANEW', secretAccessKey: 'new-secret', sessionToken: 'new-token', refreshToken: 'new-refresh', expiresIn: 900 };
  const now = new Date('2026-12-01T09:58:30.750Z');

  it("writes what botocore's refresh_credentials saves, byte for byte", async () => {
    const token = parseLoginToken(JSON.stringify(original)) as LoginToken;
    const ours = serializeLoginToken(refreshedToken(token, output, now));
    const theirs = await python<{ text: string }>(`
import datetime, tempfile
from dateutil.tz import tzutc
from botocore.utils import JSONFileCache, LoginTokenLoader

class Client:
    # The signin client's answer, as botocore's parser hands it to refresh_credentials.
    class exceptions:
        class AccessDeniedException(Exception):
            pass
    class meta:
        class events:
            @staticmethod
            def register(*args):
                pass
    def create_o_auth2_token(self, tokenInput):
        o = payload['output']
        return {'tokenOutput': {'accessToken': {'accessKeyId': o['accessKeyId'], 'secretAccessKey': o['secretAccessKey'], 'sessionToken': o['sessionToken']},
                                'tokenType': 'aws_sigv4', 'expiresIn': o['expiresIn'], 'refreshToken': o['refreshToken']}}

directory = tempfile.mkdtemp()
loader = LoginTokenLoader(JSONFileCache(directory))
loader.save_token('session', payload['original'])
now = datetime.datetime.fromisoformat(payload['now'].replace('Z', '+00:00'))
fetcher = _bc.LoginCredentialFetcher('session', loader, lambda *a, **k: Client(), time_fetcher=lambda: now)
fetcher.refresh_credentials()
from botocore.utils import generate_login_cache_key
with open(os.path.join(directory, generate_login_cache_key('session') + '.json')) as f:
    print(json.dumps({'text': f.read()}))
`, { original, output, now: now.toISOString() });
    expect(ours).toBe(theirs.text);
    // And field by field, what that means.
    const written = JSON.parse(ours) as typeof original;
    expect(Object.keys(written)).toEqual(Object.keys(original));
    expect(written.accessToken).toEqual({ accessKeyId: 'ASIANEW', secretAccessKey: 'new-secret', sessionToken: 'new-token', accountId: '123456789012', expiresAt: '2026-12-01T10:13:30Z' });
    expect(written.refreshToken).toBe('new-refresh');
    expect(written.extra).toEqual(original.extra);
    expect(ours).toContain('"extra": {"nested": [1, true, null, "\\u00fc"]}');
  });

  it('names what is missing from a token, as botocore checks it', () => {
    expect(parseLoginToken('{')).toBe('it is not JSON');
    expect(parseLoginToken('{"accessToken": {}}')).toBe('it lacks refreshToken, dpopKey, clientId');
    expect(parseLoginToken(JSON.stringify({ ...original, accessToken: { accessKeyId: 'A' } }))).toBe(
      'its accessToken lacks secretAccessKey, sessionToken, accountId, expiresAt',
    );
    expect(parseLoginToken(JSON.stringify({ ...original, accessToken: { ...original.accessToken, expiresAt: 'soon' } }))).toMatch(/not a time/);
  });
});

// Signing in to IAM Identity Center, end to end: bin/awsrole against the loopback SSO stand-in
// (portal and OIDC), tokens in the sandbox's ~/.aws/sso/cache. Many processes sharing one login
// (one refresh between them, or all failing fast), the authorization-code flow with PKCE through
// a scripted browser, its device-code fallbacks, and logout.
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runAwsrole, runPython, startAwsrole, waitForStderr } from '../support/cli.js';
import { ssoRoleSession, startMoto, type MotoServer, type SessionKeys } from '../support/moto.js';
import { createSandbox, type Sandbox } from '../support/sandbox.js';
import { waitFor } from '../support/shell.js';
import { startSigninStandIn } from '../support/signin-standin.js';
import { startSsoStandIn, type SsoStandIn } from '../support/sso-standin.js';
import { tokenCacheKey } from '../../src/sso/token-cache.js';

const START_URL = 'https://my-sso-portal.awsapps.com/start';
const LEGACY_URL = 'https://legacy-portal.awsapps.com/start';
const AWS_LOGIN_SESSION = 'arn:aws:iam::123456789012:user/alice';
const SSO_ACCOUNT = '111122223333';
const SSO_EXPIRATION = Date.UTC(2031, 0, 1, 12, 0, 0);

let moto: MotoServer;
let ssoKeys: SessionKeys;
let roleA: string;
let standIn: SsoStandIn;
let sandbox: Sandbox;
let env: Record<string, string>;

beforeAll(async () => {
  // What IAM Identity Center hands out is a role session of moto's, so that a role chained on it
  // (via-sso) is really assumed there and cached, for logout to find.
  moto = await startMoto();
  const sso = await ssoRoleSession(moto, ['A']);
  ssoKeys = sso.keys;
  roleA = sso.roleArns['A']!;
  standIn = await startSsoStandIn();
  standIn.grantRole(SSO_ACCOUNT, 'Developer', { ...ssoKeys, expiration: SSO_EXPIRATION });
  sandbox = createSandbox({ moto });
  sandbox.writeConfig(`[profile sso-dev]
sso_session = my-sso
sso_account_id = ${SSO_ACCOUNT}
sso_role_name = Developer
region = eu-west-1

[sso-session my-sso]
sso_start_url = ${START_URL}
sso_region = eu-west-1
sso_registration_scopes = sso:account:access

[profile via-sso]
role_arn = ${roleA}
source_profile = sso-dev
role_session_name = via-sso

[profile aws-login]
login_session = ${AWS_LOGIN_SESSION}
region = eu-west-1

[profile via-aws-login]
role_arn = ${roleA}
source_profile = aws-login
role_session_name = via-aws-login

[profile static]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = not-used

[profile sso-legacy]
sso_start_url = ${LEGACY_URL}
sso_region = us-east-1
sso_account_id = ${SSO_ACCOUNT}
sso_role_name = Developer
`);
  env = sandbox.env({ AWS_ENDPOINT_URL_SSO: standIn.endpoint, AWS_ENDPOINT_URL_SSO_OIDC: standIn.endpoint });
});

afterAll(async () => {
  await standIn?.close();
  await moto?.stop();
  sandbox?.cleanup();
});

const cacheDir = () => join(sandbox.home, '.aws', 'sso', 'cache');

beforeEach(() => {
  rmSync(cacheDir(), { recursive: true, force: true });
  rmSync(join(sandbox.home, '.cache'), { recursive: true, force: true }); // awsrole's session cache and locks
  rmSync(join(sandbox.home, '.aws', 'cli'), { recursive: true, force: true }); // the AWS CLI's cache
  rmSync(join(sandbox.home, '.aws', 'login'), { recursive: true, force: true }); // aws login's tokens
  standIn.requests.length = 0;
  standIn.behaviour.delayMs = 0;
  standIn.behaviour.authorize = 'approve';
});

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** A token file as the AWS CLI writes it. */
function writeCliToken(name: string, token: Record<string, string>): string {
  return sandbox.writeFile(`.aws/sso/cache/${tokenCacheKey({ startUrl: '', sessionName: name })}.json`, JSON.stringify(token), 0o600);
}

/** Runs `count` awsrole processes at once, each with no terminal and stdin closed (a CI job, a Makefile -j). */
function atOnce(count: number, args: string[]) {
  return Promise.all(Array.from({ length: count }, () => runAwsrole(args, { env, timeoutMs: 120_000 })));
}

describe('one login for many processes', () => {
  it('20 processes needing an expired but refreshable token make one refresh between them, and all get credentials', async () => {
    standIn.addClient({ clientId: 'cli-client', clientSecret: 'cli-secret', scopes: ['sso:account:access'] });
    standIn.addRefreshToken('cli-refresh-token', 'cli-client');
    writeCliToken('my-sso', {
      startUrl: START_URL, region: 'eu-west-1', accessToken: 'expired-token', expiresAt: iso(Date.now() - 60_000),
      clientId: 'cli-client', clientSecret: 'cli-secret', registrationExpiresAt: iso(Date.now() + 30 * 86400_000), refreshToken: 'cli-refresh-token',
    });
    // A slow answer keeps the first refresh in flight while the others arrive.
    standIn.behaviour.delayMs = 300;
    const results = await atOnce(20, ['export', 'sso-dev', '--format', 'json']);
    for (const result of results) {
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ AccessKeyId: ssoKeys.accessKeyId });
    }
    expect(standIn.operations().filter((op) => op === 'CreateToken')).toHaveLength(1);
    const fresh = standIn.issuedAccessTokens.at(-1);
    const bearers = standIn.requests.filter((r) => r.operation === 'GetRoleCredentials').map((r) => r.headers['x-amz-sso_bearer_token']);
    expect(bearers).toEqual(Array(20).fill(fresh));
  }, 180_000);

  it('with no token at all, 20 processes without a terminal all fail at once with the login hint, none waits', async () => {
    const started = Date.now();
    const results = await atOnce(20, ['export', 'sso-dev', '--format', 'json']);
    for (const result of results) {
      expect(result.code).toBe(4);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain('not logged in to IAM Identity Center for sso-session "my-sso"');
      expect(result.stderr).toContain('hint: run: awsrole login sso-dev');
    }
    expect(standIn.requests).toEqual([]);
    // Bounded generously for a loaded machine; a process waiting for a login would take minutes.
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 180_000);
});

/** botocore's SSOTokenLoader reading the cache the way the AWS CLI does. */
async function botocoreToken(startUrl: string, sessionName?: string): Promise<Record<string, string>> {
  const result = await runPython(`
import json
from botocore.utils import SSOTokenLoader, JSONFileCache
print(json.dumps(SSOTokenLoader(JSONFileCache(${JSON.stringify(cacheDir())}))(${JSON.stringify(startUrl)}, session_name=${sessionName ? JSON.stringify(sessionName) : 'None'})))
`, env);
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout) as Record<string, string>;
}

/** RFC 7636's S256, computed by Python's hashlib rather than by the code under test. */
async function s256(verifier: string): Promise<string> {
  const result = await runPython(`
import base64, hashlib, sys
print(base64.urlsafe_b64encode(hashlib.sha256(${JSON.stringify(verifier)}.encode('ascii')).digest()).decode().rstrip('='))
`, env);
  return result.stdout.trim();
}

/** A "browser" that opens the URL with curl, following the stand-in's redirect to awsrole's loopback listener. */
const CURL_BROWSER = 'curl -s -L -o /dev/null %s';

describe('two logins at once', () => {
  it('make one sign-in: the second waits for the first and uses its token', async () => {
    const first = startAwsrole(['login', 'sso-dev', '--use-device-code'], { env, timeoutMs: 60_000 });
    const [, code] = await waitForStderr(first, /code: (\S+)\n/);
    const second = startAwsrole(['login', 'sso-dev', '--use-device-code'], { env, timeoutMs: 60_000 });
    await waitForStderr(second, /another awsrole is signing in to sso-session "my-sso"; waiting for it\n/);
    standIn.approve(code!);
    const [one, two] = await Promise.all([first.result, second.result]);
    expect(one.code).toBe(0);
    expect(two.code).toBe(0);
    expect(two.stderr).not.toContain('code:');
    expect(two.stderr).toContain(`logged in to ${START_URL} (sso-session "my-sso")`);
    expect(standIn.operations().filter((op) => op === 'StartDeviceAuthorization')).toHaveLength(1);
    expect(standIn.issuedAccessTokens).toContain((await botocoreToken(START_URL, 'my-sso')).accessToken);
  }, 120_000);
});

describe('awsrole login in a browser (authorization code with PKCE)', () => {
  it('registers for the code grant, sends the browser to /authorize, redeems the code with the verifier, and writes a token botocore reads', async () => {
    const result = await runAwsrole(['login', 'sso-dev'], { env: { ...env, BROWSER: CURL_BROWSER }, timeoutMs: 60_000 });
    expect(result.stdout).toBe('');
    expect(result.code).toBe(0);
    expect(standIn.operations()).toEqual(['RegisterClient', 'Authorize', 'CreateToken']);
    const [register, authorize, createToken] = standIn.requests;
    expect(register!.body).toEqual({
      clientName: 'awsrole-my-sso',
      clientType: 'public',
      scopes: ['sso:account:access'],
      grantTypes: ['authorization_code', 'refresh_token'],
      redirectUris: ['http://127.0.0.1/oauth/callback'],
      issuerUrl: START_URL,
    });
    const query = authorize!.query;
    expect(Object.keys(query)).toEqual(['response_type', 'client_id', 'redirect_uri', 'state', 'code_challenge_method', 'scopes', 'code_challenge']);
    expect(query).toMatchObject({ response_type: 'code', code_challenge_method: 'S256', scopes: 'sso:account:access' });
    expect(query.redirect_uri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/oauth\/callback$/);
    expect(query.state).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // The URL the person is shown is the one the browser opened.
    const url = `${standIn.endpoint}/authorize?${new URLSearchParams(query)}`;
    expect(result.stderr).toContain(`\n    ${url}\n`);

    const body = createToken!.body!;
    expect(body).toMatchObject({ grantType: 'authorization_code', clientId: query.client_id, redirectUri: query.redirect_uri });
    expect(body.code).toMatch(/^code-/);
    expect(String(body.codeVerifier)).toMatch(/^[A-Za-z0-9_-]{43,128}$/);
    expect(await s256(String(body.codeVerifier))).toBe(query.code_challenge);
    expect(result.stderr).not.toContain(String(body.codeVerifier));

    const token = await botocoreToken(START_URL, 'my-sso');
    expect(token).toMatchObject({
      startUrl: START_URL,
      region: 'eu-west-1',
      accessToken: standIn.issuedAccessTokens.at(-1),
      refreshToken: standIn.issuedRefreshTokens.at(-1),
      clientId: query.client_id,
    });
    const tokenFile = join(cacheDir(), `${tokenCacheKey({ startUrl: START_URL, sessionName: 'my-sso' })}.json`);
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    expect(result.stderr).not.toContain(token.accessToken!);
    expect(result.stderr).toMatch(new RegExp(`awsrole: logged in to ${START_URL} \\(sso-session "my-sso"\\), valid until \\S+ \\(8 h\\)\\n$`));

    // The token serves the profile; a second login reuses the cached registration.
    standIn.requests.length = 0;
    const out = await runAwsrole(['export', 'sso-dev', '--format', 'json'], { env });
    expect(out.code).toBe(0);
    expect(standIn.requests[0]!.headers['x-amz-sso_bearer_token']).toBe(token.accessToken);
    standIn.requests.length = 0;
    const again = await runAwsrole(['login', 'sso-dev'], { env: { ...env, BROWSER: CURL_BROWSER }, timeoutMs: 60_000 });
    expect(again.code).toBe(0);
    expect(standIn.operations()).toEqual(['Authorize', 'CreateToken']);
  }, 120_000);

  it('a callback with another state is refused (HTTP 400) and not redeemed; the real one then signs in', async () => {
    // The "browser" asks /authorize, keeps the genuine redirect for the test, and sends a forged state.
    const script = sandbox.writeFile('forging-browser.sh', `#!/bin/sh
genuine=$(curl -s -o /dev/null -w '%{redirect_url}' "$1")
printf '%s' "$genuine" > "$HOME/genuine-redirect"
forged=$(printf '%s' "$genuine" | sed 's/state=[^&]*/state=forged-state/')
curl -s -o /dev/null -w '%{http_code}' "$forged" > "$HOME/forged-status"
`, 0o755);
    const running = startAwsrole(['login', 'sso-dev'], { env: { ...env, BROWSER: script }, timeoutMs: 60_000 });
    await waitForStderr(running, /refused a sign-in callback whose state is not this login's; still waiting for the sign-in\n/);
    // The script writes the status once curl is done, which may be a moment after awsrole refused it.
    await waitFor(() => existsSync(join(sandbox.home, 'forged-status')) && readFileSync(join(sandbox.home, 'forged-status'), 'utf8') !== '', 20_000);
    expect(readFileSync(join(sandbox.home, 'forged-status'), 'utf8')).toBe('400');
    expect(standIn.operations()).toEqual(['RegisterClient', 'Authorize']);
    expect(running.child.exitCode).toBeNull();

    const genuine = readFileSync(join(sandbox.home, 'genuine-redirect'), 'utf8');
    expect((await fetch(genuine)).status).toBe(200);
    const result = await running.result;
    expect(result.code).toBe(0);
    expect(standIn.operations()).toEqual(['RegisterClient', 'Authorize', 'CreateToken']);
    expect(standIn.requests[2]!.body!.code).toBe(new URL(genuine).searchParams.get('code'));
    expect((await botocoreToken(START_URL, 'my-sso')).accessToken).toBe(standIn.issuedAccessTokens.at(-1));
  }, 120_000);

  it('the person denies: exit 4, no token, no CreateToken', async () => {
    standIn.behaviour.authorize = 'deny';
    const result = await runAwsrole(['login', 'sso-dev'], { env: { ...env, BROWSER: CURL_BROWSER }, timeoutMs: 60_000 });
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('awsrole: the sign-in for sso-session "my-sso" was denied: access_denied: The user denied the request');
    expect(standIn.operations()).toEqual(['RegisterClient', 'Authorize']);
    expect(() => statSync(join(cacheDir(), `${tokenCacheKey({ startUrl: START_URL, sessionName: 'my-sso' })}.json`))).toThrow();
  }, 120_000);
});

describe('awsrole login with a device code instead', () => {
  /** Runs a login that must use the device code: approves the code it shows, and returns the result. */
  async function deviceLogin(args: string[], extra: Record<string, string>) {
    const running = startAwsrole(['login', ...args], { env: { ...env, BROWSER: CURL_BROWSER, ...extra }, timeoutMs: 60_000 });
    const [, code] = await waitForStderr(running, /code: (\S+)\n/);
    standIn.approve(code!);
    return running.result;
  }

  it.each([
    ['--use-device-code', ['sso-dev', '--use-device-code'], {}],
    ['$SSH_CONNECTION set', ['sso-dev'], { SSH_CONNECTION: '192.0.2.10 52311 192.0.2.20 22' }],
    ['the legacy form (sso_start_url in the profile), as the AWS CLI', ['sso-legacy'], {}],
  ])('%s: even with a browser at hand', async (_, args, extra) => {
    const result = await deviceLogin(args as string[], extra as Record<string, string>);
    expect(result.code).toBe(0);
    expect(standIn.operations()).not.toContain('Authorize');
    expect(standIn.operations().slice(0, 2)).toEqual(['RegisterClient', 'StartDeviceAuthorization']);
    expect(standIn.requests[0]!.body!.grantTypes).toBeUndefined();
    expect(result.stderr).toContain('logged in to');
  }, 120_000);

  it('no display and no $BROWSER: the device code', async () => {
    const running = startAwsrole(['login', 'sso-dev'], { env, timeoutMs: 60_000 });
    const [, code] = await waitForStderr(running, /code: (\S+)\n/);
    standIn.approve(code!);
    expect((await running.result).code).toBe(0);
    expect(standIn.operations()).not.toContain('Authorize');
  }, 120_000);
});

describe('awsrole logout', () => {
  /** Every file under HOME except the config, relative to HOME: what a logout may remove. */
  function files(): Set<string> {
    const found = new Set<string>();
    const walk = (relative: string) => {
      for (const entry of readdirSync(join(sandbox.home, relative), { withFileTypes: true })) {
        const path = relative ? `${relative}/${entry.name}` : entry.name;
        if (entry.isDirectory()) walk(path);
        else if (path !== '.aws/config') found.add(path);
      }
    };
    walk('');
    return found;
  }

  /** The files a logout's stderr says it removed, relative to HOME. */
  function saidRemoved(stderr: string): Set<string> {
    return new Set([...stderr.matchAll(/^awsrole: removed (\S+) \(/gm)].map(([, path]) => path!.slice(sandbox.home.length + 1)));
  }

  /** botocore's SSOCredentialFetcher._create_cache_key: where `aws` caches a profile's SSO role credentials. */
  async function botocoreSsoCredentialsFile(startUrl: string, sessionName?: string): Promise<string> {
    const result = await runPython(`
from botocore.credentials import SSOCredentialFetcher
print(SSOCredentialFetcher(${JSON.stringify(startUrl)}, 'eu-west-1', 'Developer', '${SSO_ACCOUNT}', client_creator=None, sso_session_name=${sessionName ? JSON.stringify(sessionName) : 'None'})._create_cache_key())
`, env);
    return `.aws/cli/cache/${result.stdout.trim()}.json`;
  }

  /** Signed in to both logins, with sessions obtained through each, as a day of work leaves them. */
  async function signedInEverywhere(): Promise<{ sessionCredentials: string; legacyCredentials: string }> {
    standIn.addAccessToken('session-token-to-end');
    standIn.addAccessToken('legacy-token-to-keep');
    writeCliToken('my-sso', { startUrl: START_URL, region: 'eu-west-1', accessToken: 'session-token-to-end', expiresAt: iso(Date.now() + 3600_000) });
    sandbox.writeFile(`.aws/sso/cache/${tokenCacheKey({ startUrl: LEGACY_URL })}.json`,
      JSON.stringify({ startUrl: LEGACY_URL, region: 'us-east-1', accessToken: 'legacy-token-to-keep', expiresAt: iso(Date.now() + 3600_000) }), 0o600);
    const chained = await runAwsrole(['export', 'via-sso', '--format', 'json'], { env });
    expect(chained.code).toBe(0);
    // What `aws` leaves after using each SSO profile: its SSO role credentials, ProviderType sso.
    const cliEntry = JSON.stringify({ ProviderType: 'sso', Credentials: { AccessKeyId: 'ASIAEXAMPLE', SecretAccessKey: 's', SessionToken: 't', Expiration: iso(Date.now() + 3600_000) } });
    const sessionCredentials = sandbox.writeFile(await botocoreSsoCredentialsFile(START_URL, 'my-sso'), cliEntry, 0o600).slice(sandbox.home.length + 1);
    const legacyCredentials = sandbox.writeFile(await botocoreSsoCredentialsFile(LEGACY_URL), cliEntry, 0o600).slice(sandbox.home.length + 1);
    return { sessionCredentials, legacyCredentials };
  }

  it("a role profile: Logout for its sso-session's token, and removes exactly the token and what was obtained with it", async () => {
    const { sessionCredentials, legacyCredentials } = await signedInEverywhere();
    const before = files();
    const sessionToken = `.aws/sso/cache/${tokenCacheKey({ startUrl: START_URL, sessionName: 'my-sso' })}.json`;
    const ownSessions = [...before].filter((path) => path.startsWith('.cache/awsrole/') && path.endsWith('.json'));
    expect(ownSessions).toHaveLength(1); // the via-sso hop
    standIn.requests.length = 0;

    const result = await runAwsrole(['logout', 'via-sso'], { env });
    expect(result.stdout).toBe('');
    expect(result.code).toBe(0);
    expect(standIn.operations()).toEqual(['Logout']);
    expect(standIn.requests[0]!.headers['x-amz-sso_bearer_token']).toBe('session-token-to-end');
    expect(result.stderr).toContain('awsrole: signed out of IAM Identity Center: sso-session "my-sso"\n');

    const after = files();
    const gone = new Set([...before].filter((path) => !after.has(path)));
    expect(saidRemoved(result.stderr)).toEqual(gone);
    expect(gone).toContain(sessionToken);
    expect(gone).toContain(sessionCredentials);
    for (const path of ownSessions) expect(gone).toContain(path);
    // The other login and what came of it stay.
    expect(after).toContain(`.aws/sso/cache/${tokenCacheKey({ startUrl: LEGACY_URL })}.json`);
    expect(after).toContain(legacyCredentials);
    expect(result.stderr).not.toContain('session-token-to-end');

    // The token is gone here and at the portal.
    const again = await runAwsrole(['export', 'sso-dev', '--format', 'json'], { env });
    expect(again.code).toBe(4);
    expect(again.stderr).toContain('not logged in to IAM Identity Center for sso-session "my-sso"');
    const second = await runAwsrole(['logout', 'sso-dev'], { env });
    expect(second.code).toBe(0);
    expect(second.stderr).toContain('nothing to remove: not logged in to sso-session "my-sso"');
  }, 120_000);

  it('a portal out of reach: a warning, and the token is removed all the same', async () => {
    standIn.addAccessToken('unreachable-logout');
    const path = writeCliToken('my-sso', { startUrl: START_URL, region: 'eu-west-1', accessToken: 'unreachable-logout', expiresAt: iso(Date.now() + 3600_000) });
    const result = await runAwsrole(['logout', 'sso-dev'], { env: { ...env, AWS_ENDPOINT_URL_SSO: 'http://127.0.0.1:1', AWSROLE_STS_TIMEOUT: '5' } });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('awsrole: warning: could not sign out at IAM Identity Center for sso-session "my-sso": Logout: ');
    expect(result.stderr).toContain(`awsrole: removed ${path} (the IAM Identity Center token of sso-session "my-sso")`);
    expect(() => statSync(path)).toThrow();
  }, 60_000);

  it('--all: every token in the cache, even of a login no profile names, with a Logout for each; registrations stay', async () => {
    const { sessionCredentials, legacyCredentials } = await signedInEverywhere();
    standIn.addAccessToken('stranger-token');
    sandbox.writeFile('.aws/sso/cache/0123456789abcdef0123456789abcdef01234567.json',
      JSON.stringify({ startUrl: 'https://elsewhere.awsapps.com/start', region: 'eu-north-1', accessToken: 'stranger-token', expiresAt: iso(Date.now() + 3600_000) }), 0o600);
    const registration = sandbox.writeFile('.aws/sso/cache/fedcba9876543210fedcba9876543210fedcba98.json',
      JSON.stringify({ clientId: 'c', clientSecret: 's', expiresAt: iso(Date.now() + 86400_000) }), 0o600).slice(sandbox.home.length + 1);
    const before = files();
    standIn.requests.length = 0;

    const result = await runAwsrole(['logout', '--all'], { env });
    expect(result.code).toBe(0);
    const loggedOut = standIn.requests.filter((r) => r.operation === 'Logout').map((r) => r.headers['x-amz-sso_bearer_token']);
    expect(loggedOut.sort()).toEqual(['legacy-token-to-keep', 'session-token-to-end', 'stranger-token']);
    const after = files();
    const gone = new Set([...before].filter((path) => !after.has(path)));
    expect(saidRemoved(result.stderr)).toEqual(gone);
    expect(gone).toContain(sessionCredentials);
    expect(gone).toContain(legacyCredentials);
    expect([...after].filter((path) => path.startsWith('.aws/sso/cache/'))).toEqual([registration]);
    expect([...after].filter((path) => path.startsWith('.cache/awsrole/') && path.endsWith('.json'))).toEqual([]);
  }, 120_000);

  it('an aws login profile (login_session): removes the token file botocore reads and the sessions chained on it, nothing of SSO', async () => {
    const { sessionCredentials } = await signedInEverywhere();
    // What `aws login` leaves, with moto credentials (valid for an hour: used without a refresh).
    const signin = await startSigninStandIn();
    try {
      const made = signin.login({ sessionName: AWS_LOGIN_SESSION, accountId: '123456789012', credentials: ssoKeys, expiresAt: new Date(Date.now() + 3600_000) });
      const key = await runPython(`
from botocore.utils import generate_login_cache_key
print(generate_login_cache_key(${JSON.stringify(AWS_LOGIN_SESSION)}))
`, env);
      const tokenFile = `.aws/login/cache/${key.stdout.trim()}.json`;
      sandbox.writeFile(tokenFile, made.text, 0o600);
      const chained = await runAwsrole(['export', 'via-aws-login', '--format', 'json'], { env });
      expect(chained.stderr).toBe('');
      expect(chained.code).toBe(0);
      const before = files();
      standIn.requests.length = 0;

      const result = await runAwsrole(['logout', 'via-aws-login'], { env });
      expect(result.code).toBe(0);
      const after = files();
      const gone = new Set([...before].filter((path) => !after.has(path)));
      expect(saidRemoved(result.stderr)).toEqual(gone);
      expect(gone).toContain(tokenFile);
      expect([...gone].filter((path) => path.startsWith('.cache/awsrole/'))).toHaveLength(1); // the via-aws-login hop
      expect([...gone].filter((path) => path.startsWith('.aws/sso/') || path === sessionCredentials)).toEqual([]);
      expect(standIn.requests).toEqual([]);
      expect(signin.requests).toEqual([]);
      expect(result.stderr).toContain(`(the aws login token of ${AWS_LOGIN_SESSION})`);

      // --all: an aws login token of a session no profile names goes too; a file that is not one stays.
      const stranger = signin.login({ sessionName: 'arn:aws:iam::123456789012:user/bob', accountId: '123456789012', credentials: ssoKeys, expiresAt: new Date(Date.now() + 3600_000) });
      const strangerFile = sandbox.writeFile('.aws/login/cache/bob.json', stranger.text, 0o600).slice(sandbox.home.length + 1);
      const notAToken = sandbox.writeFile('.aws/login/cache/notes.json', '{"accessToken": "a string, not credentials"}', 0o600).slice(sandbox.home.length + 1);
      const beforeAll = files();
      const all = await runAwsrole(['logout', '--all'], { env });
      expect(all.code).toBe(0);
      const goneAll = new Set([...beforeAll].filter((path) => !files().has(path)));
      expect(saidRemoved(all.stderr)).toEqual(goneAll);
      expect(goneAll).toContain(strangerFile);
      expect(files()).toContain(notAToken);
    } finally {
      await signin.close();
    }
  }, 120_000);

  it.each([
    [['logout'], 2, 'name the profile to log out, or give --all'],
    [['logout', 'sso-dev', '--all'], 2, 'name a profile or give --all, not both'],
    [['logout', 'nope'], 2, 'unknown profile "nope"'],
    [['logout', 'static'], 2, 'profile "static" does not sign in to IAM Identity Center'],
    [['login', 'via-aws-login'], 2, 'profile "via-aws-login" signs in with aws login (login_session of profile "aws-login"), not IAM Identity Center\n  hint: run: aws login --profile aws-login'],
  ])('%j exits %i', async (args, code, message) => {
    const result = await runAwsrole(args, { env });
    expect(result.stderr).toContain(message);
    expect(result.code).toBe(code);
    expect(standIn.requests).toEqual([]);
  });
});

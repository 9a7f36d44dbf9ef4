// IAM Identity Center end to end: bin/awsrole against the loopback SSO stand-in (portal and OIDC)
// and moto (auth on), with tokens in the sandbox's ~/.aws/sso/cache — written by the test, by
// `awsrole login`, or by botocore — and boto3 resolving the same profiles for comparison.
import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runAwsrole, runPython, startAwsrole, waitForStderr } from '../support/cli.js';
import { ssoRoleSession, startMoto, type MotoServer, type SessionKeys, type UserCredentials } from '../support/moto.js';
import { createSandbox, type Sandbox } from '../support/sandbox.js';
import { shellQuote } from '../support/shell.js';
import { startSsoStandIn, type SsoStandIn } from '../support/sso-standin.js';
import { startPane } from '../support/tmux.js';
import { tokenCacheKey } from '../../src/sso/token-cache.js';

const START_URL = 'https://my-sso-portal.awsapps.com/start';
const LEGACY_URL = 'https://legacy-portal.awsapps.com/start';
const SSO_ACCOUNT = '111122223333';
const SSO_EXPIRATION = Date.UTC(2031, 0, 1, 12, 0, 0);

let moto: MotoServer;
let alice: UserCredentials;
let ssoKeys: SessionKeys;
let roleA: string;
let standIn: SsoStandIn;
let sandbox: Sandbox;
let env: Record<string, string>;

beforeAll(async () => {
  moto = await startMoto();
  // Role A trusts the role whose session IAM Identity Center hands out.
  const sso = await ssoRoleSession(moto, ['A']);
  ({ alice, keys: ssoKeys } = sso);
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

[profile sso-legacy]
sso_start_url = ${LEGACY_URL}
sso_region = us-east-1
sso_account_id = ${SSO_ACCOUNT}
sso_role_name = Developer

[profile sso-forbidden]
sso_session = my-sso
sso_account_id = ${SSO_ACCOUNT}
sso_role_name = Admin

[profile via-sso]
role_arn = ${roleA}
source_profile = sso-dev
role_session_name = via-sso

[profile static]
aws_access_key_id = ${alice.accessKeyId}
aws_secret_access_key = ${alice.secretAccessKey}
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
  rmSync(join(sandbox.home, '.cache'), { recursive: true, force: true }); // awsrole's session cache
  standIn.requests.length = 0;
});

/** A token file as the AWS CLI writes it, for a token the stand-in accepts. */
function writeCliToken(name: string, token: Record<string, string>): string {
  return sandbox.writeFile(`.aws/sso/cache/${tokenCacheKey({ startUrl: '', sessionName: name })}.json`, JSON.stringify(token), 0o600);
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

interface JsonCredentials {
  Profile: string;
  RoleArn: string | null;
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken: string;
  Expiration: string;
}

async function exportJson(profile: string, args: string[] = []): Promise<JsonCredentials> {
  const result = await runAwsrole(['export', profile, '--format', 'json', ...args], { env });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as JsonCredentials;
}

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

/** What boto3 gets for the profile from the same files, cache and endpoints. */
async function botoCredentials(profile: string): Promise<{ AccessKeyId: string; SecretAccessKey: string; SessionToken: string }> {
  const result = await runPython(`
import json, boto3
c = boto3.Session(profile_name=${JSON.stringify(profile)}).get_credentials().get_frozen_credentials()
print(json.dumps({'AccessKeyId': c.access_key, 'SecretAccessKey': c.secret_key, 'SessionToken': c.token}))
`, env);
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout) as { AccessKeyId: string; SecretAccessKey: string; SessionToken: string };
}

describe('a cached token', () => {
  it('export returns the role credentials the portal hands out for the token', async () => {
    standIn.addAccessToken('cached-valid-token');
    writeCliToken('my-sso', { startUrl: START_URL, region: 'eu-west-1', accessToken: 'cached-valid-token', expiresAt: iso(Date.now() + 3600_000) });
    const out = await exportJson('sso-dev');
    expect(out).toEqual({
      Profile: 'sso-dev',
      RoleArn: null,
      Region: 'eu-west-1',
      AccessKeyId: ssoKeys.accessKeyId,
      SecretAccessKey: ssoKeys.secretAccessKey,
      SessionToken: ssoKeys.sessionToken,
      Expiration: iso(SSO_EXPIRATION),
    });
    expect(standIn.operations()).toEqual(['GetRoleCredentials']);
    expect(standIn.requests[0]!.headers['x-amz-sso_bearer_token']).toBe('cached-valid-token');
    expect(standIn.requests[0]!.query).toEqual({ account_id: SSO_ACCOUNT, role_name: 'Developer' });
  });

  it('an expired legacy token: exit 4 before any call, and the hint is the login command', async () => {
    standIn.addAccessToken('expired-legacy-token');
    sandbox.writeFile(`.aws/sso/cache/${tokenCacheKey({ startUrl: LEGACY_URL })}.json`,
      JSON.stringify({ startUrl: LEGACY_URL, region: 'us-east-1', accessToken: 'expired-legacy-token', expiresAt: '2020-01-01T00:00:00UTC' }));
    const result = await runAwsrole(['export', 'sso-legacy', '--format', 'json'], { env });
    expect(result.code).toBe(4);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `awsrole: the IAM Identity Center login for ${LEGACY_URL} expired at 2020-01-01T00:00:00Z (profile "sso-legacy", ${join(cacheDir(), `${tokenCacheKey({ startUrl: LEGACY_URL })}.json`)})\n` +
        '  hint: run: awsrole login sso-legacy   (or: aws sso login --profile sso-legacy)\n',
    );
    expect(result.stderr).not.toContain('expired-legacy-token');
    expect(standIn.requests).toEqual([]);
  });

  it('no login at all: exit 4 with the login command, also through a role chain', async () => {
    const result = await runAwsrole(['export', 'via-sso', '--format', 'json'], { env });
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('not logged in to IAM Identity Center for sso-session "my-sso"');
    expect(result.stderr).toContain('hint: run: awsrole login sso-dev');
  });

  it('an sso-session token near expiry is refreshed (CreateToken, refresh_token) and saved for the AWS CLI', async () => {
    standIn.addClient({ clientId: 'cli-client', clientSecret: 'cli-secret', scopes: ['sso:account:access'] });
    standIn.addRefreshToken('cli-refresh-token', 'cli-client');
    standIn.addAccessToken('about-to-expire');
    writeCliToken('my-sso', {
      startUrl: START_URL, region: 'eu-west-1', accessToken: 'about-to-expire', expiresAt: iso(Date.now() + 5 * 60_000),
      clientId: 'cli-client', clientSecret: 'cli-secret', registrationExpiresAt: iso(Date.now() + 30 * 86400_000), refreshToken: 'cli-refresh-token',
    });
    await exportJson('sso-dev');
    expect(standIn.operations()).toEqual(['CreateToken', 'GetRoleCredentials']);
    const saved = await botocoreToken(START_URL, 'my-sso');
    expect(saved.accessToken).toBe(standIn.issuedAccessTokens.at(-1));
    expect(saved.refreshToken).toBe(standIn.issuedRefreshTokens.at(-1));
  });

  it('a role the user is not assigned: exit 4 naming the account and role', async () => {
    standIn.addAccessToken('valid-for-forbidden');
    writeCliToken('my-sso', { startUrl: START_URL, region: 'eu-west-1', accessToken: 'valid-for-forbidden', expiresAt: iso(Date.now() + 3600_000) });
    const result = await runAwsrole(['export', 'sso-forbidden', '--format', 'json'], { env });
    expect(result.code).toBe(4);
    expect(result.stderr).toContain(`awsrole: IAM Identity Center refused role Admin in account ${SSO_ACCOUNT}: GetRoleCredentials: ForbiddenException: No access`);
  });
});

describe('on a terminal', () => {
  it('shows a spinner while the portal is slow to hand out the role credentials, and erases it', async () => {
    standIn.addAccessToken('cached-valid-token');
    writeCliToken('my-sso', { startUrl: START_URL, region: 'eu-west-1', accessToken: 'cached-valid-token', expiresAt: iso(Date.now() + 3600_000) });
    standIn.behaviour.delayMs = 1500;
    const dir = join(sandbox.home, 'pane');
    const pane = await startPane({ shell: 'bash', dir, env: { ...env, LANG: 'C.UTF-8' }, rc: [] });
    try {
      const out = join(dir, 'use.out');
      pane.type(`awsrole use sso-dev --shell bash > ${shellQuote(out)}; echo "status=$?"`);
      pane.send('Enter');
      await pane.waitForScreen('getting SSO role credentials for Developer');
      await pane.waitForScreen(/^status=0$/m);
      expect(pane.screen()).not.toContain('getting SSO role credentials');
      expect(readFileSync(out, 'utf8')).toContain(`export AWS_ACCESS_KEY_ID='${ssoKeys.accessKeyId}'`);
    } finally {
      standIn.behaviour.delayMs = 0;
      pane.kill();
    }
  });
});

describe('SSO as the source of a role chain', () => {
  it('assumes role A in moto with the SSO role credentials', async () => {
    standIn.addAccessToken('chain-token');
    writeCliToken('my-sso', { startUrl: START_URL, region: 'eu-west-1', accessToken: 'chain-token', expiresAt: iso(Date.now() + 3600_000) });
    const out = await exportJson('via-sso');
    expect(out.RoleArn).toBe(roleA);
    const identity = await moto.callerIdentity({ accessKeyId: out.AccessKeyId, secretAccessKey: out.SecretAccessKey, sessionToken: out.SessionToken });
    expect(identity.Arn).toBe('arn:aws:sts::123456789012:assumed-role/A/via-sso');
    expect(standIn.operations()).toEqual(['GetRoleCredentials']);

    // The hop is cached now: the next run needs neither the portal nor STS.
    standIn.requests.length = 0;
    const again = await exportJson('via-sso');
    expect(again.AccessKeyId).toBe(out.AccessKeyId);
    expect(standIn.requests).toEqual([]);
  });
});

describe('awsrole login', () => {
  it('runs the device flow, writes a token botocore reads, and export and boto3 then work from it', async () => {
    const running = startAwsrole(['login', 'sso-dev'], { env, timeoutMs: 30_000 });
    const [, url, code] = await waitForStderr(running, /\n\s+(http\S+)\n[\s\S]*code: (\S+)\n/);
    expect(url).toBe(`${standIn.endpoint}/device?user_code=${code}`);
    standIn.approve(code!);
    const result = await running.result;
    expect(result.stdout).toBe('');
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(new RegExp(`awsrole: logged in to ${START_URL} \\(sso-session "my-sso"\\), valid until \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ \\(8 h\\)\\n$`));
    expect(standIn.operations()).toEqual(['RegisterClient', 'StartDeviceAuthorization', 'CreateToken', 'CreateToken']);
    expect(standIn.requests[0]!.body).toEqual({ clientName: 'awsrole-my-sso', clientType: 'public', scopes: ['sso:account:access'] });

    const token = await botocoreToken(START_URL, 'my-sso');
    expect(token).toMatchObject({
      startUrl: START_URL,
      region: 'eu-west-1',
      accessToken: standIn.issuedAccessTokens.at(-1),
      refreshToken: standIn.issuedRefreshTokens.at(-1),
      clientId: standIn.requests[1]!.body!.clientId,
    });
    const tokenFile = join(cacheDir(), `${tokenCacheKey({ startUrl: START_URL, sessionName: 'my-sso' })}.json`);
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    expect(result.stderr).not.toContain(token.accessToken!);

    standIn.requests.length = 0;
    const out = await exportJson('sso-dev');
    expect(standIn.requests[0]!.headers['x-amz-sso_bearer_token']).toBe(token.accessToken);
    const boto = await botoCredentials('sso-dev');
    expect(boto).toEqual({ AccessKeyId: out.AccessKeyId, SecretAccessKey: out.SecretAccessKey, SessionToken: out.SessionToken });
    expect(standIn.requests.at(-1)!.headers['x-amz-sso_bearer_token']).toBe(token.accessToken);
  });

  it('the legacy form with --open: the browser (curl here) approves', async () => {
    // A "browser" that opens the URL with curl: the stand-in approves a GET of verificationUriComplete.
    const result = await runAwsrole(['login', 'sso-legacy', '--open'], { env: { ...env, BROWSER: 'curl -s -o /dev/null %s' }, timeoutMs: 30_000 });
    expect(result.stderr).toContain(`logged in to ${LEGACY_URL} (${LEGACY_URL})`);
    expect(result.code).toBe(0);
    expect(standIn.requests.some((r) => r.operation === 'Approve')).toBe(true);
    expect(standIn.requests[0]!.body).toEqual({ clientName: 'awsrole', clientType: 'public' });
    const token = await botocoreToken(LEGACY_URL);
    expect(token.accessToken).toBe(standIn.issuedAccessTokens.at(-1));
    expect(await botoCredentials('sso-legacy')).toEqual({ AccessKeyId: ssoKeys.accessKeyId, SecretAccessKey: ssoKeys.secretAccessKey, SessionToken: ssoKeys.sessionToken });
  });

  it('login through a role profile logs in to its SSO source; a browser that cannot start is a warning', async () => {
    const running = startAwsrole(['login', 'via-sso', '--open'], { env: { ...env, BROWSER: '/nonexistent/browser' }, timeoutMs: 30_000 });
    const [, code] = await waitForStderr(running, /code: (\S+)\n/);
    standIn.approve(code!);
    const result = await running.result;
    expect(result.code).toBe(0);
    // An sso-session with $BROWSER set: the browser flow first; a browser that cannot start ends it.
    expect(result.stderr).toContain('awsrole: warning: could not open a browser (/nonexistent/browser: ENOENT); signing in with a device code instead');
    expect(result.stderr).toContain(`logged in to ${START_URL} (sso-session "my-sso")`);
    const identity = await exportJson('via-sso');
    expect(identity.RoleArn).toBe(roleA);
  });

  it('a denied request: exit 4, no token', async () => {
    const running = startAwsrole(['login', 'sso-dev'], { env, timeoutMs: 30_000 });
    const [, code] = await waitForStderr(running, /code: (\S+)\n/);
    standIn.deny(code!);
    const result = await running.result;
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('awsrole: the sign-in request for sso-session "my-sso" was denied');
  });

  it.each([
    [['login', 'nope'], 2, 'unknown profile "nope"'],
    [['login', 'static'], 2, 'profile "static" does not use IAM Identity Center'],
    [['login', 'sso-dev', '--open', '--no-browser'], 2, '--open and --no-browser contradict each other'],
  ])('%j exits %i', async (args, code, message) => {
    const result = await runAwsrole(args, { env });
    expect(result.stderr).toContain(message);
    expect(result.code).toBe(code);
    expect(standIn.requests).toEqual([]);
  });
});

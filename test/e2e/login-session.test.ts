// `login_session` profiles (`aws login`) end to end: bin/awsrole against the loopback sign-in
// stand-in (test/support/signin-standin.ts: it verifies every DPoP proof and rotates the refresh
// token) and moto (auth on). The credentials in the token are a role session assumed on moto, so
// what awsrole hands out is a real identity there.
//
// boto3 cannot run LoginProvider on these machines (it needs awscrt); BOTOCORE_EC_SHIM gives
// botocore an EC on top of `cryptography`, and the rest is botocore 1.43's own code
// (credentials.py LoginProvider / LoginCredentialFetcher, utils.py LoginTokenLoader /
// JSONFileCache), which the comparisons below hold awsrole to.
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AWSROLE_BIN, runAwsrole, runProgram, runPython, type RunResult } from '../support/cli.js';
import { pythonExecutable, startMoto, type CallerIdentity, type MotoServer } from '../support/moto.js';
import { createSandbox, type Sandbox } from '../support/sandbox.js';
import { BOTOCORE_EC_SHIM, startSigninStandIn, type IssuedCredentials, type SigninStandIn } from '../support/signin-standin.js';

const SESSION = 'arn:aws:iam::123456789012:user/alice';

let moto: MotoServer;
let consoleSession: IssuedCredentials;
let consoleRoleArn: string;
let adminArn: string;
let standIn: SigninStandIn;
let sandbox: Sandbox;
let env: Record<string, string>;

beforeAll(async () => {
  moto = await startMoto();
  const alice = await moto.createUser('alice');
  // What `aws login` hands out are short-lived credentials of the signed-in identity: here a
  // session of moto's, so that moto checks what is done with them. Admin trusts that identity.
  consoleRoleArn = (await moto.createRole('Console', { trust: [alice.arn] })).arn;
  adminArn = (await moto.createRole('Admin', { trust: [consoleRoleArn] })).arn;
  await moto.enableAuth();
  const assumed = await moto.assumeRole(alice, { roleArn: consoleRoleArn, sessionName: 'alice-console' });
  consoleSession = { accessKeyId: assumed.accessKeyId, secretAccessKey: assumed.secretAccessKey, sessionToken: assumed.sessionToken };

  standIn = await startSigninStandIn();
  sandbox = createSandbox({ moto });
  sandbox.writeConfig(`[profile login]
login_session = ${SESSION}
region = us-east-1

[profile admin]
role_arn = ${adminArn}
source_profile = login
role_session_name = via-login

[profile no-region]
login_session = ${SESSION}
`);
  env = sandbox.env({ AWS_ENDPOINT_URL_SIGNIN: standIn.endpoint });
});

afterAll(async () => {
  await standIn?.close();
  await moto?.stop();
  sandbox?.cleanup();
});

const loginCache = () => join(sandbox.home, '.aws', 'login', 'cache');

beforeEach(() => {
  rmSync(join(sandbox.home, '.aws', 'login'), { recursive: true, force: true });
  rmSync(join(sandbox.home, '.cache'), { recursive: true, force: true }); // awsrole's session cache
  rmSync(join(sandbox.home, '.aws', 'cli'), { recursive: true, force: true }); // the AWS CLI's, which awsrole shares
  standIn.requests.length = 0;
  standIn.behaviour.override = undefined;
});

/** botocore's own name for the token file (utils.py generate_login_cache_key). */
async function botocoreTokenFile(directory: string): Promise<string> {
  const result = await runPython(`
from botocore.utils import generate_login_cache_key
print(generate_login_cache_key(${JSON.stringify(SESSION)}))
`, env);
  expect(result.stderr).toBe('');
  return join(directory, `${result.stdout.trim()}.json`);
}

/** What `aws login` leaves: a token file (0600 in a 0700 directory) that expires in `seconds`. */
async function loginFor(seconds: number, directory = loginCache()): Promise<{ path: string; text: string; refreshToken: string }> {
  const made = standIn.login({ sessionName: SESSION, accountId: moto.accountId, credentials: consoleSession, expiresAt: new Date(Date.now() + seconds * 1000) });
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  const path = await botocoreTokenFile(directory);
  sandbox.writeFile(path.slice(sandbox.home.length + 1), made.text, 0o600);
  return { path, text: made.text, refreshToken: made.refreshToken };
}

interface JsonCredentials {
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken: string;
  Expiration: string;
}

async function exportJson(profile: string, extraEnv: Record<string, string> = {}): Promise<JsonCredentials> {
  const result = await runAwsrole(['export', profile, '--format', 'json'], { env: { ...env, ...extraEnv } });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as JsonCredentials;
}

function noSecretsIn(result: RunResult, text: string): void {
  for (const secret of [consoleSession.secretAccessKey, consoleSession.sessionToken, ...standIn.issuedRefreshTokens]) {
    expect(result.stderr).not.toContain(secret);
  }
  expect(result.stderr).not.toContain(JSON.parse(text).refreshToken as string);
  expect(result.stderr).not.toContain('PRIVATE KEY');
}

describe('a valid cached token', () => {
  it('is used as it is, with no call to the sign-in service, and is a real identity on moto', async () => {
    const { path, text } = await loginFor(10 * 60);
    const credentials = await exportJson('login');
    expect(credentials).toMatchObject({ AccessKeyId: consoleSession.accessKeyId, SecretAccessKey: consoleSession.secretAccessKey, SessionToken: consoleSession.sessionToken });
    expect(standIn.requests).toEqual([]);
    expect(readFileSync(path, 'utf8')).toBe(text);
    const identity: CallerIdentity = await moto.callerIdentity({ accessKeyId: credentials.AccessKeyId, secretAccessKey: credentials.SecretAccessKey, sessionToken: credentials.SessionToken });
    expect(identity.Arn).toBe(`arn:aws:sts::${moto.accountId}:assumed-role/Console/alice-console`);
  });

  it('gives what botocore (LoginProvider) gives for the same profile', async () => {
    await loginFor(10 * 60);
    const theirs = await runPython(`${BOTOCORE_EC_SHIM}
import json, boto3
c = boto3.Session(profile_name='login').get_credentials().get_frozen_credentials()
print(json.dumps([c.access_key, c.secret_key, c.token]))
`, env);
    expect(theirs.stderr).toBe('');
    const ours = await exportJson('login');
    expect([ours.AccessKeyId, ours.SecretAccessKey, ours.SessionToken]).toEqual(JSON.parse(theirs.stdout));
    expect(standIn.requests).toEqual([]);
  });

  it('sources a role chain: exec ends as the role on moto', async () => {
    await loginFor(10 * 60);
    const script = `import boto3, json; print(json.dumps(boto3.client('sts', region_name='us-east-1').get_caller_identity()['Arn']))`;
    const result = await runAwsrole(['exec', 'admin', '--', pythonExecutable(), '-c', script], { env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toBe(`arn:aws:sts::${moto.accountId}:assumed-role/Admin/via-login`);
    expect(standIn.requests).toEqual([]);
  });

  it('sources a role chain: use, evaluated in bash, leaves the shell as the role on moto', async () => {
    await loginFor(10 * 60);
    const script = `import boto3; print(boto3.client('sts', region_name='us-east-1').get_caller_identity()['Arn'])`;
    const bash = `eval "$("$NODE" "$AWSROLE" use admin --shell bash)" && "$PYTHON" -c "$SCRIPT"`;
    const result = await runProgram('bash', ['--norc', '--noprofile', '-c', bash], {
      env: { ...env, NODE: process.execPath, AWSROLE: AWSROLE_BIN, PYTHON: pythonExecutable(), SCRIPT: script },
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(`arn:aws:sts::${moto.accountId}:assumed-role/Admin/via-login`);
  });

  it('explain shows the step: the session, the token file, where a refresh goes', async () => {
    const result = await runAwsrole(['explain', 'admin'], { env });
    expect(result.code).toBe(0);
    const tokenFile = await botocoreTokenFile(loginCache());
    expect(result.stdout).toContain(`1. aws login session ${SESSION}  [profile "login", ${sandbox.configPath}:2]`);
    expect(result.stdout).toContain(`token file    ${tokenFile}  (the AWS CLI's login cache)`);
    expect(result.stdout).toContain(`refresh via   ${standIn.endpoint}  ($AWS_ENDPOINT_URL_SIGNIN)`);
    expect(result.stdout).toContain(`2. AssumeRole ${adminArn}`);
  });
});

describe('an expiring token', () => {
  it("is refreshed once, with a DPoP proof the stand-in verifies, and written back as botocore writes it", async () => {
    const { path, text, refreshToken } = await loginFor(2 * 60);
    const before = Date.now();
    const first = await exportJson('login');
    expect(standIn.requests).toHaveLength(1);
    const [request] = standIn.requests;
    expect(request!.proof.refused).toBeUndefined();
    expect(request!.proof.payload).toMatchObject({ htm: 'POST', htu: `${standIn.endpoint}/v1/token` });
    expect(request!.body).toEqual({ clientId: 'arn:aws:signin:::devtools/same-device', refreshToken, grantType: 'refresh_token' });
    expect(first.AccessKeyId).toBe(consoleSession.accessKeyId);

    // The token file: rotated refresh token, 15 minutes more, still private.
    const written = readFileSync(path, 'utf8');
    const token = JSON.parse(written) as { refreshToken: string; accessToken: { expiresAt: string } };
    expect(token.refreshToken).toBe(standIn.issuedRefreshTokens.at(-1));
    const expiresAt = Date.parse(token.accessToken.expiresAt);
    expect(expiresAt).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 900_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 900_000);
    expect(statSync(path).mode & 0o777).toBe(0o600);

    // botocore refreshes a copy of the original file against the same stand-in (the refresh is
    // idempotent for one refresh token, so it gets the same answer): the two files must be equal
    // but for the second the clock read. Field by field, that is LoginCredentialFetcher.refresh_credentials'
    // token.update({...}) — accessToken's five fields in its order, refreshToken in place, the rest kept.
    const theirDir = join(sandbox.home, 'botocore-login');
    mkdirSync(theirDir, { recursive: true, mode: 0o700 });
    const theirPath = join(theirDir, path.split('/').at(-1)!);
    sandbox.writeFile(theirPath.slice(sandbox.home.length + 1), text, 0o600);
    const botocore = await runPython(`${BOTOCORE_EC_SHIM}
import boto3
boto3.Session(profile_name='login').get_credentials().get_frozen_credentials()
`, { ...env, AWS_LOGIN_CACHE_DIRECTORY: theirDir });
    expect(botocore.stderr).toBe('');
    expect(standIn.requests).toHaveLength(2);
    expect(standIn.requests[1]!.proof.refused).toBeUndefined();
    const theirs = readFileSync(theirPath, 'utf8');
    const theirExpiry = (JSON.parse(theirs) as { accessToken: { expiresAt: string } }).accessToken.expiresAt;
    expect(Math.abs(Date.parse(theirExpiry) - expiresAt)).toBeLessThanOrEqual(10_000);
    expect(written.replace(token.accessToken.expiresAt, 'T')).toBe(theirs.replace(theirExpiry, 'T'));
    expect(Object.keys(JSON.parse(written))).toEqual(Object.keys(JSON.parse(text)));

    // The next run uses the refreshed token without a call.
    standIn.requests.length = 0;
    await exportJson('login');
    expect(standIn.requests).toEqual([]);
  });

  it('is refreshed once by eight runs started together', async () => {
    await loginFor(60);
    const runs = await Promise.all(Array.from({ length: 8 }, () => runAwsrole(['export', 'login', '--format', 'json'], { env, timeoutMs: 60_000 })));
    for (const run of runs) {
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
    }
    expect(standIn.requests).toHaveLength(1);
  });

  it("that the service no longer refreshes is exit 4 with 'run aws login', and no secret on stderr", async () => {
    const { refreshToken, text } = await loginFor(60);
    standIn.revoke(refreshToken);
    const result = await runAwsrole(['export', 'admin', '--format', 'json'], { env });
    expect(result.code).toBe(4);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^awsrole: the aws login session arn:aws:iam::123456789012:user\/alice has expired \(profile "login", http:\/\/127\.0\.0\.1:\d+\)\n/);
    expect(result.stderr).toContain('run: aws login --profile login');
    noSecretsIn(result, text);
  });

  it('refused for insufficient permissions is exit 4 that names the permission', async () => {
    const { text } = await loginFor(60);
    standIn.behaviour.override = () => ({
      status: 403,
      type: 'AccessDeniedException',
      body: JSON.stringify({ error: 'INSUFFICIENT_PERMISSIONS', message: 'not allowed' }),
    });
    const result = await runAwsrole(['export', 'login', '--format', 'json'], { env });
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('refused to refresh aws login session');
    expect(result.stderr).toContain('insufficient permissions');
    expect(result.stderr).toContain('signin:CreateOAuth2Token');
    noSecretsIn(result, text);
  });

  it.each<[string, number, { status: number; type?: string; body?: string }, string]>([
    ['a 5xx', 5, { status: 500, type: 'InternalServerException', body: '{"error":"server_error","message":"try later"}' }, 'the AWS sign-in service failed to refresh'],
    ['throttling', 4, { status: 429, type: 'TooManyRequestsError', body: '{"error":"INVALID_REQUEST","message":"slow down"}' }, 'is throttling requests'],
    ['a validation error', 4, { status: 400, type: 'ValidationException', body: '{"error":"INVALID_REQUEST","message":"bad"}' }, 'refused to refresh aws login session'],
    ['an HTML page', 5, { status: 200, body: '<html><body>captive portal</body></html>' }, 'no usable answer from the AWS sign-in service'],
    ['a 200 without the token', 5, { status: 200, body: '{"tokenType":"aws_sigv4"}' }, 'no complete tokenOutput'],
    ['a redirect', 5, { status: 302, body: '' }, 'a redirect'],
  ])('answered with %s: exit %i', async (_, code, answer, words) => {
    const { text } = await loginFor(60);
    standIn.behaviour.override = () => answer;
    const result = await runAwsrole(['export', 'login', '--format', 'json'], { env });
    expect(result.code).toBe(code);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(words);
    noSecretsIn(result, text);
  });

  it('that cannot reach the sign-in service is exit 5 naming it', async () => {
    await loginFor(60);
    const result = await runAwsrole(['export', 'login', '--format', 'json'], { env: { ...env, AWS_ENDPOINT_URL_SIGNIN: 'http://127.0.0.1:1' } });
    expect(result.code).toBe(5);
    expect(result.stderr).toContain('cannot reach the AWS sign-in service to refresh aws login session');
    expect(result.stderr).toContain('http://127.0.0.1:1');
  });

  it('without a region for the sign-in service is exit 3 (a cached token still serves)', async () => {
    await loginFor(60);
    const noEndpoint = { ...env, AWS_ENDPOINT_URL_SIGNIN: '' };
    const result = await runAwsrole(['export', 'no-region', '--format', 'json'], { env: noEndpoint });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('no region is configured for the sign-in service');
    await loginFor(10 * 60);
    expect((await runAwsrole(['export', 'no-region', '--format', 'json'], { env: noEndpoint })).code).toBe(0);
  });
});

describe('no usable token', () => {
  it("none at all is exit 4 with 'run aws login'", async () => {
    const result = await runAwsrole(['use', 'login', '--shell', 'bash'], { env });
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('no aws login session arn:aws:iam::123456789012:user/alice in the login cache');
    expect(result.stderr).toContain('run: aws login --profile login');
    expect(standIn.requests).toEqual([]);
  });

  it('a token file others can write is not used: exit 3, the fix is its mode', async () => {
    const { path } = await loginFor(10 * 60);
    chmodSync(path, 0o666);
    const result = await runAwsrole(['export', 'login', '--format', 'json'], { env });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('writable by others');
    expect(result.stderr).toContain('chmod go-w');
  });

  it('AWS_LOGIN_CACHE_DIRECTORY moves the cache', async () => {
    const elsewhere = join(sandbox.home, 'elsewhere');
    const { path } = await loginFor(10 * 60);
    mkdirSync(elsewhere, { mode: 0o700 });
    copyFileSync(path, join(elsewhere, path.split('/').at(-1)!));
    rmSync(path);
    const credentials = await exportJson('login', { AWS_LOGIN_CACHE_DIRECTORY: elsewhere });
    expect(credentials.AccessKeyId).toBe(consoleSession.accessKeyId);
  });
});

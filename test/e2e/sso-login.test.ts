// Signing in to IAM Identity Center, end to end: bin/awsrole against the loopback SSO stand-in
// (portal and OIDC), tokens in the sandbox's ~/.aws/sso/cache. Many processes sharing one login
// (one refresh between them, or all failing fast), the authorization-code flow with PKCE through
// a scripted browser, its device-code fallbacks, and logout.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runAwsrole } from '../support/cli.js';
import { createSandbox, type Sandbox } from '../support/sandbox.js';
import { startSsoStandIn, type SsoStandIn } from '../support/sso-standin.js';
import { tokenCacheKey } from '../../src/sso/token-cache.js';

const START_URL = 'https://my-sso-portal.awsapps.com/start';
const SSO_ACCOUNT = '111122223333';
const SSO_KEYS = { accessKeyId: 'ASIASSOSTANDIN000001', secretAccessKey: 'sso-secret', sessionToken: 'sso-session-token' };
const SSO_EXPIRATION = Date.UTC(2031, 0, 1, 12, 0, 0);

let standIn: SsoStandIn;
let sandbox: Sandbox;
let env: Record<string, string>;

beforeAll(async () => {
  standIn = await startSsoStandIn();
  standIn.grantRole(SSO_ACCOUNT, 'Developer', { ...SSO_KEYS, expiration: SSO_EXPIRATION });
  sandbox = createSandbox();
  sandbox.writeConfig(`[profile sso-dev]
sso_session = my-sso
sso_account_id = ${SSO_ACCOUNT}
sso_role_name = Developer
region = eu-west-1

[sso-session my-sso]
sso_start_url = ${START_URL}
sso_region = eu-west-1
sso_registration_scopes = sso:account:access
`);
  env = sandbox.env({ AWS_ENDPOINT_URL_SSO: standIn.endpoint, AWS_ENDPOINT_URL_SSO_OIDC: standIn.endpoint });
});

afterAll(async () => {
  await standIn?.close();
  sandbox?.cleanup();
});

const cacheDir = () => join(sandbox.home, '.aws', 'sso', 'cache');

beforeEach(() => {
  rmSync(cacheDir(), { recursive: true, force: true });
  rmSync(join(sandbox.home, '.cache'), { recursive: true, force: true }); // awsrole's session cache and locks
  standIn.requests.length = 0;
  standIn.behaviour.delayMs = 0;
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
      expect(JSON.parse(result.stdout)).toMatchObject({ AccessKeyId: SSO_KEYS.accessKeyId });
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

// The SSO credential source against the loopback stand-in: the token from the cache (refreshed
// when botocore would refresh it), GetRoleCredentials, and what each failure exits with. One
// test lets botocore's own SSOTokenProvider refresh against the stand-in, for parity.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runPython } from '../../support/cli.js';
import { startSsoStandIn, type SsoStandIn } from '../../support/sso-standin.js';
import { AwsroleError, ExitCode } from '../../../src/errors/errors.js';
import type { Planned, SsoStep } from '../../../src/plan/types.js';
import { ssoCredentials } from '../../../src/sources/sso.js';
import type { SourceContext } from '../../../src/sources/types.js';
import { oidcEndpoint, portalEndpoint } from '../../../src/sso/endpoints.js';
import { readToken, ssoCacheDirectory, writeToken, type SsoToken } from '../../../src/sso/token-cache.js';
import { withTokenLock } from '../../../src/sso/token-lock.js';

const START_URL = 'https://my-sso-portal.awsapps.com/start';
const ACCOUNT = '111122223333';
const ROLE = 'Developer';
const KEYS = { accessKeyId: 'ASIASSOSTANDIN000001', secretAccessKey: 'sso-secret', sessionToken: 'sso-token', expiration: Date.UTC(2031, 0, 1) };

let standIn: SsoStandIn;
let home: string;
let debugLines: string[];

beforeAll(async () => {
  standIn = await startSsoStandIn();
  standIn.grantRole(ACCOUNT, ROLE, KEYS);
});
afterAll(async () => {
  await standIn?.close();
});
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'awsrole-sso-source-'));
  standIn.requests.length = 0;
  debugLines = [];
  return () => rmSync(home, { recursive: true, force: true });
});

const fromFile = (value: string, line: number): Planned<string> => ({ value, source: { kind: 'file', origin: { file: '/home/u/.aws/config', line } } });

function step(form: 'session' | 'legacy', extra: Partial<SsoStep> = {}): SsoStep {
  const base: SsoStep = {
    kind: 'sso',
    profile: 'sso-dev',
    accountId: fromFile(ACCOUNT, 3),
    roleName: fromFile(ROLE, 4),
    startUrl: fromFile(START_URL, 8),
    ssoRegion: fromFile('eu-west-1', 9),
  };
  if (form === 'session') base.sessionName = 'my-sso';
  return { ...base, ...extra };
}

function context(env: Record<string, string> = {}, now = () => new Date()): SourceContext {
  return {
    env: { HOME: home, AWS_ENDPOINT_URL_SSO: standIn.endpoint, AWS_ENDPOINT_URL_SSO_OIDC: standIn.endpoint, ...env },
    now,
    sts: () => {
      throw new Error('SSO needs no STS');
    },
    debug: (message) => debugLines.push(message),
    stderr: new PassThrough(),
  };
}

const minutes = (n: number) => new Date(Date.now() + n * 60_000);
const dir = () => ssoCacheDirectory({ HOME: home });
const sessionName = { startUrl: START_URL, sessionName: 'my-sso' };
const legacyName = { startUrl: START_URL };

/** A token the stand-in knows, from a client it knows, with a refresh token it accepts. */
function seededSessionToken(expiresInMinutes: number, overrides: Partial<SsoToken> = {}): SsoToken {
  const suffix = Math.random().toString(36).slice(2);
  const token: SsoToken = {
    startUrl: START_URL,
    region: 'eu-west-1',
    accessToken: `seeded-${suffix}`,
    expiresAt: minutes(expiresInMinutes),
    clientId: `client-${suffix}`,
    clientSecret: `secret-${suffix}`,
    registrationExpiresAt: minutes(60 * 24 * 30),
    refreshToken: `refresh-${suffix}`,
    ...overrides,
  };
  standIn.addAccessToken(token.accessToken, token.expiresAt);
  standIn.addClient({ clientId: token.clientId!, clientSecret: token.clientSecret!, scopes: ['sso:account:access'] });
  if (token.refreshToken) standIn.addRefreshToken(token.refreshToken, token.clientId!);
  return token;
}

/** A loopback port nothing listens on (fetch refuses "bad" ports such as 9 before connecting). */
async function closedPortEndpoint(): Promise<string> {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

async function failure(promise: Promise<unknown>): Promise<AwsroleError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(AwsroleError);
  return error as AwsroleError;
}

describe(ssoCredentials.name, () => {
  it('exchanges a valid cached token for the role credentials, with the bearer token header', async () => {
    const token = seededSessionToken(120);
    writeToken(dir(), sessionName, token);
    const result = await ssoCredentials(step('session'), context());
    expect(result).toEqual({
      credentials: { accessKeyId: KEYS.accessKeyId, secretAccessKey: KEYS.secretAccessKey, sessionToken: KEYS.sessionToken, expiration: new Date(KEYS.expiration) },
      identity: `sso:${ACCOUNT}:${ROLE}:${START_URL}`,
      caller: `SSO role ${ROLE} in ${ACCOUNT}`,
    });
    expect(standIn.operations()).toEqual(['GetRoleCredentials']);
    const [request] = standIn.requests;
    expect(request!.headers['x-amz-sso_bearer_token']).toBe(token.accessToken);
    expect(request!.query).toEqual({ account_id: ACCOUNT, role_name: ROLE });
    expect(debugLines.join('\n')).not.toContain(token.accessToken);
  });

  it('uses the legacy token, named by the start URL', async () => {
    writeToken(dir(), legacyName, seededSessionToken(30, { clientId: undefined, clientSecret: undefined, refreshToken: undefined, registrationExpiresAt: undefined }));
    await expect(ssoCredentials(step('legacy'), context())).resolves.toMatchObject({ credentials: { accessKeyId: KEYS.accessKeyId } });
  });

  it('an expired legacy token: exit 4, no call, and the hint names awsrole login', async () => {
    const token = seededSessionToken(-5, { refreshToken: undefined });
    writeToken(dir(), legacyName, token);
    const error = await failure(ssoCredentials(step('legacy'), context()));
    expect(error.exitCode).toBe(ExitCode.awsRefused);
    expect(error.message).toMatch(/IAM Identity Center login for https:\/\/my-sso-portal\.awsapps\.com\/start expired at /);
    expect(error.hint).toContain('awsrole login sso-dev');
    expect(standIn.requests).toEqual([]);
  });

  it('a legacy token is never refreshed, even with a refresh token (as botocore)', async () => {
    writeToken(dir(), legacyName, seededSessionToken(5));
    await ssoCredentials(step('legacy'), context());
    expect(standIn.operations()).toEqual(['GetRoleCredentials']);
  });

  it('no token: exit 4 with the login hint', async () => {
    const error = await failure(ssoCredentials(step('session'), context()));
    expect(error.exitCode).toBe(ExitCode.awsRefused);
    expect(error.message).toContain('not logged in to IAM Identity Center for sso-session "my-sso"');
    expect(error.hint).toBe('run: awsrole login sso-dev   (or: aws sso login --profile sso-dev)');
  });

  it('a corrupt token file: exit 4, naming the file', async () => {
    const path = writeToken(dir(), sessionName, seededSessionToken(60));
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path, '{"accessToken": ');
    const error = await failure(ssoCredentials(step('session'), context()));
    expect(error.exitCode).toBe(ExitCode.awsRefused);
    expect(error.message).toContain(`unusable: it is not JSON (${path})`);
  });

  it('refreshes an sso-session token within 15 minutes of expiry, saves it, and uses the new one', async () => {
    const token = seededSessionToken(10);
    const path = writeToken(dir(), sessionName, token);
    await ssoCredentials(step('session'), context());
    expect(standIn.operations()).toEqual(['CreateToken', 'GetRoleCredentials']);
    expect(standIn.requests[0]!.body).toEqual({ grantType: 'refresh_token', clientId: token.clientId, clientSecret: token.clientSecret, refreshToken: token.refreshToken });
    const fresh = standIn.issuedAccessTokens.at(-1)!;
    expect(standIn.requests[1]!.headers['x-amz-sso_bearer_token']).toBe(fresh);
    const saved = readToken(dir(), sessionName);
    expect(saved).toMatchObject({
      status: 'found',
      token: { accessToken: fresh, refreshToken: standIn.issuedRefreshTokens.at(-1), clientId: token.clientId, startUrl: START_URL, region: 'eu-west-1' },
    });
    expect(saved.status === 'found' && saved.token.expiresAt.getTime()).toBeGreaterThan(minutes(7 * 60).getTime());
    expect(readFileSync(path, 'utf8')).not.toContain(token.accessToken);
  });

  it('an expired sso-session token is refreshed too', async () => {
    writeToken(dir(), sessionName, seededSessionToken(-60));
    await expect(ssoCredentials(step('session'), context())).resolves.toMatchObject({ credentials: { accessKeyId: KEYS.accessKeyId } });
    expect(standIn.operations()).toEqual(['CreateToken', 'GetRoleCredentials']);
  });

  it('an expired registration: no refresh, exit 4', async () => {
    writeToken(dir(), sessionName, seededSessionToken(-1, { registrationExpiresAt: minutes(-1) }));
    const error = await failure(ssoCredentials(step('session'), context()));
    expect(error.exitCode).toBe(ExitCode.awsRefused);
    expect(error.hint).toContain('awsrole login sso-dev');
    expect(standIn.requests).toEqual([]);
    expect(debugLines.join('\n')).toContain('client registration expired');
  });

  it('a refused refresh of an expired token: exit 4 with the login hint', async () => {
    writeToken(dir(), sessionName, { ...seededSessionToken(-1), refreshToken: 'revoked-refresh-token' });
    const error = await failure(ssoCredentials(step('session'), context()));
    expect(error.exitCode).toBe(ExitCode.awsRefused);
    expect(error.hint).toContain('awsrole login sso-dev');
    expect(standIn.operations()).toEqual(['CreateToken']);
  });

  it('a refused refresh of a token still valid for minutes: the current token is used', async () => {
    const token = { ...seededSessionToken(10), refreshToken: 'revoked-refresh-token' };
    writeToken(dir(), sessionName, token);
    await ssoCredentials(step('session'), context());
    expect(standIn.operations()).toEqual(['CreateToken', 'GetRoleCredentials']);
    expect(standIn.requests[1]!.headers['x-amz-sso_bearer_token']).toBe(token.accessToken);
  });

  it('OIDC out of reach: a still-valid token is used; an expired one exits 5', async () => {
    const closed = await closedPortEndpoint();
    writeToken(dir(), sessionName, seededSessionToken(10));
    await ssoCredentials(step('session'), context({ AWS_ENDPOINT_URL_SSO_OIDC: closed }));
    expect(standIn.operations()).toEqual(['GetRoleCredentials']);
    writeToken(dir(), sessionName, seededSessionToken(-1));
    const error = await failure(ssoCredentials(step('session'), context({ AWS_ENDPOINT_URL_SSO_OIDC: closed })));
    expect(error.exitCode).toBe(ExitCode.awsUnreachable);
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('a token the portal refuses (UnauthorizedException): exit 4 with the login hint', async () => {
    writeToken(dir(), sessionName, { accessToken: 'signed-out-token', expiresAt: minutes(60) });
    const error = await failure(ssoCredentials(step('session'), context()));
    expect(error.exitCode).toBe(ExitCode.awsRefused);
    expect(error.message).toContain('UnauthorizedException');
    expect(error.hint).toContain('awsrole login sso-dev');
  });

  it('a role the user is not assigned (ForbiddenException): exit 4 naming the account and role', async () => {
    writeToken(dir(), sessionName, seededSessionToken(60));
    const error = await failure(ssoCredentials(step('session', { roleName: fromFile('Admin', 4) }), context()));
    expect(error.exitCode).toBe(ExitCode.awsRefused);
    expect(error.message).toBe(`IAM Identity Center refused role Admin in account ${ACCOUNT}: GetRoleCredentials: ForbiddenException: No access (HTTP 403) (profile "sso-dev", ${standIn.endpoint})`);
    expect(error.hint).toContain('sso_account_id (/home/u/.aws/config:3) and sso_role_name (/home/u/.aws/config:4)');
  });

  it('the portal out of reach: exit 5; failing with 5xx: exit 5', async () => {
    writeToken(dir(), sessionName, seededSessionToken(60));
    const unreachable = await failure(ssoCredentials(step('session'), context({ AWS_ENDPOINT_URL_SSO: await closedPortEndpoint() })));
    expect(unreachable.exitCode).toBe(ExitCode.awsUnreachable);
    expect(unreachable.message).toContain(`cannot reach IAM Identity Center for role ${ROLE} in account ${ACCOUNT}: GetRoleCredentials: ECONNREFUSED`);
    standIn.behaviour.override = (request) => (request.operation === 'GetRoleCredentials' ? { status: 503, body: '{"message":"busy"}' } : undefined);
    try {
      const failing = await failure(ssoCredentials(step('session'), context()));
      expect(failing.exitCode).toBe(ExitCode.awsUnreachable);
    } finally {
      delete standIn.behaviour.override;
    }
  });

  it('a refresh waits for the one another process holds, then uses the token it wrote: no second CreateToken', async () => {
    const stale = seededSessionToken(5);
    writeToken(dir(), sessionName, stale);
    const fresh = seededSessionToken(8 * 60);
    let release!: () => void;
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    // The "other process": holds the refresh lock, writes its refreshed token, then lets go.
    const other = withTokenLock({ HOME: home }, sessionName, 'refresh', async () => {
      entered();
      await new Promise<void>((resolve) => (release = resolve));
      writeToken(dir(), sessionName, fresh);
    }, { debug: () => {} });
    await inside;
    const ours = ssoCredentials(step('session'), context());
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(standIn.requests).toEqual([]); // waiting, not refreshing
    release();
    await other;
    await ours;
    expect(standIn.operations()).toEqual(['GetRoleCredentials']);
    expect(standIn.requests[0]!.headers['x-amz-sso_bearer_token']).toBe(fresh.accessToken);
    expect(debugLines.join('\n')).toContain('another process refreshed the token meanwhile');
  });

  it('botocore refreshes the same token against the stand-in, and awsrole reads what it wrote', async () => {
    const token = seededSessionToken(5);
    writeToken(dir(), sessionName, token);
    const config = join(home, 'config');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(config, `[profile sso-dev]\nsso_session = my-sso\nsso_account_id = ${ACCOUNT}\nsso_role_name = ${ROLE}\n\n[sso-session my-sso]\nsso_start_url = ${START_URL}\nsso_region = eu-west-1\n`);
    const result = await runPython(`
import botocore.session
from botocore.tokens import SSOTokenProvider
session = botocore.session.Session(profile='sso-dev')
frozen = SSOTokenProvider(session).load_token().get_frozen_token()
print(frozen.token)
`, { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, AWS_CONFIG_FILE: config, AWS_ENDPOINT_URL_SSO_OIDC: standIn.endpoint });
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe(standIn.issuedAccessTokens.at(-1));
    expect(standIn.requests[0]!.body).toMatchObject({ grantType: 'refresh_token', refreshToken: token.refreshToken });
    expect(readToken(dir(), sessionName)).toMatchObject({ status: 'found', token: { accessToken: result.stdout.trim(), refreshToken: standIn.issuedRefreshTokens.at(-1) } });
  });
});

describe('SSO endpoints', () => {
  it.each([
    [{}, 'https://portal.sso.eu-west-1.amazonaws.com', 'https://oidc.eu-west-1.amazonaws.com'],
    [{ AWS_ENDPOINT_URL: 'http://all/' }, 'http://all', 'http://all'],
    [{ AWS_ENDPOINT_URL: 'http://all', AWS_ENDPOINT_URL_SSO: 'http://portal', AWS_ENDPOINT_URL_SSO_OIDC: 'http://oidc' }, 'http://portal', 'http://oidc'],
    [{ AWS_ENDPOINT_URL_SSO: 'http://portal', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' }, 'https://portal.sso.eu-west-1.amazonaws.com', 'https://oidc.eu-west-1.amazonaws.com'],
  ])('%j', (env, portal, oidc) => {
    expect(portalEndpoint(env, 'eu-west-1').url).toBe(portal);
    expect(oidcEndpoint(env, 'eu-west-1').url).toBe(oidc);
  });

  it('China regions are under amazonaws.com.cn', () => {
    expect(portalEndpoint({}, 'cn-north-1').url).toBe('https://portal.sso.cn-north-1.amazonaws.com.cn');
  });
});

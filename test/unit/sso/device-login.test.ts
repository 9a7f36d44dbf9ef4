// The device authorization flow against the loopback stand-in, with the clock and sleep under the
// test's control: the person approves (or denies) between polls.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runPython } from '../../support/cli.js';
import { startSsoStandIn, type RecordedSsoRequest, type SsoStandIn } from '../../support/sso-standin.js';
import { AwsroleError, ExitCode } from '../../../src/errors/errors.js';
import { createOidcClient, getRoleCredentials, type DeviceAuthorization } from '../../../src/sso/api.js';
import { browserCommand } from '../../../src/sso/browser.js';
import { deviceLogin, type DeviceLoginEffects } from '../../../src/sso/device-login.js';
import type { SsoSettings } from '../../../src/sso/settings.js';
import { readRegistration, readToken, registrationFilePath, ssoCacheDirectory, writeRegistration } from '../../../src/sso/token-cache.js';

const START_URL = 'https://my-sso-portal.awsapps.com/start';
const SESSION: SsoSettings = { profile: 'sso-dev', startUrl: START_URL, region: 'eu-west-1', sessionName: 'my-sso' };
const LEGACY: SsoSettings = { profile: 'sso-legacy', startUrl: START_URL, region: 'eu-west-1' };

let standIn: SsoStandIn;
let home: string;

beforeAll(async () => {
  standIn = await startSsoStandIn();
});
afterAll(async () => {
  await standIn?.close();
});
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'awsrole-sso-login-'));
  standIn.requests.length = 0;
  Object.assign(standIn.behaviour, { interval: 1, deviceExpiresIn: 600, slowDownPolls: 0 });
  delete standIn.behaviour.override;
  return () => rmSync(home, { recursive: true, force: true });
});

interface Run {
  effects: DeviceLoginEffects;
  sleeps: number[];
  shown: DeviceAuthorization[];
}

/** Effects with a fake clock that sleep advances; `person` acts after each sleep (the n-th, from 1). */
function effects(person: (n: number, shown: DeviceAuthorization) => void = (n, shown) => n === 1 && standIn.approve(shown.userCode)): Run {
  let clock = Date.now();
  const sleeps: number[] = [];
  const shown: DeviceAuthorization[] = [];
  return {
    sleeps,
    shown,
    effects: {
      env: { HOME: home },
      now: () => new Date(clock),
      sleep: async (ms) => {
        sleeps.push(ms);
        clock += ms;
        person(sleeps.length, shown[0]!);
      },
      oidc: createOidcClient(standIn.endpoint, 5_000),
      show: (authorization) => shown.push(authorization),
      debug: () => {},
    },
  };
}

async function failure(promise: Promise<unknown>): Promise<AwsroleError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(AwsroleError);
  return error as AwsroleError;
}

describe(deviceLogin.name, () => {
  it('registers, starts, shows the URL and code once, polls until approved, and writes the token with its refresh token', async () => {
    const run = effects();
    const result = await deviceLogin(SESSION, run.effects);
    expect(standIn.operations()).toEqual(['RegisterClient', 'StartDeviceAuthorization', 'CreateToken', 'CreateToken']);
    expect(standIn.requests[0]!.body).toEqual({ clientName: 'awsrole-my-sso', clientType: 'public', scopes: ['sso:account:access'] });
    expect(standIn.requests[2]!.body).toMatchObject({ grantType: 'urn:ietf:params:oauth:grant-type:device_code', deviceCode: run.shown[0]!.deviceCode });
    expect(run.shown).toHaveLength(1);
    expect(run.shown[0]!.verificationUriComplete).toBe(`${standIn.endpoint}/device?user_code=${run.shown[0]!.userCode}`);
    expect(run.sleeps).toEqual([1000]);
    const saved = readToken(ssoCacheDirectory({ HOME: home }), { startUrl: START_URL, sessionName: 'my-sso' });
    expect(saved).toMatchObject({
      status: 'found',
      path: result.path,
      token: {
        startUrl: START_URL,
        region: 'eu-west-1',
        accessToken: standIn.issuedAccessTokens.at(-1),
        refreshToken: standIn.issuedRefreshTokens.at(-1),
        clientId: standIn.requests[1]!.body!.clientId,
      },
    });
  });

  it('the legacy form: no scopes, no refresh token, the token named by the start URL', async () => {
    await deviceLogin(LEGACY, effects().effects);
    expect(standIn.requests[0]!.body).toEqual({ clientName: 'awsrole', clientType: 'public' });
    const saved = readToken(ssoCacheDirectory({ HOME: home }), { startUrl: START_URL });
    expect(saved.status === 'found' && saved.token.refreshToken).toBeUndefined();
    expect(saved.status === 'found' && saved.token.clientId).toBeTruthy();
  });

  it('configured sso_registration_scopes are what it registers with', async () => {
    await deviceLogin({ ...SESSION, scopes: ['sso:account:access', 'codewhisperer:completions'] }, effects().effects);
    expect(standIn.requests[0]!.body).toMatchObject({ scopes: ['sso:account:access', 'codewhisperer:completions'] });
  });

  it('reuses the cached registration (the AWS CLI file) on the next login', async () => {
    await deviceLogin(SESSION, effects().effects);
    standIn.requests.length = 0;
    await deviceLogin(SESSION, effects().effects);
    expect(standIn.operations()).toEqual(['StartDeviceAuthorization', 'CreateToken', 'CreateToken']);
  });

  it('registers anew when the cached registration is within 15 minutes of expiry, or unknown to the service', async () => {
    const dir = ssoCacheDirectory({ HOME: home });
    const name = { startUrl: START_URL, region: 'eu-west-1', scopes: ['sso:account:access'], sessionName: 'my-sso' };
    writeRegistration(dir, name, { clientId: 'old', clientSecret: 'old', expiresAt: new Date(Date.now() + 10 * 60_000), scopes: ['sso:account:access'] });
    await deviceLogin(SESSION, effects().effects);
    expect(standIn.operations()[0]).toBe('RegisterClient');
    expect(readRegistration(dir, name)?.clientId).not.toBe('old');

    standIn.requests.length = 0;
    writeRegistration(dir, name, { clientId: 'forgotten', clientSecret: 'x', expiresAt: new Date(Date.now() + 86400_000), scopes: ['sso:account:access'] });
    await deviceLogin(SESSION, effects().effects);
    expect(standIn.operations()).toEqual(['StartDeviceAuthorization', 'RegisterClient', 'StartDeviceAuthorization', 'CreateToken', 'CreateToken']);
  });

  it('slow_down adds 5 seconds to the interval, every time', async () => {
    standIn.behaviour.slowDownPolls = 2;
    const run = effects((n, shown) => n === 3 && standIn.approve(shown.userCode));
    await deviceLogin(SESSION, run.effects);
    expect(run.sleeps).toEqual([6000, 11000, 11000]);
  });

  it('a denied request: exit 4, no token', async () => {
    const run = effects((n, shown) => n === 1 && standIn.deny(shown.userCode));
    const error = await failure(deviceLogin(SESSION, run.effects));
    expect(error.exitCode).toBe(ExitCode.awsRefused);
    expect(error.message).toContain('sign-in request for sso-session "my-sso" was denied');
    expect(readToken(ssoCacheDirectory({ HOME: home }), { startUrl: START_URL, sessionName: 'my-sso' }).status).toBe('missing');
  });

  it('expired_token from the service: exit 4 saying to start again', async () => {
    standIn.behaviour.override = (request) =>
      request.operation === 'CreateToken'
        ? { status: 400, body: '{"error":"expired_token","error_description":"gone"}', headers: { 'x-amzn-errortype': 'ExpiredTokenException:http://internal.amazon.com/' } }
        : undefined;
    const error = await failure(deviceLogin(SESSION, effects(() => {}).effects));
    expect(error.exitCode).toBe(ExitCode.awsRefused);
    expect(error.message).toContain('expired before it was approved');
    expect(error.hint).toBe('start again: awsrole login sso-dev');
  });

  it('gives up by itself once the request has expired (never approved)', async () => {
    standIn.behaviour.deviceExpiresIn = 4;
    const run = effects(() => {});
    const error = await failure(deviceLogin(SESSION, run.effects));
    expect(error.exitCode).toBe(ExitCode.awsRefused);
    expect(run.sleeps).toEqual([1000, 1000, 1000, 1000]);
  });

  it('an OAuth-only error body is understood too (authorization_pending without x-amzn-errortype)', async () => {
    let first = true;
    standIn.behaviour.override = (request) => {
      if (request.operation !== 'CreateToken' || !first) return undefined;
      first = false;
      return { status: 400, body: '{"error":"authorization_pending"}' };
    };
    const run = effects((n, shown) => n === 1 && standIn.approve(shown.userCode));
    await deviceLogin(SESSION, run.effects);
  });

  it('the service out of reach: exit 5', async () => {
    const run = effects();
    run.effects.oidc = createOidcClient('http://127.0.0.1:1', 2_000);
    const error = await failure(deviceLogin(SESSION, run.effects));
    expect(error.exitCode).toBe(ExitCode.awsUnreachable);
  });

  it('a registration file that cannot be written is no failure', async () => {
    const dir = ssoCacheDirectory({ HOME: home });
    const { mkdirSync } = await import('node:fs');
    mkdirSync(registrationFilePath(dir, { startUrl: START_URL, region: 'eu-west-1', scopes: ['sso:account:access'], sessionName: 'my-sso' }), { recursive: true });
    await expect(deviceLogin(SESSION, effects().effects)).resolves.toBeDefined();
  });
});

describe('the stand-in', () => {
  it('speaks SSO OIDC and the portal as botocore expects (the wire protocol the tests rely on)', async () => {
    standIn.grantRole('111122223333', 'Developer', { accessKeyId: 'ASIABOTOCORE00000001', secretAccessKey: 's', sessionToken: 't', expiration: 1_900_000_000_000 });
    const result = await runPython(`
import json, urllib.request, boto3
from botocore import UNSIGNED
from botocore.config import Config
cfg = Config(signature_version=UNSIGNED, region_name='eu-west-1')
oidc = boto3.client('sso-oidc', config=cfg)
sso = boto3.client('sso', config=cfg)
reg = oidc.register_client(clientName='botocore-client-test', clientType='public', scopes=['sso:account:access'])
auth = oidc.start_device_authorization(clientId=reg['clientId'], clientSecret=reg['clientSecret'], startUrl='${START_URL}')
kw = dict(grantType='urn:ietf:params:oauth:grant-type:device_code', clientId=reg['clientId'], clientSecret=reg['clientSecret'], deviceCode=auth['deviceCode'])
try:
    oidc.create_token(**kw)
    pending = None
except oidc.exceptions.AuthorizationPendingException as e:
    pending = e.response['Error']['Code']
urllib.request.urlopen(auth['verificationUriComplete']).read()
token = oidc.create_token(**kw)
creds = sso.get_role_credentials(accessToken=token['accessToken'], accountId='111122223333', roleName='Developer')['roleCredentials']
try:
    sso.get_role_credentials(accessToken='nope', accountId='111122223333', roleName='Developer')
    refused = None
except sso.exceptions.UnauthorizedException as e:
    refused = e.response['Error']['Code']
print(json.dumps({'pending': pending, 'interval': auth['interval'], 'hasRefresh': 'refreshToken' in token, 'key': creds['accessKeyId'], 'expiration': creds['expiration'], 'refused': refused}))
`, { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, AWS_ENDPOINT_URL_SSO: standIn.endpoint, AWS_ENDPOINT_URL_SSO_OIDC: standIn.endpoint, AWS_EC2_METADATA_DISABLED: 'true' });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({
      pending: 'AuthorizationPendingException',
      interval: 1,
      hasRefresh: true,
      key: 'ASIABOTOCORE00000001',
      expiration: 1_900_000_000_000,
      refused: 'UnauthorizedException',
    });

    // awsrole's requests have the same shape as botocore's: method, path, query and body keys, content type.
    const shape = (r: RecordedSsoRequest) =>
      `${r.operation} ${r.method} ${r.path} query=${Object.keys(r.query).sort().join(',')} body=${Object.keys(r.body ?? {}).sort().join(',')} ` +
      `type=${String(r.headers['content-type'] ?? '').split(';')[0]} bearer=${r.headers['x-amz-sso_bearer_token'] !== undefined}`;
    const botocore = standIn.requests.filter((r) => r.operation !== 'Approve').map(shape);
    standIn.requests.length = 0;
    await deviceLogin(SESSION, effects().effects);
    await getRoleCredentials({ endpoint: standIn.endpoint, accessToken: standIn.issuedAccessTokens.at(-1)!, accountId: '111122223333', roleName: 'Developer', timeoutMs: 5_000 });
    const ours = standIn.requests.map(shape);
    expect(new Set(ours)).toEqual(new Set(botocore));
  });
});

describe(browserCommand.name, () => {
  const url = 'https://device.sso.eu-west-1.amazonaws.com/?user_code=ABCD-EFGH';
  it.each([
    [{}, 'linux', ['xdg-open', url]],
    [{}, 'darwin', ['open', url]],
    [{}, 'win32', ['rundll32', 'url.dll,FileProtocolHandler', url]],
    [{ BROWSER: 'firefox' }, 'linux', ['firefox', url]],
    [{ BROWSER: 'firefox --new-tab %s' }, 'linux', ['firefox', '--new-tab', url]],
    [{ BROWSER: ':w3m:lynx' }, 'linux', ['w3m', url]],
  ] as const)('%j on %s', (env, platform, expected) => {
    expect(browserCommand(url, env, platform)).toEqual(expected);
  });
});

// Every other network client awsrole has, behind the fault server (issue 10 §1–2): the EC2
// instance metadata service, the container credentials endpoint, the SSO portal
// (GetRoleCredentials), SSO OIDC (CreateToken, refreshing a login) and the console's federation
// endpoint. Each stand-in (test/support) answers well; the fault server in front of it stalls,
// drips, resets, answers HTML, nothing, a redirect, a 5xx or expired credentials. Whatever it
// does: an exit code that says what happened (5 for no usable answer, 4 for expired
// credentials), one line naming the endpoint, nothing on stdout, and a bounded wait.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runAwsrole, type RunResult } from '../support/cli.js';
import { startFaultServer, type Fault, type FaultServer } from '../support/fault-server.js';
import { startFederationStandIn, type FederationStandIn } from '../support/federation-standin.js';
import { startContainerStandIn, startImdsStandIn, type ContainerStandIn, type ImdsStandIn } from '../support/metadata-standins.js';
import { startMoto, type AssumedCredentials, type MotoServer } from '../support/moto.js';
import { createSandbox, type Sandbox } from '../support/sandbox.js';
import { startSsoStandIn, type SsoStandIn } from '../support/sso-standin.js';
import { tokenCacheKey } from '../../src/sso/token-cache.js';

const SSO_ACCOUNT = '111122223333';
const START_URL = 'https://my-sso-portal.awsapps.com/start';
// Start-up of node (and of the SDK where it loads) on a loaded two-core machine, beyond the waits
// awsrole is allowed; generous on purpose: without the deadlines these runs never end at all.
const MARGIN_MS = 15_000;
// Runs that must succeed get waits no loaded machine misses; the bound is not what they test.
const PATIENT = { AWSROLE_STS_TIMEOUT: '10', AWS_METADATA_SERVICE_TIMEOUT: '5' };

let moto: MotoServer;
let sandbox: Sandbox;
let imds: ImdsStandIn;
let container: ContainerStandIn;
let sso: SsoStandIn;
let federation: FederationStandIn;
let faults: { imds: FaultServer; container: FaultServer; sso: FaultServer; federation: FaultServer };
let base: Record<string, string>;

const served = (session: AssumedCredentials) => ({
  accessKeyId: session.accessKeyId,
  secretAccessKey: session.secretAccessKey,
  sessionToken: session.sessionToken,
  expiration: new Date(session.expiration).toISOString().replace(/\.\d{3}Z$/, 'Z'),
});

beforeAll(async () => {
  moto = await startMoto();
  const alice = await moto.createUser('alice');
  const instanceRole = await moto.createRole('instance-role', { trust: [alice.arn] });
  const taskRole = await moto.createRole('task-role', { trust: [alice.arn] });
  const ssoRole = await moto.createRole('AWSReservedSSO_Developer', { trust: [alice.arn] });
  const roleA = (await moto.createRole('A', { trust: [instanceRole.arn, taskRole.arn, ssoRole.arn, alice.arn] })).arn;
  await moto.enableAuth();
  const instanceSession = await moto.assumeRole(alice, { roleArn: instanceRole.arn, sessionName: 'i-0123' });
  const taskSession = await moto.assumeRole(alice, { roleArn: taskRole.arn, sessionName: 'task-0123' });
  const ssoSession = await moto.assumeRole(alice, { roleArn: ssoRole.arn, sessionName: 'alice@example.com' });

  imds = await startImdsStandIn({ credentials: served(instanceSession), roleName: 'instance-role' });
  container = await startContainerStandIn({ credentials: served(taskSession) });
  sso = await startSsoStandIn();
  sso.grantRole(SSO_ACCOUNT, 'Developer', { ...served(ssoSession), expiration: Date.now() + 3600_000 });
  federation = await startFederationStandIn();
  faults = {
    imds: await startFaultServer({ upstream: imds.endpoint }),
    container: await startFaultServer({ upstream: container.endpoint }),
    sso: await startFaultServer({ upstream: sso.endpoint }),
    federation: await startFaultServer({ upstream: federation.endpoint }),
  };

  sandbox = createSandbox({ moto });
  sandbox.writeCredentials(`[alice]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\n`);
  sandbox.writeConfig(`[profile on-ec2]
role_arn = ${roleA}
credential_source = Ec2InstanceMetadata

[profile in-container]
role_arn = ${roleA}
credential_source = EcsContainer

[profile sso-dev]
sso_session = my-sso
sso_account_id = ${SSO_ACCOUNT}
sso_role_name = Developer

[sso-session my-sso]
sso_start_url = ${START_URL}
sso_region = eu-west-1

[profile a]
role_arn = ${roleA}
source_profile = alice
`);
  base = sandbox.env({
    AWSROLE_STS_TIMEOUT: '1',
    AWS_EC2_METADATA_DISABLED: 'false',
    AWS_EC2_METADATA_SERVICE_ENDPOINT: faults.imds.endpoint,
    AWS_METADATA_SERVICE_TIMEOUT: '1',
    AWS_CONTAINER_CREDENTIALS_FULL_URI: `${faults.container.endpoint}${new URL(container.uri).pathname}`,
    AWS_ENDPOINT_URL_SSO: faults.sso.endpoint,
    AWS_ENDPOINT_URL_SSO_OIDC: sso.endpoint,
    AWSROLE_FEDERATION_ENDPOINT: faults.federation.endpoint,
  });
});

afterAll(async () => {
  for (const server of Object.values(faults ?? {})) await server.close();
  await imds?.close();
  await container?.close();
  await sso?.close();
  await federation?.close();
  await moto?.stop();
  sandbox?.cleanup();
});

beforeEach(() => {
  for (const server of Object.values(faults)) {
    server.fault = 'pass';
    server.next.length = 0;
    server.requests.length = 0;
  }
  rmSync(join(sandbox.home, '.cache'), { recursive: true, force: true });
  rmSync(join(sandbox.home, '.aws', 'cli'), { recursive: true, force: true });
  rmSync(join(sandbox.home, '.aws', 'sso'), { recursive: true, force: true });
  // A signed-in IAM Identity Center user, as `aws sso login` leaves it.
  sso.addAccessToken('signed-in-token');
  writeSsoToken({ accessToken: 'signed-in-token', expiresAt: iso(Date.now() + 3600_000) });
});

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function writeSsoToken(fields: Record<string, string>): void {
  sandbox.writeFile(
    `.aws/sso/cache/${tokenCacheKey({ startUrl: '', sessionName: 'my-sso' })}.json`,
    JSON.stringify({ startUrl: START_URL, region: 'eu-west-1', ...fields }),
    0o600,
  );
}

async function run(args: string[], extra: Record<string, string> = {}): Promise<{ result: RunResult; ms: number }> {
  const started = Date.now();
  const result = await runAwsrole(args, { env: { ...base, ...extra }, timeoutMs: 50_000 });
  return { result, ms: Date.now() - started };
}

/** exit code, one line (plus at most a hint) naming the endpoint, nothing on stdout, bounded. */
function expectFailure(outcome: { result: RunResult; ms: number }, code: number, endpoint: string, parts: string[], boundMs: number): void {
  const { result, ms } = outcome;
  expect(result.code, result.stderr).toBe(code);
  expect(result.stdout).toBe('');
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines.length, result.stderr).toBeLessThanOrEqual(2);
  expect(lines[0]).toMatch(/^awsrole: /);
  expect(lines[0]).toContain(endpoint);
  for (const part of parts) expect(lines[0]).toContain(part);
  expect(ms).toBeLessThan(boundMs + MARGIN_MS);
}

const exportArgs = (profile: string) => ['export', profile, '--format', 'env'];

describe('the EC2 instance metadata service', () => {
  const at = () => `the EC2 instance metadata service at ${faults.imds.endpoint}`;

  it('passed through: the instance role assumes role A', async () => {
    const { result } = await run(exportArgs('on-ec2'), PATIENT);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('AWS_SESSION_TOKEN=');
  });

  // Three requests at most (token, role, credentials), each bounded by AWS_METADATA_SERVICE_TIMEOUT=1.
  it.each<[Fault, number, string[]]>([
    ['stall', 5, ['no answer within 1 s']],
    ['drip', 5, ['no answer within 1 s']],
    ['reset', 5, ['the connection was reset']],
    ['truncated', 5, ['the connection closed before the answer was complete']],
    ['html', 5, ['did not answer like IMDS: HTTP 200 with an HTML page']],
    ['garbage', 5, ['did not answer like IMDS: HTTP 200 with']],
    ['empty', 5, ['did not answer like IMDS: HTTP 200 with an empty body']],
    ['redirect', 5, ['did not answer like IMDS: HTTP 302, a redirect']],
    ['server-error', 5, ['is failing: HTTP 503']],
    ['expired', 4, ['returned credentials that expired at']],
  ])('%s: exit %i, naming the endpoint', async (kind, code, parts) => {
    faults.imds.fault = kind;
    const outcome = await run(exportArgs('on-ec2'), kind === 'expired' ? PATIENT : {});
    expectFailure(outcome, code, code === 4 ? 'the EC2 instance metadata service' : at(), parts, 3 * 1000);
  });
});

describe('the container credentials endpoint', () => {
  const at = () => `the container credentials endpoint ${faults.container.endpoint}`;
  // botocore's fixed timing: 3 attempts of 2 s, 1 s apart.
  const BOUND = 3 * 2000 + 2 * 1000;

  it('passed through: the task role assumes role A', async () => {
    const { result } = await run(exportArgs('in-container'), PATIENT);
    expect(result.code, result.stderr).toBe(0);
  });

  it.each<[Fault, number, string[]]>([
    ['stall', 5, ['no answer within 2 s, 3 attempts']],
    ['drip', 5, ['no answer within 2 s, 3 attempts']],
    ['reset', 5, ['the connection was reset, 3 attempts']],
    ['html', 5, ['did not answer like one: HTTP 200 with an HTML page (3 attempts)']],
    ['empty', 5, ['did not answer like one: HTTP 200 with an empty body (3 attempts)']],
    ['redirect', 5, ['did not answer like one: HTTP 302, a redirect (3 attempts)']],
    ['server-error', 5, ['is failing: HTTP 503 (3 attempts)']],
    ['expired', 4, ['the container credentials endpoint returned credentials that expired at']],
  ])('%s: exit %i, naming the endpoint', async (kind, code, parts) => {
    faults.container.fault = kind;
    expectFailure(await run(exportArgs('in-container'), kind === 'expired' ? PATIENT : {}), code, code === 4 ? 'container' : at(), parts, BOUND);
  });

  it('one bad answer, then a good one: the retry succeeds', async () => {
    faults.container.next.push('html');
    const { result } = await run(exportArgs('in-container'), PATIENT);
    expect(result.code, result.stderr).toBe(0);
    expect(faults.container.requests.map((request) => request.fault)).toEqual(['html', 'pass']);
  });
});

describe('the SSO portal (GetRoleCredentials)', () => {
  const BOUND = 2 * 1000; // 2 attempts of AWSROLE_STS_TIMEOUT=1

  it('passed through: the role credentials', async () => {
    const { result } = await run(exportArgs('sso-dev'), PATIENT);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('AWS_SESSION_TOKEN=');
  });

  it.each<[Fault, number, string[]]>([
    ['stall', 5, ['cannot reach IAM Identity Center', 'no answer within 1 s']],
    ['drip', 5, ['cannot reach IAM Identity Center', 'no answer within 1 s']],
    ['reset', 5, ['cannot reach IAM Identity Center', 'the connection was reset']],
    ['html', 5, ['did not answer like IAM Identity Center: HTTP 200 with an HTML page, 2 attempts']],
    ['empty', 5, ['did not answer like IAM Identity Center: HTTP 200 with an empty body, 2 attempts']],
    ['not-found', 5, ['did not answer like IAM Identity Center: HTTP 404 with an HTML page, 2 attempts']],
    ['redirect', 5, ['did not answer like IAM Identity Center: HTTP 302, a redirect, 2 attempts']],
    ['server-error', 5, ['IAM Identity Center failed to answer', 'HTTP 503']],
    ['expired', 4, ['IAM Identity Center (GetRoleCredentials) returned credentials that expired at']],
  ])('%s: exit %i, naming the endpoint', async (kind, code, parts) => {
    faults.sso.fault = kind;
    expectFailure(await run(exportArgs('sso-dev'), kind === 'expired' ? PATIENT : {}), code, code === 4 ? 'profile "sso-dev"' : faults.sso.endpoint, parts, BOUND);
  });
});

describe('SSO OIDC (CreateToken, refreshing an expired login)', () => {
  beforeEach(() => {
    sso.addClient({ clientId: 'cli-client', clientSecret: 'cli-secret', scopes: ['sso:account:access'] });
    sso.addRefreshToken('cli-refresh-token', 'cli-client');
    writeSsoToken({
      accessToken: 'expired-token', expiresAt: iso(Date.now() - 60_000),
      clientId: 'cli-client', clientSecret: 'cli-secret', registrationExpiresAt: iso(Date.now() + 30 * 86400_000), refreshToken: 'cli-refresh-token',
    });
  });
  const oidc = () => ({ AWS_ENDPOINT_URL_SSO: sso.endpoint, AWS_ENDPOINT_URL_SSO_OIDC: faults.sso.endpoint });

  it('passed through: the login is refreshed and used', async () => {
    const { result } = await run(exportArgs('sso-dev'), { ...oidc(), ...PATIENT });
    expect(result.code, result.stderr).toBe(0);
    expect(faults.sso.requests.map((request) => request.path)).toEqual(['/token']);
  });

  it.each<[Fault, string]>([
    ['stall', 'no answer within 1 s'],
    ['drip', 'no answer within 1 s'],
    ['reset', 'the connection was reset'],
    ['html', 'did not answer like IAM Identity Center: HTTP 200 with an HTML page'],
    ['redirect', 'did not answer like IAM Identity Center: HTTP 302, a redirect'],
  ])('%s: exit 5, naming the endpoint', async (kind, part) => {
    faults.sso.fault = kind;
    expectFailure(await run(exportArgs('sso-dev'), oidc()), 5, faults.sso.endpoint, ['to refresh the expired login', part], 1000);
  });
});

describe('the federation endpoint (console)', () => {
  // AssumeRole at moto, then one getSigninToken of at most AWSROLE_STS_TIMEOUT=1.
  const BOUND = 1000;
  const consoleArgs = ['console', 'a', '--print'];

  // The role session comes from the cache, so that only the federation endpoint is timed.
  beforeEach(async () => {
    const { result } = await run(exportArgs('a'), PATIENT);
    expect(result.code, result.stderr).toBe(0);
  });

  it('passed through: a sign-in URL', async () => {
    const { result } = await run(consoleArgs, PATIENT);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('SigninToken=');
  });

  it.each<[Fault, string]>([
    ['stall', 'cannot reach the AWS federation endpoint: no answer within 1 s'],
    ['drip', 'cannot reach the AWS federation endpoint: no answer within 1 s'],
    ['reset', 'cannot reach the AWS federation endpoint: the connection was reset'],
    ['truncated', 'cannot reach the AWS federation endpoint: the connection closed before the answer was complete'],
    ['html', 'the AWS federation endpoint did not answer like one: HTTP 200 with an HTML page'],
    ['empty', 'the AWS federation endpoint did not answer like one: HTTP 200 with an empty body'],
    ['redirect', 'the AWS federation endpoint did not answer like one: HTTP 302, a redirect'],
    ['server-error', 'the AWS federation endpoint is failing: HTTP 503'],
  ])('%s: exit 5, naming the endpoint', async (kind, part) => {
    faults.federation.fault = kind;
    expectFailure(await run(consoleArgs), 5, faults.federation.endpoint, [part], BOUND);
  });
});

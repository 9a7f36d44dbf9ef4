// `awsrole console` end to end: bin/awsrole against moto's STS (auth on) and a loopback stand-in
// for the federation endpoint. The credentials the stand-in receives are checked with
// GetCallerIdentity against moto, and no secret — keys, sign-in token, URL — may reach stderr.
import { existsSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runAwsrole, type RunResult } from '../support/cli.js';
import { startFederationStandIn, type FederationStandIn, type RecordedFederationRequest } from '../support/federation-standin.js';
import { startMoto, type MotoServer, type UserCredentials } from '../support/moto.js';
import { createSandbox, type Sandbox } from '../support/sandbox.js';
import { shellQuote, waitFor } from '../support/shell.js';
import { startPane } from '../support/tmux.js';

let moto: MotoServer;
let alice: UserCredentials;
let standIn: FederationStandIn;
let sandbox: Sandbox;
let env: Record<string, string>;
let browserScript: string;
let browserRecord: string;
const roleArn = (name: string) => `arn:aws:iam::123456789012:role/${name}`;

beforeAll(async () => {
  moto = await startMoto();
  alice = await moto.createUser('alice');
  const a = await moto.createRole('A', { trust: [alice.arn] });
  await moto.createRole('B', { trust: [a.arn] });
  await moto.enableAuth();
  standIn = await startFederationStandIn();

  sandbox = createSandbox({ moto });
  sandbox.writeCredentials(`[base]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\n`);
  sandbox.writeConfig(`[profile a]
role_arn = ${roleArn('A')}
source_profile = base
region = eu-west-1

[profile b]
role_arn = ${roleArn('B')}
source_profile = a
`);
  // A "browser" that records its arguments, one a line.
  browserRecord = join(sandbox.home, 'browser-arguments');
  browserScript = sandbox.writeFile('bin/record-browser', `#!/bin/sh\nprintf '%s\\n' "$@" > '${browserRecord}'\n`, 0o755);
  env = { ...sandbox.env(), USER: 'tester', AWSROLE_FEDERATION_ENDPOINT: standIn.endpoint };
});

afterAll(async () => {
  await standIn?.close();
  await moto?.stop();
  sandbox?.cleanup();
});

const pageDir = () => join(sandbox.home, '.cache', 'awsrole', 'console');

beforeEach(() => {
  rmSync(join(sandbox.home, '.cache'), { recursive: true, force: true }); // sessions and sign-in pages
  rmSync(join(sandbox.home, '.aws', 'cli', 'cache'), { recursive: true, force: true }); // sessions shared with the AWS CLI
  rmSync(browserRecord, { force: true });
  standIn.requests.length = 0;
  standIn.status = undefined;
  standIn.delayMs = 0;
});

/** The one getSigninToken call of a run. */
function federationCall(): RecordedFederationRequest {
  expect(standIn.requests).toHaveLength(1);
  return standIn.requests[0]!;
}

/** Nothing that signs in — keys, token, URL — on stderr. */
function expectNoSecretIn(stderr: string, request: RecordedFederationRequest | undefined, url?: string): void {
  const secrets = [alice.secretAccessKey, request?.session?.sessionKey, request?.session?.sessionToken, request?.signinToken, url].filter(
    (value): value is string => Boolean(value),
  );
  for (const secret of secrets) expect(stderr).not.toContain(secret);
  expect(stderr).not.toContain('SigninToken=');
  expect(stderr).not.toContain('Session=');
  expect(stderr).not.toContain('/federation?');
}

/** The login URL a run printed, and its parameters. */
function printedUrl(result: RunResult): { url: string; params: Record<string, string> } {
  expect(result.stdout).toMatch(/^\S+\n$/);
  const url = result.stdout.trimEnd();
  const parsed = new URL(url);
  expect(`${parsed.origin}${parsed.pathname}`).toBe(`${standIn.endpoint}/federation`);
  return { url, params: Object.fromEntries(parsed.searchParams) };
}

describe('console --print', () => {
  it('prints one sign-in URL for the role session; the federation endpoint got the ROLE credentials', async () => {
    const result = await runAwsrole(['console', 'a', '--print'], { env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const request = federationCall();
    const { url, params } = printedUrl(result);
    expect(params).toEqual({
      Action: 'login',
      Issuer: 'awsrole',
      Destination: 'https://console.aws.amazon.com/console/home?region=eu-west-1',
      SigninToken: request.signinToken,
    });

    // getSigninToken: a GET with the session, and no SessionDuration (it fails for chained roles).
    expect(request.method).toBe('GET');
    expect(Object.keys(request.query)).toEqual(['Action', 'Session']);
    expect(Object.keys(request.session!)).toEqual(['sessionId', 'sessionKey', 'sessionToken']);
    expect(request.session!.sessionId).not.toBe(alice.accessKeyId);
    const identity = await moto.callerIdentity({
      accessKeyId: request.session!.sessionId,
      secretAccessKey: request.session!.sessionKey,
      sessionToken: request.session!.sessionToken,
    });
    expect(identity.Arn).toBe('arn:aws:sts::123456789012:assumed-role/A/awsrole-tester');
    expectNoSecretIn(result.stderr, request, url);
    expect(existsSync(pageDir())).toBe(false); // --print alone writes no page
  });

  it('a chained role (no SessionDuration sent) and no region: the console home without ?region', async () => {
    const result = await runAwsrole(['console', 'b', '--print'], { env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const request = federationCall();
    expect(printedUrl(result).params.Destination).toBe('https://console.aws.amazon.com/console/home');
    const identity = await moto.callerIdentity({
      accessKeyId: request.session!.sessionId,
      secretAccessKey: request.session!.sessionKey,
      sessionToken: request.session!.sessionToken,
    });
    expect(identity.Arn).toBe('arn:aws:sts::123456789012:assumed-role/B/awsrole-tester');
  });

  it.each([
    [['--destination', 's3'], 'https://console.aws.amazon.com/s3/home?region=eu-west-1'],
    [['--destination', 'ec2', '--region', 'us-west-2'], 'https://console.aws.amazon.com/ec2/home?region=us-west-2'],
    [['--destination', 'https://console.aws.amazon.com/billing/home#/bills'], 'https://console.aws.amazon.com/billing/home#/bills'],
  ])('%j lands on %s', async (args, destination) => {
    const result = await runAwsrole(['console', 'a', '--print', ...args], { env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const { params } = printedUrl(result);
    expect(params.Destination).toBe(destination);
    expect(params.SigninToken).toBe(federationCall().signinToken);
  });

  it('--debug says what it decided, and still nothing secret', async () => {
    const result = await runAwsrole(['console', 'a', '--print', '--debug'], { env });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('console of partition aws (from role arn:aws:iam::123456789012:role/A)');
    expect(result.stderr).toContain(`getSigninToken via ${standIn.endpoint} ($AWSROLE_FEDERATION_ENDPOINT)`);
    expectNoSecretIn(result.stderr, federationCall(), printedUrl(result).url);
  });
});

describe('console: refusals', () => {
  it.each(['http://console.aws.amazon.com/', 'S3', 's3/buckets', 'javascript:alert(1)'])('--destination %j: exit 2 before any call', async (destination) => {
    const result = await runAwsrole(['console', 'a', '--print', '--destination', destination], { env });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('awsrole: --destination must be an https URL or a console service name');
    expect(standIn.requests).toEqual([]);
  });

  it('static keys: exit 3, the console needs a role session', async () => {
    const result = await runAwsrole(['console', 'base', '--print'], { env });
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'awsrole: profile "base" gives long-term access keys (no session token); the console needs a role or IAM Identity Center (SSO) session\n' +
        '  hint: use a role profile (role_arn, with source_profile = base) or an IAM Identity Center profile\n',
    );
    expect(standIn.requests).toEqual([]);
  });

  it('the endpoint answers 403: exit 4 with the status, no URL or secret in the message', async () => {
    standIn.status = 403;
    const result = await runAwsrole(['console', 'a', '--print'], { env });
    expect(result.code).toBe(4);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`awsrole: the AWS federation endpoint refused the session: HTTP 403 Forbidden (profile "a", ${standIn.endpoint})\n`);
    expectNoSecretIn(result.stderr, federationCall());
  });

  it('the endpoint is unreachable: exit 5, no URL or secret in the message (not even with --debug)', async () => {
    const port = await closedPort();
    const result = await runAwsrole(['console', 'a', '--print', '--debug'], { env: { ...env, AWSROLE_FEDERATION_ENDPOINT: `http://127.0.0.1:${port}` } });
    expect(result.code).toBe(5);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`awsrole: cannot reach the AWS federation endpoint: ECONNREFUSED (profile "a", http://127.0.0.1:${port})\n`);
    expectNoSecretIn(result.stderr, undefined);
  });

  it('AWSROLE_FEDERATION_ENDPOINT that is no URL: exit 2', async () => {
    const result = await runAwsrole(['console', 'a', '--print'], { env: { ...env, AWSROLE_FEDERATION_ENDPOINT: 'not a url' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('AWSROLE_FEDERATION_ENDPOINT must be an http(s) URL');
  });
});

describe('console in the browser', () => {
  /** What the recording "browser" got: the path of the page, from the file:// URL. */
  async function browserArgument(): Promise<string> {
    await waitFor(() => existsSync(browserRecord) && readFileSync(browserRecord, 'utf8').endsWith('\n'));
    const lines = readFileSync(browserRecord, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    return lines[0]!;
  }

  /** The page: private, in a private directory, redirecting to the login URL with the stand-in's token. */
  function expectPage(argument: string, request: RecordedFederationRequest): string {
    expect(argument).toMatch(/^file:\/\//);
    expect(argument).not.toContain(request.signinToken!);
    const path = fileURLToPath(argument);
    expect(dirname(path)).toBe(pageDir());
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(pageDir()).mode & 0o777).toBe(0o700);
    const html = readFileSync(path, 'utf8');
    const refresh = /<meta http-equiv="refresh" content="0;url=([^"]+)">/.exec(html)?.[1];
    const url = new URL(refresh!.replaceAll('&#38;', '&'));
    expect(`${url.origin}${url.pathname}`).toBe(`${standIn.endpoint}/federation`);
    expect(url.searchParams.get('SigninToken')).toBe(request.signinToken);
    expect(url.searchParams.get('Destination')).toBe('https://console.aws.amazon.com/console/home?region=eu-west-1');
    return url.href;
  }

  it.each([[['--open']], [[]]])('%j: opens a 0600 page with the URL, never the URL itself; stdout stays empty', async (flags) => {
    const result = await runAwsrole(['console', 'a', ...flags], { env: { ...env, BROWSER: browserScript } });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('awsrole: opened the AWS console for a in your browser\n');
    const request = federationCall();
    const url = expectPage(await browserArgument(), request);
    expectNoSecretIn(result.stderr, request, url);
  });

  it('--print --open: both', async () => {
    const result = await runAwsrole(['console', 'a', '--print', '--open'], { env: { ...env, BROWSER: browserScript } });
    expect(result.code).toBe(0);
    const request = federationCall();
    const { url } = printedUrl(result);
    expect(expectPage(await browserArgument(), request)).toBe(url);
    expect(result.stderr).toBe('awsrole: opened the AWS console for a in your browser\n');
  });

  it('a browser that cannot start: exit 3 with --print as the hint, and the page is removed', async () => {
    const result = await runAwsrole(['console', 'a'], { env: { ...env, BROWSER: '/nonexistent/browser' } });
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'awsrole: could not open a browser (/nonexistent/browser: ENOENT) for the AWS console of profile "a"\n' +
        '  hint: check $BROWSER, or print the sign-in URL instead: awsrole console a --print (it signs in whoever has it, for 15 minutes)\n',
    );
    expect(readdirSync(pageDir())).toEqual([]);
    expectNoSecretIn(result.stderr, federationCall());
  });

  it('a browser that exits non-zero: reported, exit 3, and the page is removed', async () => {
    // Like xdg-open with no browser behind it: it reads its argument, then fails.
    const failing = sandbox.writeFile('bin/failing-browser', `#!/bin/sh\nprintf '%s\\n' "$@" > '${browserRecord}'\nexit 3\n`, 0o755);
    const result = await runAwsrole(['console', 'a'], { env: { ...env, BROWSER: failing } });
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `awsrole: could not open a browser (${failing}: exit code 3) for the AWS console of profile "a"\n` +
        '  hint: check $BROWSER, or print the sign-in URL instead: awsrole console a --print (it signs in whoever has it, for 15 minutes)\n',
    );
    expect(await browserArgument()).toMatch(/^file:\/\//);
    expect(readdirSync(pageDir())).toEqual([]);
    expectNoSecretIn(result.stderr, federationCall());
  });

  it('--print --open with a failing browser: the URL is out, so a warning, exit 0', async () => {
    const result = await runAwsrole(['console', 'a', '--print', '--open'], { env: { ...env, BROWSER: 'false' } });
    expect(result.code).toBe(0);
    expect(printedUrl(result).params.SigninToken).toBe(federationCall().signinToken);
    expect(result.stderr).toBe('awsrole: warning: could not open a browser (false: exit code 1)\n');
    expect(readdirSync(pageDir())).toEqual([]);
  });

  it('pages older than a minute are removed by the next run, newer ones kept', async () => {
    const first = await runAwsrole(['console', 'a', '--open'], { env: { ...env, BROWSER: browserScript } });
    expect(first.code).toBe(0);
    const old = fileURLToPath(await browserArgument());
    const recent = join(pageDir(), 'signin-0123456789abcdef.html');
    writeFileSync(recent, 'recent', { mode: 0o600 });
    const past = new Date(Date.now() - 61_000);
    utimesSync(old, past, past);

    const second = await runAwsrole(['console', 'a', '--print'], { env });
    expect(second.code).toBe(0);
    expect(existsSync(old)).toBe(false);
    expect(existsSync(recent)).toBe(true);
  });
});

describe('on a terminal', () => {
  it('shows a spinner while the federation endpoint is slow, and erases it', async () => {
    await runAwsrole(['use', 'a', '--shell', 'bash'], { env }); // the role session is cached: only the federation call is slow
    standIn.requests.length = 0;
    standIn.delayMs = 1500;
    const dir = join(sandbox.home, 'pane');
    const pane = await startPane({ shell: 'bash', dir, env: { ...env, LANG: 'C.UTF-8' }, rc: [] });
    try {
      const out = join(dir, 'url');
      pane.type(`awsrole console a --print > ${shellQuote(out)}; echo "status=$?"`);
      pane.send('Enter');
      await pane.waitForScreen('getting a console sign-in token');
      await pane.waitForScreen(/^status=0$/m);
      expect(pane.screen()).not.toContain('getting a console sign-in token');
      expect(readFileSync(out, 'utf8')).toContain(`SigninToken=${encodeURIComponent(federationCall().signinToken!)}`);
    } finally {
      pane.kill();
    }
  });
});

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

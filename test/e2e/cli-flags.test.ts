// The command line as people type it: durations in any spelling, flags before the subcommand,
// --json covering usage errors, a warning for an MFA code nobody asked for, and whoami finding
// the credentials the AWS CLI would (AWS_PROFILE) and saying how to renew a session `use` left.
// bin/awsrole against moto's STS with authentication on; a loopback stand-in plays an STS that
// answers ExpiredToken, which moto never does.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAwsrole } from '../support/cli.js';
import { startMoto, type MotoServer, type UserCredentials } from '../support/moto.js';
import { createSandbox, type Sandbox } from '../support/sandbox.js';

let moto: MotoServer;
let alice: UserCredentials;
let sandbox: Sandbox;
let env: Record<string, string>;
let expiredSts: Server;
let expiredEndpoint: string;

beforeAll(async () => {
  moto = await startMoto();
  alice = await moto.createUser('alice');
  await moto.createRole('A', { trust: [alice.arn] });
  await moto.enableAuth();

  expiredSts = createServer((request, response) => {
    request.resume();
    response.writeHead(400, { 'content-type': 'text/xml' });
    response.end(
      '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>' +
        '<Code>ExpiredToken</Code><Message>The security token included in the request is expired</Message></Error>' +
        '<RequestId>r-1</RequestId></ErrorResponse>',
    );
  });
  await new Promise<void>((resolve) => expiredSts.listen(0, '127.0.0.1', resolve));
  expiredEndpoint = `http://127.0.0.1:${(expiredSts.address() as AddressInfo).port}`;

  sandbox = createSandbox();
  sandbox.writeCredentials(`[base]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\n`);
  sandbox.writeConfig(`[profile a]
role_arn = arn:aws:iam::123456789012:role/A
source_profile = base

[profile with-mfa]
role_arn = arn:aws:iam::123456789012:role/A
source_profile = base
mfa_serial = arn:aws:iam::123456789012:mfa/alice
`);
  env = sandbox.env(moto, { USER: 'tester' });
}, 60_000);

afterAll(async () => {
  expiredSts?.close();
  await moto?.stop();
  sandbox?.cleanup();
});

describe('--duration', () => {
  it.each([
    ['1h', '3600'],
    ['90m', '5400'],
    ['3600s', '3600'],
    ['7200', '7200'],
  ])('--duration %s is %s seconds', async (flag, seconds) => {
    const result = await runAwsrole(['explain', 'a', '--duration', flag], { env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`duration\\s+${seconds}\\s+\\(--duration\\)`));
  });

  it('reaches STS as DurationSeconds', async () => {
    await moto.startRecording();
    const result = await runAwsrole(['export', 'a', '--format', 'json', '--duration', '1h', '--no-cache'], { env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const calls = await moto.recordedStsActions();
    expect(calls.filter((call) => call.action === 'AssumeRole').map((call) => call.params.DurationSeconds)).toEqual(['3600']);
  });

  it.each([
    ['13h', /--duration must be from 15m to 12h \(900 to 43200 seconds\), not "13h"/],
    ['10m', /--duration must be from 15m to 12h/],
    ['an hour', /--duration takes a duration such as 300, 300s, 5m or 1h, not "an hour"/],
  ])('--duration %s is a usage error', async (flag, message) => {
    const result = await runAwsrole(['use', 'a', '--shell', 'bash', '--duration', flag], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });
});

describe('--mfa-code for a profile without MFA', () => {
  it('warns that it is ignored, and works', async () => {
    const result = await runAwsrole(['use', 'base', '--shell', 'bash', '--mfa-code', '123456'], { env });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('awsrole: warning: --mfa-code is ignored: profile "base" uses no MFA device (no mfa_serial on its chain)\n');
    expect(result.stdout).toContain(`export AWS_ACCESS_KEY_ID='${alice.accessKeyId}'`);
  });

  it('not for a profile with mfa_serial', async () => {
    const result = await runAwsrole(['use', 'with-mfa', '--shell', 'bash', '--mfa-code', '123456', '--no-cache'], { env });
    expect(result.stderr).not.toMatch(/ignored/);
  });
});

describe('common flags before the subcommand', () => {
  it('awsrole --debug use: the debug lines', async () => {
    const result = await runAwsrole(['--debug', 'use', 'base', '--shell', 'bash'], { env });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^awsrole: debug: profile base: /m);
  });

  it('awsrole --debug list: accepted', async () => {
    const result = await runAwsrole(['--debug', 'list'], { env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^base\s+static keys/m);
  });

  it('awsrole --quiet use: no warning', async () => {
    const result = await runAwsrole(['--quiet', 'use', 'base', '--shell', 'bash', '--mfa-code', '123456'], { env });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
  });

  it('awsrole --json list: the JSON listing', async () => {
    const result = await runAwsrole(['--json', 'list'], { env });
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as Array<{ name: string }>).map((profile) => profile.name)).toEqual(['a', 'base', 'with-mfa']);
  });

  it('awsrole --json use typo: the error as one JSON line', async () => {
    const result = await runAwsrole(['--json', 'use', 'bsae', '--shell', 'bash'], { env });
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')).toHaveLength(2);
    expect(JSON.parse(result.stderr)).toEqual({ error: { message: 'unknown profile "bsae"', hint: expect.stringContaining('base'), exitCode: 2 } });
  });
});

describe('--json covers usage errors', () => {
  it.each([
    ['an unknown flag', ['use', 'base', '--bogus', '--json'], "unknown option '--bogus'"],
    ['an unknown flag, --json first', ['--json', 'use', 'base', '--bogus'], "unknown option '--bogus'"],
    ['a missing argument', ['exec', '--json'], "missing required argument 'profile'"],
    ['a bad choice', ['use', 'base', '--shell', 'tcsh', '--json'], "option '--shell <shell>' argument 'tcsh' is invalid. Allowed choices are bash, zsh, sh, fish, powershell."],
  ])('%s: one JSON line on stderr, exit 2', async (_, args, message) => {
    const result = await runAwsrole(args, { env });
    expect(result.code).toBe(2);
    // stdout: nothing, but for use the statement that fails its eval (src/output/failure-statement.ts).
    expect(result.stdout).toBe(args.includes('use') ? '(exit 2)\n' : '');
    expect(result.stderr.endsWith('\n')).toBe(true);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(JSON.parse(result.stderr)).toMatchObject({ error: { message, exitCode: 2 } });
  });

  it('a did-you-mean of commander becomes the hint', async () => {
    const result = await runAwsrole(['use', 'base', '--refres', '--json'], { env });
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stderr)).toEqual({ error: { message: "unknown option '--refres'", hint: '(Did you mean --refresh?)', exitCode: 2 } });
  });

  it('--json after exec\'s -- belongs to the command, not to awsrole', async () => {
    const result = await runAwsrole(['exec', 'nope', '--', 'echo', '--json'], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^awsrole: unknown profile "nope"/);
  });
});

describe('whoami without a profile', () => {
  it('takes the profile in AWS_PROFILE, as the AWS CLI does', async () => {
    const result = await runAwsrole(['whoami', '--json'], { env: { ...env, AWS_PROFILE: 'a' } });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ Arn: 'arn:aws:sts::123456789012:assumed-role/A/awsrole-tester', Profile: 'a' });
  });

  it('or in AWS_DEFAULT_PROFILE', async () => {
    const result = await runAwsrole(['whoami', '--json'], { env: { ...env, AWS_DEFAULT_PROFILE: 'a' } });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ Arn: 'arn:aws:sts::123456789012:assumed-role/A/awsrole-tester' });
  });

  it('keys in the environment win over AWS_PROFILE (botocore: the env provider comes first)', async () => {
    const result = await runAwsrole(['whoami', '--json'], {
      env: { ...env, AWS_PROFILE: 'a', AWS_ACCESS_KEY_ID: alice.accessKeyId, AWS_SECRET_ACCESS_KEY: alice.secretAccessKey },
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ Arn: 'arn:aws:iam::123456789012:user/alice' });
  });

  it('an unknown AWS_PROFILE is the usual unknown-profile error', async () => {
    const result = await runAwsrole(['whoami'], { env: { ...env, AWS_PROFILE: 'nope' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^awsrole: unknown profile "nope"/);
  });
});

describe('whoami with expired credentials left by use', () => {
  const leftByUse = {
    AWS_ACCESS_KEY_ID: 'ASIAEXPIREDEXAMPLE01',
    AWS_SECRET_ACCESS_KEY: 'expired-secret',
    AWS_SESSION_TOKEN: 'expired-token',
    AWS_CREDENTIAL_EXPIRATION: '2020-01-01T00:00:00Z',
    AWS_SESSION_EXPIRATION: '2020-01-01T00:00:00Z',
    AWSROLE_PROFILE: 'a',
  };

  it('says when they expired and how to renew them, exit 4', async () => {
    const result = await runAwsrole(['whoami'], { env: { ...env, ...leftByUse } });
    expect(result.code).toBe(4);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'awsrole: the credentials in the environment expired at 2020-01-01T00:00:00Z (AWS_CREDENTIAL_EXPIRATION)\n' +
        '  hint: they were left by an earlier use: run `awsrole use a`\n',
    );
  });

  it('STS saying ExpiredToken gets the same hint', async () => {
    const { AWS_CREDENTIAL_EXPIRATION: _, AWS_SESSION_EXPIRATION: __, ...noExpiry } = leftByUse;
    const result = await runAwsrole(['whoami'], { env: { ...env, ...noExpiry, AWS_ENDPOINT_URL_STS: expiredEndpoint } });
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/^awsrole: STS refused GetCallerIdentity: ExpiredToken: /);
    expect(result.stderr).toContain('  hint: they were left by an earlier use: run `awsrole use a`\n');
  });
});

describe('export --format ini --section', () => {
  it('names the section', async () => {
    const result = await runAwsrole(['export', 'base', '--format', 'ini', '--section', 'ci-deploy'], { env });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`[ci-deploy]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\n`);
  });

  it.each([
    ['a name no reader takes as one section', ['--format', 'ini', '--section', 'a b'], /--section "a b" cannot be written as a credentials-file section: the JS SDK reads a two-word section name/],
    ['another format', ['--format', 'env', '--section', 'x'], /--section is for --format ini, not env/],
  ])('%s: exit 2', async (_, flags, message) => {
    const result = await runAwsrole(['export', 'base', ...flags], { env });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
  });
});

// The core flows a user runs, end to end: bin/awsrole against moto's STS with authentication on,
// its output evaluated by real shells, its credentials checked with GetCallerIdentity, and the
// same profiles resolved by the real boto3 for comparison.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runAwsrole, runPython, runRecordingImports, startupModules, REPO_ROOT } from '../support/cli.js';
import { startMoto, type MotoServer, type UserCredentials } from '../support/moto.js';
import { shellQuote, waitFor } from '../support/shell.js';
import { createSandbox, type Sandbox } from '../support/sandbox.js';

const EXTERNAL_ID = 'ext-id-7f3a';
let moto: MotoServer;
let alice: UserCredentials;
let sandbox: Sandbox;
let env: Record<string, string>;
const roleArn = (name: string) => `arn:aws:iam::123456789012:role/${name}`;

// A static profile whose secret holds everything that breaks naive quoting.
const NASTY_SECRET = `it's "quoted" $HOME \`touch pwned\` $(touch pwned) \\ ; & | % ! ~ * ?`;

beforeAll(async () => {
  moto = await startMoto();
  alice = await moto.createUser('alice');
  const a = await moto.createRole('A', { trust: [alice.arn] });
  const b = await moto.createRole('B', { trust: [a.arn] });
  await moto.createRole('C', { trust: [b.arn] });
  await moto.createRole('X', { trust: [alice.arn], externalId: EXTERNAL_ID });
  const other = await moto.createUser('bob');
  await moto.createRole('D', { trust: [other.arn] });
  await moto.enableAuth();

  sandbox = createSandbox();
  sandbox.writeCredentials(
    `[base]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\n\n` +
      `[self]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\n\n` +
      `[mixed]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\n\n` +
      `[split]\naws_secret_access_key = ${alice.secretAccessKey}\n\n` +
      `[nasty]\naws_access_key_id = AKIANASTYEXAMPLE0001\naws_secret_access_key = ${NASTY_SECRET}\naws_session_token = tok'en\n`,
  );
  sandbox.writeConfig(`[profile a]
role_arn = ${roleArn('A')}
source_profile = base

[profile b]
role_arn = ${roleArn('B')}
source_profile = a

[profile c]
role_arn = ${roleArn('C')}
source_profile = b
region = eu-west-1

[profile ext-ok]
role_arn = ${roleArn('X')}
source_profile = base
external_id = ${EXTERNAL_ID}

[profile ext-bad]
role_arn = ${roleArn('X')}
source_profile = base
external_id = not-the-right-one

[profile denied]
role_arn = ${roleArn('D')}
source_profile = base

[profile loop-a]
role_arn = ${roleArn('A')}
source_profile = loop-b

[profile loop-b]
role_arn = ${roleArn('B')}
source_profile = loop-a

[profile orphan]
role_arn = ${roleArn('A')}
source_profile = missing

[profile self]
role_arn = ${roleArn('A')}
source_profile = self

[profile mixed]
role_arn = ${roleArn('D')}
source_profile = base

[profile via-mixed]
role_arn = ${roleArn('A')}
source_profile = mixed

[profile from-env]
role_arn = ${roleArn('A')}
credential_source = Environment

[profile split]
aws_access_key_id = ${alice.accessKeyId}

[profile bad-source]
role_arn = ${roleArn('A')}
credential_source = environment

[profile with-mfa]
role_arn = ${roleArn('A')}
source_profile = base
mfa_serial = arn:aws:iam::123456789012:mfa/alice

[profile with-mfa-chained]
role_arn = ${roleArn('B')}
source_profile = a
mfa_serial = arn:aws:iam::123456789012:mfa/alice

[profile sdk-c]
credential_process = node ${join(REPO_ROOT, 'bin/awsrole.js')} credential-process c
`);
  env = { ...sandbox.env(moto), USER: 'tester' };
});

// These tests are about resolving and calling STS: each starts from an empty session cache.
beforeEach(async () => {
  await runAwsrole(['cache', 'clear'], { env });
});

afterAll(async () => {
  await moto?.stop();
  sandbox?.cleanup();
});

/** The ARN GetCallerIdentity gives for credentials awsrole printed. */
async function identityOf(vars: Record<string, string>): Promise<string> {
  const identity = await moto.callerIdentity({
    accessKeyId: vars.AWS_ACCESS_KEY_ID!,
    secretAccessKey: vars.AWS_SECRET_ACCESS_KEY!,
    sessionToken: vars.AWS_SESSION_TOKEN,
  });
  return identity.Arn;
}

describe('a three-hop chain', () => {
  it('ends as the last role, checked with GetCallerIdentity', async () => {
    const result = await runAwsrole(['export', 'c', '--format', 'json'], { env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout);
    expect(output).toMatchObject({ Profile: 'c', Region: 'eu-west-1', RoleArn: roleArn('C') });
    const arn = await identityOf({
      AWS_ACCESS_KEY_ID: output.AccessKeyId,
      AWS_SECRET_ACCESS_KEY: output.SecretAccessKey,
      AWS_SESSION_TOKEN: output.SessionToken,
    });
    expect(arn).toBe('arn:aws:sts::123456789012:assumed-role/C/awsrole-tester');
  });

  it('makes one AssumeRole per hop, each signed by the previous hop', async () => {
    await moto.startRecording();
    const result = await runAwsrole(['export', 'c', '--format', 'process'], { env });
    const calls = await moto.recordedStsActions();
    await moto.stopRecording();
    expect(result.code).toBe(0);
    expect(calls.map((call) => [call.action, call.params.RoleArn])).toEqual([
      ['AssumeRole', roleArn('A')],
      ['AssumeRole', roleArn('B')],
      ['AssumeRole', roleArn('C')],
    ]);
    expect(calls[0]!.accessKeyId).toBe(alice.accessKeyId);
    expect(calls[1]!.accessKeyId).not.toBe(alice.accessKeyId);
  });
});

describe('use, evaluated in real shells', () => {
  // Each shell evals awsrole's output, then `env -0` shows what it exports to its children.
  const shells = [
    { shell: 'bash', argv: ['bash', '--norc', '--noprofile', '-c'], script: (cmd: string) => `eval "$(${cmd})" && env -0` },
    { shell: 'zsh', argv: ['zsh', '-f', '-c'], script: (cmd: string) => `eval "$(${cmd})" && env -0` },
    { shell: 'fish', argv: ['fish', '--no-config', '-c'], script: (cmd: string) => `${cmd} | source; and env -0` },
  ] as const;
  function evalIn(argv: readonly string[], script: string, extraEnv: Record<string, string> = {}): Record<string, string> {
    const [command, ...args] = argv;
    const result = spawnSync(command!, [...args, script], { env: { ...env, ...extraEnv }, cwd: sandbox.home, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    return Object.fromEntries(result.stdout.split('\0').filter(Boolean).map((pair) => {
      const at = pair.indexOf('=');
      return [pair.slice(0, at), pair.slice(at + 1)];
    }));
  }
  const awsrole = `node ${join(REPO_ROOT, 'bin/awsrole.js')}`;

  for (const { shell, argv, script } of shells) {
    it(`${shell}: the chain's credentials work, stale variables are cleared`, async () => {
      const vars = evalIn(argv, script(`${awsrole} use c --shell ${shell}`), { AWS_PROFILE: 'stale', AWS_SECURITY_TOKEN: 'old' });
      expect(vars).toMatchObject({ AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-1', AWSROLE_PROFILE: 'c' });
      expect(vars.AWS_PROFILE).toBeUndefined();
      expect(vars.AWS_SESSION_EXPIRATION).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(vars.AWS_CREDENTIAL_EXPIRATION).toBe(vars.AWS_SESSION_EXPIRATION);
      // fish sets $USER itself, so only the prefix of the session name is known here.
      expect(await identityOf(vars)).toMatch(/^arn:aws:sts::123456789012:assumed-role\/C\/awsrole-\w+$/);
    });

    it(`${shell}: quoting survives quotes, spaces, $, backticks and semicolons`, () => {
      const vars = evalIn(argv, script(`${awsrole} use nasty --shell ${shell}`));
      expect(vars.AWS_SECRET_ACCESS_KEY).toBe(NASTY_SECRET);
      expect(vars.AWS_SESSION_TOKEN).toBe("tok'en");
      expect(() => readFileSync(join(sandbox.home, 'pwned'))).toThrow();
    });
  }

  it('picks the shell from $SHELL', async () => {
    const result = await runAwsrole(['use', 'nasty'], { env: { ...env, SHELL: '/usr/bin/fish' } });
    expect(result.stdout).toMatch(/^set -gx AWS_ACCESS_KEY_ID /m);
  });

  it('prints no secret when stdout is a terminal, and says how to eval', () => {
    // `script` gives the command a real pseudo-terminal as stdout.
    const result = spawnSync('script', ['-qec', `${awsrole} use nasty`, '/dev/null'], { env: { ...env, SHELL: '/bin/bash' }, encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stdout).not.toContain('AKIANASTYEXAMPLE0001');
    expect(result.stdout).not.toContain('touch pwned');
    expect(result.stdout).toContain('eval "$(awsrole use nasty)"');
  });
});

describe('MFA', () => {
  it('without a code and without a terminal is exit 2 saying how to pass one', async () => {
    const result = await runAwsrole(['use', 'with-mfa', '--shell', 'bash'], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/needs an MFA code for arn:aws:iam::123456789012:mfa\/alice/);
    expect(result.stderr).toMatch(/--mfa-code/);
  });

  it('sends --mfa-code with the serial when the source is a role session', async () => {
    await moto.startRecording();
    const result = await runAwsrole(['use', 'with-mfa-chained', '--shell', 'bash', '--mfa-code', '123456'], { env });
    const calls = await moto.recordedStsActions();
    await moto.stopRecording();
    expect(result.code).toBe(0);
    expect(calls.map((call) => [call.params.RoleArn, call.params.SerialNumber, call.params.TokenCode])).toEqual([
      [roleArn('A'), undefined, undefined],
      [roleArn('B'), 'arn:aws:iam::123456789012:mfa/alice', '123456'],
    ]);
  });
});

describe('refusals and configuration errors', () => {
  it('passes the right external id', async () => {
    const result = await runAwsrole(['export', 'ext-ok', '--format', 'json'], { env });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).RoleArn).toBe(roleArn('X'));
  });

  it.each([
    ['a wrong external id', 'ext-bad', 'X'],
    ['a trust policy that refuses the caller', 'denied', 'D'],
  ])('%s is exit 4 naming the role and the STS code', async (_name, profile, role) => {
    const result = await runAwsrole(['use', profile, '--shell', 'bash'], { env });
    expect(result.code).toBe(4);
    // Only the statement that fails the eval (src/output/failure-statement.ts).
    expect(result.stdout).toBe('(exit 4)\n');
    expect(result.stderr).toMatch(new RegExp(`^awsrole: STS refused AssumeRole: AccessDenied: .*role ${roleArn(role)}.*\\)$`, 'm'));
    expect(result.stderr).not.toContain(alice.secretAccessKey);
  });

  it.each([
    ['a cycle', 'loop-a', /source_profile cycle: profile loop-a → loop-b → loop-a \(.*config:\d+\)/],
    ['a missing source profile', 'orphan', /source_profile "missing" does not exist \(.*config:\d+\)/],
  ])('%s is exit 3 with the file and line', async (_name, profile, message) => {
    const result = await runAwsrole(['use', profile], { env });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('(exit 3)\n');
  });

  it('an unknown profile is exit 2 with a suggestion', async () => {
    const result = await runAwsrole(['use', 'ext-okk'], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('awsrole: unknown profile "ext-okk"\n  hint: did you mean "ext-ok"?\n');
  });

  it('an unreachable endpoint is exit 5', async () => {
    const result = await runAwsrole(['use', 'a'], { env: { ...env, AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9' } });
    expect(result.code).toBe(5);
    expect(result.stderr).toMatch(/could not be reached/);
    expect(result.stderr).not.toMatch(/NodeVersionSupportWarning|\n\s+at /);
  });

  it('an endpoint that never answers is exit 5 within the timeout', async () => {
    // A TCP server that accepts connections and never says anything.
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const started = Date.now();
    const result = await runAwsrole(['use', 'a'], { env: { ...env, AWS_ENDPOINT_URL_STS: `http://127.0.0.1:${port}`, AWSROLE_STS_TIMEOUT: '1' } });
    silent.close();
    expect(result.code).toBe(5);
    expect(result.stderr).toMatch(/^awsrole: STS at http:\/\/127\.0\.0\.1:\d+ could not be reached: no answer within 1 s, 2 attempts \(profile "a"/);
    expect(result.stderr.split('\n')).toHaveLength(3); // the error, the hint, the final newline
    expect(Date.now() - started).toBeLessThan(15_000); // 2 × 1 s, plus start-up on a loaded machine
  });

  it('--json gives the error as one JSON line', async () => {
    const result = await runAwsrole(['export', 'orphan', '--format', 'json', '--json'], { env });
    expect(result.code).toBe(3);
    expect(JSON.parse(result.stderr)).toMatchObject({ error: { exitCode: 3, message: expect.stringContaining('does not exist') } });
  });

  it('--debug says what it does without any secret', async () => {
    const result = await runAwsrole(['use', 'c', '--debug', '--shell', 'bash'], { env });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/AssumeRole arn:aws:iam::123456789012:role\/C/);
    const secrets = [alice.secretAccessKey, alice.accessKeyId, ...result.stdout.match(/'[^']{16,}'/g)!.map((q) => q.slice(1, -1))];
    for (const secret of secrets) expect(result.stderr).not.toContain(secret);
  });
});

describe('explain and list', () => {
  it('explain shows each hop with its file and line, and no secret', async () => {
    const result = await runAwsrole(['explain', 'c'], { env });
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe('profile c');
    expect(lines[1]).toBe(`  region eu-west-1  (${sandbox.configPath}:12)`);
    expect(lines).toContain('  1. static keys of profile "base"');
    expect(lines).toContain(`  4. AssumeRole ${roleArn('C')}  [profile "c", ${sandbox.configPath}:10]`);
    expect(result.stdout).toContain(`sts endpoint  ${moto.endpoint}  ($AWS_ENDPOINT_URL_STS)`);
    expect(result.stdout).not.toContain(alice.secretAccessKey);
    expect(result.stdout).not.toContain(alice.accessKeyId);
  });

  it('list --json gives every profile of both files with its kind', async () => {
    const result = await runAwsrole(['list', '--json'], { env });
    expect(result.code).toBe(0);
    const profiles = JSON.parse(result.stdout) as Array<{ name: string }>;
    expect(profiles.map((p) => p.name)).toEqual([
      'a', 'b', 'bad-source', 'base', 'c', 'denied', 'ext-bad', 'ext-ok', 'from-env',
      'loop-a', 'loop-b', 'mixed', 'nasty', 'orphan', 'sdk-c', 'self', 'split', 'via-mixed', 'with-mfa', 'with-mfa-chained',
    ]);
    expect(profiles.find((p) => p.name === 'c')).toEqual({
      name: 'c', kind: 'role', roleArn: roleArn('C'), account: '123456789012', roleName: 'C', source: 'b', region: 'eu-west-1',
    });
    expect(profiles.find((p) => p.name === 'base')).toMatchObject({ kind: 'static keys' });
    expect(profiles.find((p) => p.name === 'sdk-c')).toMatchObject({ kind: 'process' });
  });
});

describe('whoami', () => {
  it('names the assumed role of a profile', async () => {
    const result = await runAwsrole(['whoami', 'c', '--json'], { env });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      Account: '123456789012',
      Arn: 'arn:aws:sts::123456789012:assumed-role/C/awsrole-tester',
      UserId: expect.stringMatching(/:awsrole-tester$/),
      Profile: 'c',
    });
  });

  it('names the owner of the credentials in the environment', async () => {
    const result = await runAwsrole(['whoami'], { env: { ...env, AWS_ACCESS_KEY_ID: alice.accessKeyId, AWS_SECRET_ACCESS_KEY: alice.secretAccessKey } });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^arn\s+arn:aws:iam::123456789012:user\/alice$/m);
  });

  it('without a profile or credentials is a usage error', async () => {
    const result = await runAwsrole(['whoami'], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no credentials in the environment/);
  });
});

describe('exec', () => {
  it('gives the command the role and returns its exit code', async () => {
    const result = await runAwsrole(['exec', 'c', '--', 'sh', '-c', 'echo "$AWSROLE_PROFILE $AWS_REGION ${AWS_PROFILE-none}"; exit 7'], { env: { ...env, AWS_PROFILE: 'stale' } });
    expect(result.stdout).toBe('c eu-west-1 none\n');
    expect(result.code).toBe(7);
  });

  it('passes arguments without a shell in between', async () => {
    const result = await runAwsrole(['exec', 'nasty', 'printf', '%s|', 'a b', '$HOME', '`x`'], { env });
    expect(result.stdout).toBe('a b|$HOME|`x`|');
  });

  it('returns 128+N when the command is killed by signal N', async () => {
    const result = await runAwsrole(['exec', 'nasty', '--', 'sh', '-c', 'kill -KILL $$'], { env });
    expect(result.code).toBe(137);
  });

  it.each([['SIGTERM', 143], ['SIGINT', 130], ['SIGHUP', 129]] as const)('forwards %s to the command', async (signal, code) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/awsrole.js'), 'exec', 'nasty', '--', 'sh', '-c', 'echo ready; sleep 30 & wait'], {
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.kill(signal);
    const exitCode = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(exitCode).toBe(code);
  });

  it('a Ctrl-C on a terminal reaches the command once, not twice', async () => {
    // In a real terminal (tmux), ^C goes to the whole foreground group: awsrole must not forward it again.
    const marks = join(sandbox.home, 'sigint-marks');
    const status = join(sandbox.home, 'sigint-status');
    // The command counts the SIGINTs it gets (node handles each delivery; sh's trap would merge them).
    const counter = `process.on('SIGINT', () => require('fs').appendFileSync(${JSON.stringify(marks)}, 'INT\\n')); console.log('ready'); setInterval(() => {}, 1000); process.on('SIGINT', () => setTimeout(() => process.exit(3), 500));`;
    const envArgs = Object.entries(env).map(([k, v]) => `${k}=${shellQuote(v)}`).join(' ');
    const command = `env -i ${envArgs} ${shellQuote(process.execPath)} ${shellQuote(join(REPO_ROOT, 'bin/awsrole.js'))} exec nasty -- ${shellQuote(process.execPath)} -e ${shellQuote(counter)}; echo $? > ${shellQuote(status)}; sleep 30`;
    const socket = `awsrole-sigint-${process.pid}`;
    const tmux = (...args: string[]) => spawnSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
    try {
      // bash, not dash: on a ^C that its child survives, bash carries on to write the status.
      expect(tmux('new-session', '-d', '-x', '120', '-y', '20', 'bash', '--norc', '-c', command).status).toBe(0);
      await waitFor(() => tmux('capture-pane', '-p').stdout.includes('ready'));
      tmux('send-keys', 'C-c');
      await waitFor(() => existsSync(status) && readFileSync(status, 'utf8').trim() !== '');
      expect(readFileSync(status, 'utf8').trim()).toBe('3');
      expect(readFileSync(marks, 'utf8')).toBe('INT\n');
    } finally {
      tmux('kill-server');
    }
  });

  it('says so when the command does not exist (127)', async () => {
    const result = await runAwsrole(['exec', 'nasty', '--', 'no-such-command-xyz'], { env });
    expect(result.code).toBe(127);
    expect(result.stderr).toMatch(/command not found: no-such-command-xyz/);
  });
});

// What each parity profile ends as, worked out by hand from botocore's rules.
const EXPECTED_ROLE: Record<string, string> = {
  c: 'C', 'ext-ok': 'X', 'ext-bad': 'failed', denied: 'failed', 'loop-a': 'failed', orphan: 'failed',
  self: 'A', mixed: 'failed', 'via-mixed': 'A', 'from-env': 'A', split: 'failed', 'bad-source': 'failed',
};

describe('the AWS SDKs as users', () => {
  it('boto3 resolves credential_process = awsrole credential-process to the assumed role', async () => {
    const result = await runPython(
      'import boto3; print(boto3.Session(profile_name="sdk-c").client("sts", region_name="us-east-1").get_caller_identity()["Arn"])',
      env,
    );
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('arn:aws:sts::123456789012:assumed-role/C/awsrole-tester');
  });

  // Each profile is one rule of how botocore reads the files: a chain, external ids, refusals,
  // a cycle, a missing source, a self-sourcing profile, a source with both keys and role_arn
  // (the keys win), credential_source = Environment, keys split across files, a bad source name.
  const PARITY = ['c', 'ext-ok', 'ext-bad', 'denied', 'loop-a', 'orphan', 'self', 'mixed', 'via-mixed', 'from-env', 'split', 'bad-source'];
  const aliceInEnv = () => ({ ...env, AWS_ACCESS_KEY_ID: alice.accessKeyId, AWS_SECRET_ACCESS_KEY: alice.secretAccessKey });

  it.each(PARITY)('profile %s: awsrole ends where boto3 ends', async (profile) => {
    const boto = await runPython(
      `import boto3, sys
try:
    print(boto3.Session(profile_name=${JSON.stringify(profile)}).client("sts", region_name="us-east-1").get_caller_identity()["Arn"])
except Exception as e:
    print("FAILED", type(e).__name__)`,
      aliceInEnv(),
    );
    const ours = await runAwsrole(['export', profile, '--format', 'json'], { env: aliceInEnv() });
    const botoRole = boto.stdout.trim().startsWith('FAILED') ? 'failed' : boto.stdout.trim().split('/')[1];
    let ourRole = 'failed';
    if (ours.code === 0) {
      const out = JSON.parse(ours.stdout);
      ourRole = (await identityOf({ AWS_ACCESS_KEY_ID: out.AccessKeyId, AWS_SECRET_ACCESS_KEY: out.SecretAccessKey, AWS_SESSION_TOKEN: out.SessionToken })).split('/')[1]!;
    }
    expect(ourRole).toBe(botoRole);
    expect(ourRole).toBe(EXPECTED_ROLE[profile]);
  });
});

describe('what stays fast', () => {
  it.each([
    [['--help']],
    [['list']],
    [['explain', 'c']],
    [['use', 'nasty', '--shell', 'bash']],
    [['unset', '--shell', 'bash']],
    [['init', 'bash']],
    [['__complete', '--current=n', '--', 'use']],
  ])('awsrole %j never loads the AWS SDK, nor any module outside dist/cli.js', async (args) => {
    const run = runRecordingImports(args, { env, log: join(sandbox.home, `imports-${args.join('-')}.log`) });
    expect(run.status).toBe(0);
    expect(run.imports).toContain('commander');
    expect(run.imports).not.toContain('@aws-sdk');
    // dist/cli.js holds the startup path: a module from any other chunk is one more file to load.
    const startup = new Set(startupModules());
    expect(startup).toContain('src/cli.ts');
    expect(run.modules.filter((id) => !startup.has(id))).toEqual([]);
  });
});

// Long-term keys out of ~/.aws/credentials, end to end with the encrypted-file backend: keys
// import leaves the file byte for byte as it was but for the two key lines; boto3 and the AWS CLI
// then sign in through the credential_process line it wrote (against moto with authentication
// on); awsrole reads its keystore itself without running that line; a wrong passphrase and a
// changed file are refused whole; no secret reaches argv, stderr or a child's environment.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AWSROLE_BIN, REPO_ROOT, runAwsrole, runProgram, runPython, runRecordingImports, startupModules } from '../support/cli.js';
import { startMoto, type MotoServer, type UserCredentials } from '../support/moto.js';
import { createSandbox, type Sandbox } from '../support/sandbox.js';

const PASSPHRASE = 'correct horse battery staple';
const roleArn = (name: string) => `arn:aws:iam::123456789012:role/${name}`;

let moto: MotoServer;
let alice: UserCredentials;
/** Another IAM user, whom the role R does not trust. */
let bob: UserCredentials;
let sandbox: Sandbox;
/** awsrole's environment: the file backend, its passphrase, and bin/ with `awsrole` first on PATH. */
let env: Record<string, string>;
let keyFile: string;

const CREDENTIALS = (keys: UserCredentials) => `# team credentials; keep this comment
[default]
region = us-east-1

[other]
aws_access_key_id = AKIAOTHEROTHEROTHER1
aws_secret_access_key = other/secret

[base]
# alice's keys
aws_access_key_id=${keys.accessKeyId}
region = us-east-1
aws_secret_access_key   =   ${keys.secretAccessKey}
; trailing comment, no newline at the end`;

beforeAll(async () => {
  moto = await startMoto();
  alice = await moto.createUser('alice');
  bob = await moto.createUser('bob');
  await moto.createRole('R', { trust: [alice.arn] });
  await moto.enableAuth();
  sandbox = createSandbox();
  const bin = join(sandbox.home, 'bin');
  mkdirSync(bin);
  symlinkSync(AWSROLE_BIN, join(bin, 'awsrole'));
  env = { ...sandbox.env(moto), PATH: `${bin}:${process.env.PATH}`, USER: 'tester', AWSROLE_KEYSTORE: 'file', AWSROLE_FILE_PASSPHRASE: PASSPHRASE };
  keyFile = join(sandbox.home, '.local/share/awsrole/keys.enc');
});

afterAll(async () => {
  await moto?.stop();
  sandbox?.cleanup();
});

/** Every output of a run: what must never hold a secret. */
function expectNoSecret(text: string): void {
  expect(text).not.toContain(alice.secretAccessKey);
  expect(text).not.toContain(PASSPHRASE);
}

describe('keys import', () => {
  beforeAll(async () => {
    sandbox.writeCredentials(CREDENTIALS(alice));
    sandbox.writeConfig(`[profile admin]\nrole_arn = ${roleArn('R')}\nsource_profile = base\n`);
    const run = await runAwsrole(['keys', 'import', 'base'], { env });
    expect(run.stderr).toContain('moved keys');
    expectNoSecret(run.stderr + run.stdout);
    expect(run.code).toBe(0);
  });

  it('takes out only the two key lines: the file is otherwise byte-identical, with credential_process in their place', () => {
    const expected = CREDENTIALS(alice)
      .replace(`aws_access_key_id=${alice.accessKeyId}`, 'credential_process = awsrole credential-process --keys base')
      .replace(`aws_secret_access_key   =   ${alice.secretAccessKey}\n`, '');
    expect(readFileSync(sandbox.credentialsPath, 'utf8')).toBe(expected);
    expectNoSecret(readFileSync(sandbox.credentialsPath, 'utf8'));
    expectNoSecret(readFileSync(keyFile, 'utf8'));
  });

  it('boto3 signs in as alice through the credential_process line it wrote', async () => {
    const py = await runPython(
      `import boto3, os\nprint(boto3.Session(profile_name="base").client("sts", endpoint_url=os.environ["AWS_ENDPOINT_URL_STS"]).get_caller_identity()["Arn"])`,
      env,
    );
    expect(py.stderr).toBe('');
    expect(py.stdout.trim()).toBe(alice.arn);
  });

  it('the AWS CLI does too: aws sts get-caller-identity --profile base', () => {
    const aws = spawnSync('aws', ['sts', 'get-caller-identity', '--profile', 'base', '--output', 'json'], { env, encoding: 'utf8' });
    expect(aws.stderr).toBe('');
    expect(JSON.parse(aws.stdout).Arn).toBe(alice.arn);
  }, 60_000); // the AWS CLI starts slowly

  it('the JS SDK does too: its default chain runs the credential_process line for AWS_PROFILE=base', async () => {
    // The SDK resolves credentials itself here (no explicit credentials): fromIni → credential_process.
    const script = `
      const { STSClient, GetCallerIdentityCommand } = require('@aws-sdk/client-sts');
      new STSClient({ region: 'us-east-1' }).send(new GetCallerIdentityCommand({}))
        .then((answer) => console.log(answer.Arn), (error) => { console.error(String(error)); process.exit(1); });`;
    const js = await runProgram(process.execPath, ['-e', script], { env: { ...env, AWS_PROFILE: 'base', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' }, cwd: REPO_ROOT });
    expect(js.stderr).toBe('');
    expect(js.stdout.trim()).toBe(alice.arn);
  });

  it('awsrole reads the keystore itself: a role on top works with no awsrole on PATH to run', async () => {
    const run = await runAwsrole(['use', 'admin', '--shell', 'bash', '--no-cache', '--debug'], { env: { ...env, PATH: '/usr/bin:/bin' } });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('export AWS_SESSION_TOKEN=');
    expect(run.stderr).toContain('read directly');
    expectNoSecret(run.stderr);
  });

  it('a cached session of a role on top needs no unlock: the second use works even with a wrong passphrase', async () => {
    await runAwsrole(['cache', 'clear'], { env });
    const first = await runAwsrole(['use', 'admin', '--shell', 'bash'], { env });
    expect(first.code).toBe(0);
    const second = await runAwsrole(['use', 'admin', '--shell', 'bash', '--debug'], { env: { ...env, AWSROLE_FILE_PASSPHRASE: 'wrong' } });
    expect(second.code).toBe(0);
    expect(second.stderr).toContain('cached session');
    expect(second.stdout.match(/AWS_SESSION_TOKEN='[^']+'/)?.[0]).toBe(first.stdout.match(/AWS_SESSION_TOKEN='[^']+'/)?.[0]);
  });

  it('a cached use of a role on top loads nothing but the startup bundle: no keys code, no native module', () => {
    const run = runRecordingImports(['use', 'admin', '--shell', 'bash'], { env, log: join(sandbox.home, 'imports-keys-use.log') });
    expect(run.status).toBe(0);
    const startup = new Set(startupModules());
    expect(run.modules.filter((id) => !startup.has(id))).toEqual([]);
    expect(run.imports).not.toContain('@napi-rs');
    expect(run.modules.filter((id) => id.startsWith('src/keys/'))).toEqual([]);
  });

  it('awsrole list shows the profile as kind keystore', async () => {
    const list = await runAwsrole(['list', '--json'], { env });
    const kinds = Object.fromEntries((JSON.parse(list.stdout) as Array<{ name: string; kind: string }>).map((row) => [row.name, row.kind]));
    expect(kinds).toMatchObject({ base: 'keystore', other: 'static keys', admin: 'role' });
  });

  it('keys list shows the profile, the key id masked and the backend, and no secret', async () => {
    const run = await runAwsrole(['keys', 'list'], { env });
    expect(run.stdout).toMatch(new RegExp(`^base +${alice.accessKeyId.slice(0, 4)}…${alice.accessKeyId.slice(-4)} +\\d+ min +file$`, 'm'));
    expect(run.stdout).not.toContain(alice.accessKeyId);
    expectNoSecret(run.stdout + run.stderr);
  });

  it('a wrong passphrase is exit 3 with a clear message, and prints nothing on stdout', async () => {
    const run = await runAwsrole(['credential-process', '--keys', 'base'], { env: { ...env, AWSROLE_FILE_PASSPHRASE: 'wrong' } });
    expect(run.code).toBe(3);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('wrong passphrase for the encrypted key file');
  });

  it('a changed file is refused whole (exit 3), not partly read', async () => {
    const original = readFileSync(keyFile, 'utf8');
    const document = JSON.parse(original) as Record<string, string>;
    const ciphertext = Buffer.from(document.ciphertext!, 'base64');
    ciphertext[0]! ^= 1;
    writeFileSync(keyFile, JSON.stringify({ ...document, ciphertext: ciphertext.toString('base64') }), { mode: 0o600 });
    try {
      const run = await runAwsrole(['credential-process', '--keys', 'base'], { env });
      expect(run.code).toBe(3);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain('the encrypted key file is refused');
    } finally {
      writeFileSync(keyFile, original, { mode: 0o600 });
    }
  });

  it("exec's command sees the role's session, but neither the passphrase nor the long-term secret", async () => {
    const run = await runAwsrole(['exec', 'admin', '--', 'env'], { env });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('AWS_SESSION_TOKEN=');
    expect(run.stdout).not.toContain('AWSROLE_FILE_PASSPHRASE');
    expectNoSecret(run.stdout + run.stderr);
  });
});

describe('keys add --stdin', () => {
  beforeEach(() => {
    sandbox.writeCredentials('[other]\nregion = eu-west-1\n');
  });

  it('the secret never appears in any process argument while it runs, nor on stderr', async () => {
    const child = spawn(process.execPath, [AWSROLE_BIN, 'keys', 'add', 'other', '--stdin'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    // The key lines are in awsrole's stdin, not yet ended: it is running and holds them.
    child.stdin.write(`${alice.accessKeyId}\n${alice.secretAccessKey}\n`);
    const everyArgv: string[] = [];
    for (let i = 0; i < 5; i++) {
      everyArgv.push(spawnSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).stdout);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    child.stdin.end();
    while (child.exitCode === null) {
      everyArgv.push(spawnSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).stdout);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await exited).toBe(0);
    expect(everyArgv.join('\n')).toContain('keys add other --stdin'); // ps saw it running
    expect(everyArgv.join('\n')).not.toContain(alice.secretAccessKey);
    expectNoSecret(stderr);
    expect(readFileSync(sandbox.credentialsPath, 'utf8')).toBe('[other]\nregion = eu-west-1\ncredential_process = awsrole credential-process --keys other\n');
    const creds = await runAwsrole(['credential-process', '--keys', 'other'], { env });
    expect(JSON.parse(creds.stdout)).toEqual({ Version: 1, AccessKeyId: alice.accessKeyId, SecretAccessKey: alice.secretAccessKey });
  });

  it('refuses temporary keys, and keys on the command line are no option at all', async () => {
    const temporary = await runAwsrole(['keys', 'add', 'other', '--stdin'], { env, input: 'ASIATEMPORARYKEY0001\nsecret\n' });
    expect(temporary.code).toBe(2);
    expect(temporary.stderr).toContain('temporary');
    const argv = await runAwsrole(['keys', 'add', 'other', alice.secretAccessKey], { env });
    expect(argv.code).toBe(2);
  });
});

describe('several keys add at once', () => {
  it('keep every one: writers take turns and re-read the file and the list', async () => {
    const own = createSandbox();
    try {
      const ownEnv = { ...own.env(), AWSROLE_KEYSTORE: 'file', AWSROLE_FILE_PASSPHRASE: PASSPHRASE };
      const names = ['p1', 'p2', 'p3', 'p4'];
      const runs = await Promise.all(
        names.map((name, i) => runAwsrole(['keys', 'add', name, '--stdin'], { env: ownEnv, input: `AKIACONCURRENT00000${i}\nsecret-${name}\n`, timeoutMs: 60_000 })),
      );
      for (const run of runs) expect(run.code, run.stderr).toBe(0);
      const listed = JSON.parse((await runAwsrole(['keys', 'list', '--json'], { env: ownEnv })).stdout) as Array<{ profile: string }>;
      expect(listed.map((entry) => entry.profile)).toEqual(names);
      const credentials = readFileSync(own.credentialsPath, 'utf8');
      for (const name of names) expect(credentials).toContain(`[${name}]\ncredential_process = awsrole credential-process --keys ${name}\n`);
      for (const name of names) {
        const creds = await runAwsrole(['credential-process', '--keys', name], { env: ownEnv });
        expect(JSON.parse(creds.stdout).SecretAccessKey).toBe(`secret-${name}`);
      }
    } finally {
      own.cleanup();
    }
  }, 90_000); // four scrypt unlocks in turn, on a loaded machine
});

describe("a profile's keys replaced by another user's", () => {
  beforeAll(async () => {
    sandbox.writeCredentials('[base]\ncredential_process = awsrole credential-process --keys base\n');
    sandbox.writeConfig(`[profile admin]\nrole_arn = ${roleArn('R')}\nsource_profile = base\n`);
    await runAwsrole(['cache', 'clear'], { env });
  });

  afterAll(async () => {
    await runAwsrole(['keys', 'add', 'base', '--stdin'], { env, input: `${alice.accessKeyId}\n${alice.secretAccessKey}\n` });
  });

  it('no longer get the role sessions the old keys obtained: bob, whom the role does not trust, is refused', async () => {
    expect((await runAwsrole(['use', 'admin', '--shell', 'bash'], { env })).code).toBe(0); // alice's session, cached
    const add = await runAwsrole(['keys', 'add', 'base', '--stdin'], { env, input: `${bob.accessKeyId}\n${bob.secretAccessKey}\n` });
    expect(add.code, add.stderr).toBe(0);
    expect(add.stderr).toContain('forgot the cached sessions obtained with the previous keys (admin)');
    const asBob = await runAwsrole(['use', 'admin', '--shell', 'bash'], { env });
    expect(asBob.code).toBe(4);
    expect(asBob.stdout).not.toContain('AWS_SESSION_TOKEN');
  });

  it('keys remove forgets them too, and says the credential_process line is still there', async () => {
    await runAwsrole(['keys', 'add', 'base', '--stdin'], { env, input: `${alice.accessKeyId}\n${alice.secretAccessKey}\n` });
    expect((await runAwsrole(['use', 'admin', '--shell', 'bash'], { env })).code).toBe(0); // cached again
    const remove = await runAwsrole(['keys', 'remove', 'base'], { env });
    expect(remove.code).toBe(0);
    expect(remove.stderr).toContain('forgot the cached sessions obtained with the previous keys (admin)');
    expect(remove.stderr).toContain('still says credential_process = awsrole credential-process --keys base');
    const after = await runAwsrole(['use', 'admin', '--shell', 'bash'], { env });
    expect(after.code).toBe(3);
    expect(after.stderr).toContain('has no keys in awsrole\'s keystore');
  });
});

describe('an MFA profile on top of stored keys', () => {
  // moto accepts the credentials of its GetSessionToken only with authentication off.
  beforeAll(async () => {
    await moto.disableAuth();
    await moto.createRole('R2', { trust: [alice.arn] });
    sandbox.writeCredentials('[base]\ncredential_process = awsrole credential-process --keys base\n');
    sandbox.writeConfig(
      ['R', 'R2'].map((role) => `[profile mfa-${role}]\nrole_arn = ${roleArn(role)}\nsource_profile = base\nmfa_serial = arn:aws:iam::123456789012:mfa/alice\n`).join('\n'),
    );
    await runAwsrole(['cache', 'clear'], { env });
    await moto.startRecording();
  });

  it('still gets one GetSessionToken, signed with the stored key, for every role that shares the device', async () => {
    const first = await runAwsrole(['use', 'mfa-R', '--shell', 'bash', '--mfa-code', '123456'], { env });
    expect(first.code).toBe(0);
    const second = await runAwsrole(['use', 'mfa-R2', '--shell', 'bash', '--mfa-code', '654321'], { env });
    expect(second.code).toBe(0);
    const calls = (await moto.recordedStsActions()).map((call) => [call.action, call.accessKeyId === alice.accessKeyId ? 'alice' : 'session']);
    expect(calls).toEqual([
      ['GetSessionToken', 'alice'],
      ['AssumeRole', 'session'],
      ['AssumeRole', 'session'],
    ]);
  });
});

describe('AWSROLE_CACHE_ENCRYPT=keystore', () => {
  let encrypted: Record<string, string>;
  const cacheDir = () => join(sandbox.home, '.cache/awsrole');
  const cacheFiles = () => readdirSync(cacheDir()).filter((name) => name.endsWith('.json')).map((name) => readFileSync(join(cacheDir(), name), 'utf8'));
  const exported = (stdout: string, name: string) => stdout.match(new RegExp(`export ${name}='([^']+)'`))?.[1];

  beforeAll(async () => {
    sandbox.writeCredentials('[base]\ncredential_process = awsrole credential-process --keys base\n');
    sandbox.writeConfig(`[profile admin]\nrole_arn = ${roleArn('R')}\nsource_profile = base\n`);
    encrypted = { ...env, AWSROLE_CACHE_ENCRYPT: 'keystore' };
    await runAwsrole(['cache', 'clear'], { env });
    rmSync(join(sandbox.home, '.aws/cli'), { recursive: true, force: true }); // earlier uses shared sessions there
  });

  it('caches the session with its secrets encrypted, and not in the AWS CLI cache; the second use reuses it', async () => {
    const first = await runAwsrole(['use', 'admin', '--shell', 'bash'], { env: encrypted });
    expect(first.code, first.stderr).toBe(0);
    const secret = exported(first.stdout, 'AWS_SECRET_ACCESS_KEY')!;
    const token = exported(first.stdout, 'AWS_SESSION_TOKEN')!;
    const files = cacheFiles();
    expect(files).toHaveLength(1);
    expect(files[0]).toContain('"sealed"');
    expect(files[0]).not.toContain(secret);
    expect(files[0]).not.toContain(token);
    expect(existsSync(join(sandbox.home, '.aws/cli/cache'))).toBe(false);

    const second = await runAwsrole(['use', 'admin', '--shell', 'bash', '--debug'], { env: encrypted });
    expect(second.stderr).toContain('reusing the assume-role session');
    expect(exported(second.stdout, 'AWS_SESSION_TOKEN')).toBe(token);
    expectNoSecret(second.stderr);
    expect(second.stderr).not.toContain(secret);
  });

  it('cache list shows the entry without unlocking anything', async () => {
    const list = await runAwsrole(['cache', 'list', '--json'], { env: { ...encrypted, AWSROLE_FILE_PASSPHRASE: 'wrong' } });
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toMatchObject([{ profile: 'admin', kind: 'assume-role', subject: roleArn('R') }]);
  });

  it('explain says the cache is encrypted and not shared with the AWS CLI', async () => {
    const explain = await runAwsrole(['explain', 'admin'], { env: encrypted });
    expect(explain.stdout).toContain("cache encrypted with a key in awsrole's keystore; the AWS CLI's cache is not shared  (AWSROLE_CACHE_ENCRYPT=keystore)");
    const plain = await runAwsrole(['explain', 'admin'], { env });
    expect(plain.stdout).not.toContain('cache encrypted');
  });

  it('another value is a configuration error (exit 3), not silently plaintext', async () => {
    const run = await runAwsrole(['use', 'admin', '--shell', 'bash'], { env: { ...env, AWSROLE_CACHE_ENCRYPT: 'yes' } });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('AWSROLE_CACHE_ENCRYPT must be keystore');
  });
});

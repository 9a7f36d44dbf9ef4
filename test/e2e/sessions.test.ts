// Sessions end to end: the cache against moto's recorder (which STS calls were really made),
// twenty concurrent runs, the AWS CLI's cache in both directions, and damaged cache files.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AWSROLE_BIN, runAwsrole, runRecordingImports, startupModules } from '../support/cli.js';
import { startMoto, type MotoServer, type UserCredentials } from '../support/moto.js';
import { createSandbox, type Sandbox } from '../support/sandbox.js';

let moto: MotoServer;
let alice: UserCredentials;
let bob: UserCredentials;
let sandbox: Sandbox;
let env: Record<string, string>;
const roleArn = (name: string) => `arn:aws:iam::123456789012:role/${name}`;
const cacheDir = () => join(sandbox.home, '.cache', 'awsrole');
const cliCacheDir = () => join(sandbox.home, '.aws', 'cli', 'cache');

beforeAll(async () => {
  moto = await startMoto();
  alice = await moto.createUser('alice');
  const a = await moto.createRole('A', { trust: [alice.arn] });
  const b = await moto.createRole('B', { trust: [a.arn] });
  await moto.createRole('C', { trust: [b.arn] });
  // Issue 9 §4: two profiles name the same role through different users; only alice may assume it.
  bob = await moto.createUser('bob');
  await moto.createRole('Prod', { trust: [alice.arn] });
  await moto.enableAuth();
  sandbox = createSandbox();
  sandbox.writeCredentials(
    `[base]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\n` +
      `[bob]\naws_access_key_id = ${bob.accessKeyId}\naws_secret_access_key = ${bob.secretAccessKey}\n`,
  );
  sandbox.writeConfig(`[profile a]
role_arn = ${roleArn('A')}
source_profile = base

[profile b]
role_arn = ${roleArn('B')}
source_profile = a
duration_seconds = 7200

[profile c]
role_arn = ${roleArn('C')}
source_profile = b

[profile prod-admin]
role_arn = ${roleArn('Prod')}
source_profile = base

[profile bob-admin]
role_arn = ${roleArn('Prod')}
source_profile = bob
`);
  env = { ...sandbox.env(moto), USER: 'tester' };
});

afterAll(async () => {
  await moto?.stop();
  sandbox?.cleanup();
});

beforeEach(async () => {
  await runAwsrole(['cache', 'clear'], { env });
  await moto.startRecording();
});

async function assumeRoleCalls(): Promise<string[]> {
  const calls = await moto.recordedStsActions();
  return calls.filter((call) => call.action === 'AssumeRole').map((call) => call.params.RoleArn!.split('/').pop()!);
}

/** `use` in bash's syntax, parsed back into variables. */
function parseExports(stdout: string): Record<string, string> {
  return Object.fromEntries([...stdout.matchAll(/^export (\w+)='([^']*)'$/gm)].map((m) => [m[1]!, m[2]!]));
}

async function identityOf(stdout: string): Promise<string> {
  const vars = parseExports(stdout);
  const identity = await moto.callerIdentity({
    accessKeyId: vars.AWS_ACCESS_KEY_ID!,
    secretAccessKey: vars.AWS_SECRET_ACCESS_KEY!,
    sessionToken: vars.AWS_SESSION_TOKEN,
  });
  return identity.Arn;
}

describe('the session cache', () => {
  it('makes no STS call for a second use of the same role', async () => {
    const first = await runAwsrole(['use', 'c', '--shell', 'bash'], { env });
    expect(first.code).toBe(0);
    expect(await assumeRoleCalls()).toEqual(['A', 'B', 'C']);
    await moto.startRecording();
    const second = await runAwsrole(['use', 'c', '--shell', 'bash'], { env });
    expect(second.code).toBe(0);
    expect(await assumeRoleCalls()).toEqual([]);
    expect(parseExports(second.stdout).AWS_ACCESS_KEY_ID).toBe(parseExports(first.stdout).AWS_ACCESS_KEY_ID);
    expect(await identityOf(second.stdout)).toMatch(/assumed-role\/C\/awsrole-tester$/);
  });

  it('a cached use never loads the AWS SDK', async () => {
    await runAwsrole(['use', 'c', '--shell', 'bash'], { env });
    const run = runRecordingImports(['use', 'c', '--shell', 'bash'], { env, log: join(sandbox.home, 'imports.log') });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^export AWS_SESSION_TOKEN=/m);
    expect(run.modules).toContain('src/cache/sessions.ts');
    expect(run.imports).not.toContain('@aws-sdk');
    // The whole cached path is in dist/cli.js: no chunk (STS client, SSO, picker, …) is loaded.
    const startup = new Set(startupModules());
    expect(run.modules.filter((id) => !startup.has(id))).toEqual([]);
  });

  it('a cached use into a pipe, as under eval, loads neither node:crypto nor a stdout stream', async () => {
    // Each costs every run a few percent of `node -e 0` (src/cache/digest.ts,
    // src/terminal/standard-output.ts): process.stdout on a pipe is a net.Socket, on a file a
    // SyncWriteStream. Node's own list of the built-ins it loaded, at exit.
    // --quiet: this sandbox's config earns a warning, and writing one makes stderr's stream.
    await runAwsrole(['use', 'c', '--shell', 'bash'], { env });
    const listFile = join(sandbox.home, 'builtins.json');
    const hook = join(sandbox.home, 'list-builtins.cjs');
    writeFileSync(hook, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(listFile)}, JSON.stringify(process.moduleLoadList)));\n`);
    const result = spawnSync('bash', ['-c', '"$0" -r "$1" "$2" use c --shell bash --quiet | cat', process.execPath, hook, AWSROLE_BIN], { env, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^export AWS_SESSION_TOKEN=/m);
    const builtins = (JSON.parse(readFileSync(listFile, 'utf8')) as string[]).filter((name) => name.startsWith('NativeModule '));
    expect(builtins).toContain('NativeModule vm'); // the list is the real one: the code cache's module
    expect(builtins.filter((name) => /^NativeModule (crypto|net|tty|internal\/fs\/sync_write_stream)$/.test(name))).toEqual([]);
  });


  it('reuses the cached hops of another profile in the same chain', async () => {
    await runAwsrole(['use', 'b', '--shell', 'bash'], { env });
    await moto.startRecording();
    await runAwsrole(['use', 'c', '--shell', 'bash'], { env });
    expect(await assumeRoleCalls()).toEqual(['C']);
  });

  it('--refresh obtains new sessions; --no-cache neither reads nor writes', async () => {
    await runAwsrole(['use', 'a', '--shell', 'bash'], { env });
    await moto.startRecording();
    await runAwsrole(['use', 'a', '--shell', 'bash', '--refresh'], { env });
    expect(await assumeRoleCalls()).toEqual(['A']);
    await moto.startRecording();
    await runAwsrole(['use', 'a', '--shell', 'bash', '--no-cache'], { env });
    expect(await assumeRoleCalls()).toEqual(['A']);
  });

  it('replaces a session with less than --min-ttl left', async () => {
    await runAwsrole(['use', 'a', '--shell', 'bash'], { env });
    await moto.startRecording();
    // moto's sessions last an hour: with two hours required, the cached one is too close to expiry.
    const result = await runAwsrole(['use', 'a', '--shell', 'bash', '--min-ttl', '2h'], { env });
    expect(result.code).toBe(0);
    expect(await assumeRoleCalls()).toEqual(['A']);
  });

  it('replaces an expired entry', async () => {
    await runAwsrole(['use', 'a', '--shell', 'bash', '--no-cli-cache'], { env });
    for (const file of readdirSync(cacheDir()).filter((f) => f.endsWith('.json'))) {
      const path = join(cacheDir(), file);
      const entry = JSON.parse(readFileSync(path, 'utf8'));
      writeFileSync(path, JSON.stringify({ ...entry, expiration: '2020-01-01T00:00:00.000Z' }));
    }
    await moto.startRecording();
    const result = await runAwsrole(['use', 'a', '--shell', 'bash', '--no-cli-cache'], { env });
    expect(result.code).toBe(0);
    expect(await assumeRoleCalls()).toEqual(['A']);
  });

  it('keeps sessions 0600 in a 0700 directory', async () => {
    await runAwsrole(['use', 'c', '--shell', 'bash'], { env });
    expect(statSync(cacheDir()).mode & 0o777).toBe(0o700);
    const files = readdirSync(cacheDir()).filter((f) => f.endsWith('.json'));
    expect(files).toHaveLength(3);
    for (const file of files) expect(statSync(join(cacheDir(), file)).mode & 0o777).toBe(0o600);
    for (const file of readdirSync(cliCacheDir())) expect(statSync(join(cliCacheDir(), file)).mode & 0o777).toBe(0o600);
  });

  it.each([
    ['corrupt', 'not json {{{'],
    ['truncated', '{"version":1,"kind":"assume-role","profile":"a","subj'],
    ['empty', ''],
  ])('treats a %s entry as a miss', async (_name, text) => {
    await runAwsrole(['use', 'a', '--shell', 'bash', '--no-cli-cache'], { env });
    for (const file of readdirSync(cacheDir()).filter((f) => f.endsWith('.json'))) writeFileSync(join(cacheDir(), file), text);
    await moto.startRecording();
    const result = await runAwsrole(['use', 'a', '--shell', 'bash', '--no-cli-cache'], { env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(await assumeRoleCalls()).toEqual(['A']);
    expect(await identityOf(result.stdout)).toMatch(/assumed-role\/A\//);
  });

  it('refuses a cache directory that others can write', async () => {
    const dir = join(sandbox.home, 'shared-cache');
    mkdirSync(dir, { recursive: true });
    chmodSync(dir, 0o777);
    const result = await runAwsrole(['use', 'a', '--shell', 'bash'], { env: { ...env, AWSROLE_CACHE_DIR: dir } });
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('(exit 3)\n');
    expect(result.stderr).toContain(dir);
    expect(result.stderr).toMatch(/chmod/);
  });

  it('does not wait long for a lock left by a killed process', async () => {
    // A holder that died: its pid no longer exists.
    const dead = spawnSync('true').pid!;
    await runAwsrole(['use', 'a', '--shell', 'bash', '--no-cli-cache'], { env });
    const locks = readdirSync(cacheDir()).filter((f) => f.endsWith('.json')).map((f) => join(cacheDir(), f.replace(/\.json$/, '.lock')));
    await runAwsrole(['cache', 'clear'], { env });
    for (const lock of locks) writeFileSync(lock, JSON.stringify({ pid: dead, hostname: (await import('node:os')).hostname(), createdAt: new Date().toISOString() }));
    const started = Date.now();
    const result = await runAwsrole(['use', 'a', '--shell', 'bash', '--no-cli-cache'], { env });
    expect(result.code).toBe(0);
    expect(Date.now() - started).toBeLessThan(3000);
    for (const lock of locks) expect(existsSync(lock)).toBe(false);
  });

  it('refuses at once, with exit 3, a planted lock it cannot trust (a live pid, a future time)', async () => {
    await runAwsrole(['use', 'a', '--shell', 'bash', '--no-cli-cache'], { env });
    const lock = readdirSync(cacheDir()).filter((f) => f.endsWith('.json')).map((f) => join(cacheDir(), f.replace(/\.json$/, '.lock')))[0]!;
    await runAwsrole(['cache', 'clear'], { env });
    writeFileSync(lock, JSON.stringify({ pid: process.pid, hostname: (await import('node:os')).hostname(), createdAt: new Date().toISOString() }), { mode: 0o600 });
    const future = Date.now() / 1000 + 86_400;
    utimesSync(lock, future, future);
    const started = Date.now();
    const result = await runAwsrole(['use', 'a', '--shell', 'bash', '--no-cli-cache'], { env });
    expect(Date.now() - started).toBeLessThan(10_000); // not the 180 s it used to wait
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`awsrole: the cache lock cannot be trusted: it was modified in the future`);
    expect(result.stderr).toContain(`rm '${lock}'`);
    rmSync(lock);
  });

  it('twenty runs started together make one AssumeRole per hop, and all get working credentials', async () => {
    const runs = await Promise.all(Array.from({ length: 20 }, () => runAwsrole(['use', 'c', '--shell', 'bash'], { env, timeoutMs: 60_000 })));
    expect(runs.map((run) => run.code)).toEqual(Array(20).fill(0));
    expect((await assumeRoleCalls()).sort()).toEqual(['A', 'B', 'C']);
    const keys = new Set(runs.map((run) => parseExports(run.stdout).AWS_ACCESS_KEY_ID));
    expect(keys.size).toBe(1);
    expect(await identityOf(runs[19]!.stdout)).toMatch(/assumed-role\/C\//);
  }, 90_000);

  it('caps a chained role at one hour with a warning', async () => {
    const result = await runAwsrole(['use', 'b', '--shell', 'bash'], { env });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^awsrole: warning: profile b: 7200 s asked .* asking for 3600 s$/m);
    const calls = await moto.recordedStsActions();
    expect(calls.filter((c) => c.action === 'AssumeRole').map((c) => c.params.DurationSeconds)).toEqual([undefined, '3600']);
  });
});

describe('cache list and clear', () => {
  it('lists profile, role, expiry and time left, and never a secret', async () => {
    const use = await runAwsrole(['use', 'b', '--shell', 'bash'], { env });
    const result = await runAwsrole(['cache', 'list'], { env });
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^PROFILE\s+KIND\s+ROLE \/ MFA DEVICE\s+EXPIRES\s+LEFT$/);
    expect(lines[1]).toMatch(new RegExp(`^a\\s+assume-role\\s+${roleArn('A')}\\s+\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\s+(59|60)m\\d\\ds$`));
    expect(lines[2]).toMatch(/^b\s+assume-role\s+/);
    const vars = parseExports(use.stdout);
    expect(result.stdout).not.toContain(vars.AWS_SECRET_ACCESS_KEY!);
    expect(result.stdout).not.toContain(vars.AWS_SESSION_TOKEN!);
  });

  it('clear <profile> removes that profile\'s sessions only, in both caches', async () => {
    await runAwsrole(['use', 'b', '--shell', 'bash'], { env });
    const clear = await runAwsrole(['cache', 'clear', 'b'], { env });
    expect(clear.code).toBe(0);
    expect(clear.stderr).toBe('awsrole: removed 2 cached sessions\n');
    const json = JSON.parse((await runAwsrole(['cache', 'list', '--json'], { env })).stdout) as Array<{ profile: string }>;
    expect(json.map((row) => row.profile)).toEqual(['a']);
    await moto.startRecording();
    await runAwsrole(['use', 'b', '--shell', 'bash'], { env });
    expect(await assumeRoleCalls()).toEqual(['B']);
  });
});

describe("the AWS CLI's cache, both ways", () => {
  function aws(args: string[]): { status: number | null; stdout: string; stderr: string } {
    return spawnSync('aws', args, { env: { ...env, AWS_DEFAULT_REGION: 'us-east-1' }, encoding: 'utf8' });
  }

  it('a session awsrole obtained is used by the AWS CLI without an STS call', async () => {
    await runAwsrole(['use', 'a', '--shell', 'bash'], { env });
    await moto.startRecording();
    const result = aws(['sts', 'get-caller-identity', '--profile', 'a', '--output', 'json']);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout).Arn).toMatch(/assumed-role\/A\/awsrole-tester$/);
    expect(await assumeRoleCalls()).toEqual([]);
  });

  it('a session the AWS CLI obtained is used by awsrole without an STS call', async () => {
    const cli = aws(['sts', 'get-caller-identity', '--profile', 'a', '--output', 'json']);
    expect(JSON.parse(cli.stdout).Arn).toMatch(/assumed-role\/A\/botocore-session-\d+$/);
    expect(await assumeRoleCalls()).toEqual(['A']);
    await moto.startRecording();
    const result = await runAwsrole(['use', 'a', '--shell', 'bash'], { env });
    expect(result.code).toBe(0);
    expect(await assumeRoleCalls()).toEqual([]);
    expect(await identityOf(result.stdout)).toMatch(/assumed-role\/A\/botocore-session-\d+$/);
  });
});

describe("the AWS CLI's cache never hands out someone else's session (issue 9 §4)", () => {
  function aws(args: string[]): { status: number | null; stdout: string; stderr: string } {
    return spawnSync('aws', args, { env: { ...env, AWS_DEFAULT_REGION: 'us-east-1' }, encoding: 'utf8' });
  }

  it("bob-admin does not get alice's prod-admin session from the AWS CLI's cache (same role_arn, other source)", async () => {
    // The AWS CLI caches alice's session under a key made of the role ARN alone.
    const cli = aws(['sts', 'get-caller-identity', '--profile', 'prod-admin', '--output', 'json']);
    expect(JSON.parse(cli.stdout).Arn).toMatch(/assumed-role\/Prod\//);
    expect(readdirSync(cliCacheDir())).toHaveLength(1);
    await moto.startRecording();
    const result = await runAwsrole(['use', 'bob-admin', '--shell', 'bash', '--debug'], { env });
    expect(result.code).toBe(4); // bob may not assume Prod, and STS says so
    expect(result.stdout).not.toContain('export AWS_ACCESS_KEY_ID');
    expect(result.stderr).toMatch(/STS refused AssumeRole: AccessDenied/);
    expect(result.stderr).toMatch(/debug: cache: ignoring the AWS CLI's entry .*profiles reach arn:aws:iam::123456789012:role\/Prod from different sources \(bob-admin, prod-admin\)/);
    expect(await assumeRoleCalls()).toEqual(['Prod']);
  });

  it('prod-admin works, and its session is not written where bob-admin would find it', async () => {
    const alices = await runAwsrole(['use', 'prod-admin', '--shell', 'bash'], { env });
    expect(alices.code).toBe(0);
    expect(await identityOf(alices.stdout)).toMatch(/assumed-role\/Prod\/awsrole-tester$/);
    expect(existsSync(cliCacheDir()) ? readdirSync(cliCacheDir()) : []).toEqual([]);
    const bobs = await runAwsrole(['use', 'bob-admin', '--shell', 'bash'], { env });
    expect(bobs.code).toBe(4);
  });
});

describe('cache clear removes everything awsrole wrote for a profile', () => {
  it('the AWS CLI cache entries written with --duration and --session-name too', async () => {
    // Sessions of `a` under three AWS CLI keys: the profile's own, and two that flags made (written by earlier awsrole versions).
    await runAwsrole(['use', 'a', '--shell', 'bash'], { env });
    const written = readdirSync(cliCacheDir());
    expect(written).toHaveLength(1);
    const entry = JSON.parse(readFileSync(join(cliCacheDir(), written[0]!), 'utf8')) as object;
    for (const name of ['1111111111111111111111111111111111111111.json', '2222222222222222222222222222222222222222.json']) {
      writeFileSync(join(cliCacheDir(), name), JSON.stringify(entry), { mode: 0o600 });
    }
    // An entry the AWS CLI wrote itself (no awsrole mark) for another profile stays.
    const foreign = join(cliCacheDir(), '3333333333333333333333333333333333333333.json');
    writeFileSync(foreign, JSON.stringify({ ...entry, AwsroleWrittenFor: undefined }), { mode: 0o600 });
    const clear = await runAwsrole(['cache', 'clear', 'a'], { env });
    expect(clear.code).toBe(0);
    expect(clear.stderr).toBe('awsrole: removed 4 cached sessions\n'); // our own entry and three in the AWS CLI's cache
    expect(readdirSync(cliCacheDir())).toEqual(['3333333333333333333333333333333333333333.json']);
    rmSync(foreign);
  });

  it('--duration and --session-name sessions are not written to the AWS CLI cache (it would never read them)', async () => {
    const result = await runAwsrole(['use', 'a', '--shell', 'bash', '--duration', '1800', '--session-name', 'flagged', '--debug'], { env });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/not saving the session in the AWS CLI's cache: --session-name, --duration asks for another session/);
    expect(existsSync(cliCacheDir()) ? readdirSync(cliCacheDir()) : []).toEqual([]);
  });
});

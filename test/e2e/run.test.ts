// `awsrole run`: one command in many profiles, against moto with authentication on. Each command
// asks STS who it is (botocore in the child, as any AWS tool would), so a profile handed another
// profile's keys would show. Output, summary, exit codes, --fail-fast, --json, --group, stdin,
// signals, and one MFA code for many profiles.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAwsrole, startAwsrole } from '../support/cli.js';
import { pythonExecutable, startMoto, type MotoServer } from '../support/moto.js';
import { createSandbox, type Sandbox } from '../support/sandbox.js';
import { shellQuote, waitFor } from '../support/shell.js';
import { startPane } from '../support/tmux.js';

const ACCOUNTS = Array.from({ length: 12 }, (_, i) => String(i + 1).padStart(2, '0'));
const SERIAL = 'arn:aws:iam::123456789012:mfa/alice';
const OTHER_SERIAL = 'arn:aws:iam::123456789012:mfa/alice-spare';
let moto: MotoServer;
let sandbox: Sandbox;
let env: Record<string, string>;
let runs = 0;

// The command each profile runs: GetCallerIdentity with the keys in its environment, its line
// written in pieces with pauses between them (so that the lines of commands running at once
// would mix if awsrole passed output on as it comes), the start and end of its run in a file of
// its own, and acct-05 failing with exit 3 and a message on stderr.
const WHO_AM_I = `
import os, sys, time, botocore.session
profile = os.environ['AWSROLE_PROFILE']
spans = sys.argv[1]
started = time.time()
arn = botocore.session.get_session().create_client('sts').get_caller_identity()['Arn']
line = f'{profile} sees {arn} ' + 'x' * 200
for i in range(0, len(line), 40):
    sys.stdout.write(line[i:i + 40]); sys.stdout.flush(); time.sleep(0.03)
sys.stdout.write('\\n'); sys.stdout.flush()
time.sleep(0.5)
print(f'{profile} done', flush=True)
with open(os.path.join(spans, profile), 'w') as f: f.write(f'{started} {time.time()}')
if profile == 'acct-05':
    sys.stderr.write('\\nboom: acct-05 refuses\\nmore detail\\n'); sys.exit(3)
`;

beforeAll(async () => {
  moto = await startMoto();
  const alice = await moto.createUser('alice');
  for (const n of ACCOUNTS) await moto.createRole(`Acct${n}`, { trust: [alice.arn] });
  await moto.createRole('Locked', { trust: [] });
  for (const n of ['1', '2', '3']) await moto.createRole(`Mfa${n}`, { trust: [alice.arn] });
  for (const n of ['1', '2']) await moto.createRole(`Other${n}`, { trust: [alice.arn] });
  await moto.enableAuth();
  sandbox = createSandbox();
  sandbox.writeCredentials(
    `[base]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\n` +
      ['s1', 's2', 's3', 's4'].map((name) => `[${name}]\naws_access_key_id = AKIASTATIC${name.toUpperCase()}EXAMPLE0\naws_secret_access_key = secret-${name}\n`).join(''),
  );
  const role = (profile: string, role: string, extra = '') =>
    `[profile ${profile}]\nrole_arn = arn:aws:iam::123456789012:role/${role}\nsource_profile = base\nregion = us-east-1\n${extra}\n`;
  sandbox.writeConfig(
    ACCOUNTS.map((n) => role(`acct-${n}`, `Acct${n}`)).join('') +
      role('locked', 'Locked') +
      ['1', '2', '3'].map((n) => role(`mfa-${n}`, `Mfa${n}`, `mfa_serial = ${SERIAL}\n`)).join('') +
      ['1', '2'].map((n) => role(`other-${n}`, `Other${n}`, `mfa_serial = ${OTHER_SERIAL}\n`)).join(''),
  );
  sandbox.writeFile('who-am-i.py', WHO_AM_I);
  env = { ...sandbox.env(moto), USER: 'tester' };
}, 60_000);

afterAll(async () => {
  await moto?.stop();
  sandbox?.cleanup();
});

/** A fresh directory for the spans of one run. */
function spansDir(): string {
  const dir = join(sandbox.home, `spans-${++runs}`);
  sandbox.writeFile(join(`spans-${runs}`, '.keep'), '');
  return dir;
}

function whoAmI(spans: string): string[] {
  return [pythonExecutable(), join(sandbox.home, 'who-am-i.py'), spans];
}

/** The most commands that were running at one moment, from their [start, end] spans. */
function mostAtOnce(spans: string): number {
  const intervals = readdirSync(spans)
    .filter((name) => name !== '.keep')
    .map((name) => readFileSync(join(spans, name), 'utf8').split(' ').map(Number) as [number, number]);
  return Math.max(...intervals.map(([start]) => intervals.filter(([s, e]) => s <= start && start < e).length));
}

/** stdout lines as [prefix, text]; fails on a line without the prefix. */
function prefixed(stdout: string): Array<[string, string]> {
  return stdout.trimEnd().split('\n').map((line) => {
    const match = /^(\S+) +\| (.*)$/.exec(line);
    if (!match) throw new Error(`a line without a profile prefix: ${JSON.stringify(line)}`);
    return [match[1]!, match[2]!];
  });
}

describe('awsrole run across 12 profiles, 4 at a time', () => {
  it('runs the command in each profile with its own identity; lines prefixed, whole; a summary; exit code of the failure', async () => {
    const spans = spansDir();
    const result = await runAwsrole(['run', '--profiles', 'acct-*', '--parallel', '4', '--', ...whoAmI(spans)], { env, timeoutMs: 120_000 });

    // Every line is one whole line of one command, behind that command's profile.
    const lines = prefixed(result.stdout);
    expect(lines).toHaveLength(24);
    for (const n of ACCOUNTS) {
      const own = lines.filter(([prefix]) => prefix === `acct-${n}`).map(([, text]) => text);
      expect(own).toEqual([
        expect.stringMatching(new RegExp(`^acct-${n} sees arn:aws:sts::123456789012:assumed-role/Acct${n}/\\S+ x{200}$`)),
        `acct-${n} done`,
      ]);
    }
    // At most 4 at once, and more than one: they did run side by side.
    const most = mostAtOnce(spans);
    expect(most).toBeLessThanOrEqual(4);
    expect(most).toBeGreaterThan(1);

    // The failing command's stderr, prefixed, then the summary.
    expect(result.stderr).toContain('acct-05 | boom: acct-05 refuses\n');
    const summary = result.stderr.slice(result.stderr.indexOf('PROFILE'));
    expect(summary.split('\n')[0]).toMatch(/^PROFILE +EXIT +TIME +FIRST ERROR LINE$/);
    for (const n of ACCOUNTS) {
      const row = summary.split('\n').find((line) => line.startsWith(`acct-${n} `));
      if (n === '05') expect(row).toMatch(/^acct-05 +3 +\d+\.\ds +boom: acct-05 refuses$/);
      else expect(row).toMatch(new RegExp(`^acct-${n} +0 +\\d+\\.\\ds$`));
    }
    expect(summary).toContain('12 profiles: 11 succeeded, 1 failed\n');
    expect(result.code).toBe(3);
  }, 150_000);
});

describe('failures', () => {
  it('a profile whose credentials cannot be obtained is reported, and the others run', async () => {
    const result = await runAwsrole(['run', '--profiles', 'acct-01,locked,acct-02', '--', 'sh', '-c', 'echo "ran in $AWSROLE_PROFILE"'], { env, timeoutMs: 60_000 });
    expect(prefixed(result.stdout).sort()).toEqual([
      ['acct-01', 'ran in acct-01'],
      ['acct-02', 'ran in acct-02'],
    ]);
    expect(result.stderr).toMatch(/^awsrole: no credentials for locked: .*AccessDenied.*Locked/m);
    expect(result.stderr).toMatch(/^locked +- +- +no credentials: .*AccessDenied/m);
    expect(result.stderr).toContain('3 profiles: 2 succeeded, 1 without credentials\n');
    expect(result.code).toBe(4);
  }, 90_000);

  it('one failing command does not stop the others; with --fail-fast nothing more starts', async () => {
    const command = ['sh', '-c', 'echo "ran in $AWSROLE_PROFILE"; [ "$AWSROLE_PROFILE" != s2 ]'];
    const all = await runAwsrole(['run', '--profiles', 's*', '--parallel', '1', '--', ...command], { env });
    expect(prefixed(all.stdout).map(([profile]) => profile)).toEqual(['s1', 's2', 's3', 's4']);
    expect(all.stderr).toContain('4 profiles: 3 succeeded, 1 failed\n');
    expect(all.code).toBe(1);

    const fast = await runAwsrole(['run', '--profiles', 's*', '--parallel', '1', '--fail-fast', '--', ...command], { env });
    expect(prefixed(fast.stdout).map(([profile]) => profile)).toEqual(['s1', 's2']);
    expect(fast.stderr).toMatch(/^s3 +- +- +not run \(--fail-fast\)$/m);
    expect(fast.stderr).toContain('4 profiles: 1 succeeded, 1 failed, 2 not run\n');
    expect(fast.code).toBe(1);
  });

  it('credentials that would expire before their command starts are obtained again first', async () => {
    await moto.startRecording();
    // 15-minute sessions, renewed when 895 s or less remain: acct-07's, obtained at the start,
    // have less than that left once acct-06's command has slept 6 s.
    const result = await runAwsrole(
      ['run', '--profiles', 'acct-06,acct-07', '--parallel', '1', '--duration', '900', '--min-ttl', '895', '--', 'sh', '-c', 'sleep 6; echo "$AWS_CREDENTIAL_EXPIRATION"'],
      { env, timeoutMs: 60_000 },
    );
    expect(result.code, result.stderr).toBe(0);
    const assumed = (await moto.recordedStsActions()).filter((call) => call.action === 'AssumeRole').map((call) => call.params.RoleArn?.split('/').pop());
    expect(assumed.filter((role) => role === 'Acct07')).toHaveLength(2);
    const expiry = Object.fromEntries(prefixed(result.stdout).map(([profile, text]) => [profile, Date.parse(text)]));
    // The command got the new session: it expires at least the 6 s of acct-06's command later.
    expect(expiry['acct-07']! - expiry['acct-06']!).toBeGreaterThanOrEqual(5000);
  }, 90_000);

  it('--quiet leaves the summary out when everything succeeded, and keeps it when not', async () => {
    const ok = await runAwsrole(['run', '--profiles', 's1,s2', '--quiet', '--', 'true'], { env });
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    const failing = await runAwsrole(['run', '--profiles', 's1,s2', '--quiet', '--', 'false'], { env });
    expect(failing.stderr).toContain('2 profiles: 0 succeeded, 2 failed\n');
    expect(failing.code).toBe(1);
  });

  it('a command that does not exist is 127 in every profile', async () => {
    const result = await runAwsrole(['run', '--profiles', 's1,s2', '--', 'no-such-command-here'], { env });
    expect(result.stderr).toMatch(/^s1 +127 +\S+ +command not found: no-such-command-here$/m);
    expect(result.code).toBe(127);
  });

  it('a typo in --profiles is a usage error before anything runs', async () => {
    const result = await runAwsrole(['run', '--profiles', 'acct-01,lockd', '--', 'true'], { env });
    expect(result.stderr).toBe('awsrole: unknown profile "lockd"\n  hint: did you mean "locked"?\n');
    expect(result.code).toBe(2);
  });
});

describe('--json', () => {
  it('prints one JSON record per profile on stdout, with the captured output, and nothing else', async () => {
    const result = await runAwsrole(
      ['run', '--profiles', 'acct-03,locked,acct-04', '--json', '--', pythonExecutable(), '-c', "import botocore.session as s; print(s.get_session().create_client('sts').get_caller_identity()['Arn'])"],
      { env, timeoutMs: 60_000 },
    );
    const records = result.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.map((record) => record.profile).sort()).toEqual(['acct-03', 'acct-04', 'locked']);
    const byProfile = Object.fromEntries(records.map((record) => [record.profile, record]));
    for (const n of ['03', '04']) {
      expect(byProfile[`acct-${n}`]).toMatchObject({ status: 'succeeded', exitCode: 0, signal: null, stderr: '', error: null });
      expect(byProfile[`acct-${n}`]!.stdout).toMatch(new RegExp(`^arn:aws:sts::123456789012:assumed-role/Acct${n}/\\S+\\n$`));
    }
    expect(byProfile['locked']).toMatchObject({ status: 'no-credentials', exitCode: null, stdout: null, error: { exitCode: 4 } });
    expect((byProfile['locked']!.error as { message: string }).message).toMatch(/AccessDenied/);
    // No table and no prefixed lines: stderr is for errors only.
    expect(result.stderr).toBe('');
    expect(result.code).toBe(4);
  }, 90_000);
});

describe('--group', () => {
  it("keeps each profile's output together, under a header", async () => {
    const result = await runAwsrole(
      ['run', '--profiles', 's*', '--parallel', '4', '--group', '--', 'sh', '-c', 'for i in 1 2 3; do echo "$AWSROLE_PROFILE line $i"; sleep 0.2; done'],
      { env },
    );
    expect(result.code).toBe(0);
    const blocks = result.stdout.split(/^==> /m).filter(Boolean);
    expect(blocks.map((block) => block.split('\n')[0]).sort()).toEqual(['s1 <==', 's2 <==', 's3 <==', 's4 <==']);
    for (const block of blocks) {
      const profile = block.split(' ')[0];
      expect(block).toBe(`${profile} <==\n${profile} line 1\n${profile} line 2\n${profile} line 3\n`);
    }
  });
});

describe('stdin', () => {
  it('goes to the command when there is one profile, and is /dev/null when there are more', async () => {
    const one = await runAwsrole(['run', '--profiles', 's1', '--', 'cat'], { env, input: 'hello\n' });
    expect(one.stdout).toBe('s1 | hello\n');
    const two = await runAwsrole(['run', '--profiles', 's1,s2', '--', 'cat'], { env, input: 'hello\n' });
    expect(two.stdout).toBe('');
    expect(two.code).toBe(0);
  });

  it('--from-file - reads the profiles from stdin', async () => {
    const result = await runAwsrole(['run', '--from-file', '-', '--', 'sh', '-c', 'echo "$AWSROLE_PROFILE"'], { env, input: '# two of them\ns2\ns4\n' });
    expect(prefixed(result.stdout).sort()).toEqual([['s2', 's2'], ['s4', 's4']]);
  });
});

// Each running command records every signal it receives, and dies of the first a moment later.
const COUNTER = `
const fs = require('node:fs');
const [dir] = process.argv.slice(2);
const me = process.env.AWSROLE_PROFILE;
let first;
for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(name, () => {
    fs.appendFileSync(dir + '/marks-' + me, name + '\\n');
    if (first) return;
    first = name;
    setTimeout(() => { process.removeAllListeners(first); process.kill(process.pid, first); }, 1000);
  });
}
fs.writeFileSync(dir + '/ready-' + me, String(process.pid));
setInterval(() => {}, 1000);
`;

describe('signals', () => {
  it.each([
    ['SIGTERM', 'awsrole'],
    ['SIGINT', 'group'],
  ] as const)('%s sent to %s reaches each running command once, starts nothing more, and ends with 128+N', async (signal, target) => {
    const dir = join(sandbox.home, `signals-${++runs}`);
    const script = sandbox.writeFile(join(`signals-${runs}`, 'counter.cjs'), COUNTER);
    const running = startAwsrole(['run', '--profiles', 's1,s2,s3', '--parallel', '2', '--', process.execPath, script, dir], { env, detached: true });
    await waitFor(() => existsSync(join(dir, 'ready-s1')) && existsSync(join(dir, 'ready-s2')), 15_000);
    if (target === 'awsrole') process.kill(running.child.pid!, signal);
    else process.kill(-running.child.pid!, signal);
    const result = await running.result;
    expect(readFileSync(join(dir, 'marks-s1'), 'utf8')).toBe(`${signal}\n`);
    expect(readFileSync(join(dir, 'marks-s2'), 'utf8')).toBe(`${signal}\n`);
    expect(existsSync(join(dir, 'ready-s3'))).toBe(false);
    expect(result.stderr).toMatch(/^s3 +- +- +not run \(interrupted\)$/m);
    expect(result.code).toBe(signal === 'SIGTERM' ? 143 : 130);
  });
});

describe('Ctrl-C at a terminal', () => {
  it('stops every running command once, starts no more, and prints the summary', async () => {
    const dir = join(sandbox.home, `ctrl-c-${++runs}`);
    const script = sandbox.writeFile(join(`ctrl-c-${runs}`, 'counter.cjs'), COUNTER);
    const pane = await startPane({ shell: 'bash', env, dir: join(dir, 'pane'), rc: [] });
    const status = join(dir, 'status');
    try {
      pane.type(`awsrole run --profiles s1,s2,s3 --parallel 2 -- ${shellQuote(process.execPath)} ${shellQuote(script)} ${shellQuote(dir)}; echo $? > ${shellQuote(status)}`);
      pane.send('Enter');
      await waitFor(() => existsSync(join(dir, 'ready-s1')) && existsSync(join(dir, 'ready-s2')), 15_000);
      pane.send('C-c');
      await waitFor(() => existsSync(status) && readFileSync(status, 'utf8').trim() !== '', 15_000);
      expect(readFileSync(status, 'utf8').trim()).toBe('130');
      expect(readFileSync(join(dir, 'marks-s1'), 'utf8')).toBe('SIGINT\n');
      expect(readFileSync(join(dir, 'marks-s2'), 'utf8')).toBe('SIGINT\n');
      expect(existsSync(join(dir, 'ready-s3'))).toBe(false);
      expect(pane.screen()).toMatch(/^s3 +- +- +not run \(interrupted\)$/m);
    } finally {
      pane.kill();
    }
  }, 60_000);
});

describe('MFA', () => {
  // moto accepts the credentials its GetSessionToken returns only while authentication is off.
  beforeAll(() => moto.disableAuth());
  afterAll(() => moto.enableAuth());

  async function freshStart(): Promise<void> {
    expect((await runAwsrole(['cache', 'clear'], { env })).code).toBe(0);
    await moto.startRecording();
  }

  async function stsActions(): Promise<string[]> {
    return (await moto.recordedStsActions()).map((call) => call.action);
  }

  it('profiles sharing an mfa_serial ask for one code, through one MFA session', async () => {
    await freshStart();
    const asked = join(sandbox.home, 'mfa-asked');
    const otp = sandbox.writeFile('bin/otp', `#!/bin/sh\necho asked >> '${asked}'\necho 123456\n`, 0o755);
    const result = await runAwsrole(['run', '--profiles', 'mfa-*', '--parallel', '3', '--mfa-command', otp, '--', 'true'], { env, timeoutMs: 60_000 });
    expect(result.stderr).toContain('3 profiles: 3 succeeded\n');
    expect(result.code).toBe(0);
    expect(readFileSync(asked, 'utf8')).toBe('asked\n');
    const calls = await stsActions();
    expect(calls.filter((action) => action === 'GetSessionToken')).toHaveLength(1);
    expect(calls.filter((action) => action === 'AssumeRole')).toHaveLength(3);
  }, 90_000);

  it('at a terminal, the prompt comes once for them all', async () => {
    await freshStart();
    const dir = join(sandbox.home, 'mfa-pane');
    const pane = await startPane({ shell: 'bash', env, dir, rc: [] });
    const status = join(dir, 'status');
    try {
      pane.type(`awsrole run --profiles 'mfa-*' --parallel 3 -- true > ${shellQuote(join(dir, 'out'))} 2> ${shellQuote(join(dir, 'err'))}; echo $? > ${shellQuote(status)}`);
      pane.send('Enter');
      await pane.waitForScreen(`Enter MFA code for ${SERIAL}:`, 30_000);
      pane.type('135791');
      pane.send('Enter');
      await waitFor(() => existsSync(status) && readFileSync(status, 'utf8').trim() !== '', 60_000);
      expect(readFileSync(status, 'utf8').trim()).toBe('0');
      expect(pane.screen().split('Enter MFA code').length - 1).toBe(1);
      expect(readFileSync(join(dir, 'err'), 'utf8')).toContain('3 profiles: 3 succeeded\n');
      expect((await stsActions()).filter((action) => action === 'GetSessionToken')).toHaveLength(1);
    } finally {
      pane.kill();
    }
  }, 120_000);

  it('codes for different devices are asked one after the other, never two at once', async () => {
    await freshStart();
    const log = join(sandbox.home, 'mfa-turns');
    // Notes a second ask that starts while one is still going.
    const otp = sandbox.writeFile(
      'bin/otp-slow',
      `#!/bin/sh\nmkdir '${log}.asking' 2>/dev/null || echo overlap >> '${log}'\necho asked >> '${log}'\nsleep 1\nrmdir '${log}.asking'\necho 123456\n`,
      0o755,
    );
    const result = await runAwsrole(['run', '--profiles', 'mfa-1,other-1', '--parallel', '2', '--mfa-command', otp, '--', 'true'], { env, timeoutMs: 60_000 });
    expect(result.code).toBe(0);
    expect(readFileSync(log, 'utf8')).toBe('asked\nasked\n');
    expect((await stsActions()).filter((action) => action === 'GetSessionToken')).toHaveLength(2);
  }, 90_000);
});

describe('colour', () => {
  const ESC = '\x1b';

  it('colours the names on a terminal, and only there', async () => {
    const dir = join(sandbox.home, `colour-${++runs}`);
    const pane = await startPane({ shell: 'bash', env, dir, rc: [] });
    try {
      pane.send('awsrole run --profiles s1,s2 -- echo hi', 'Enter');
      await pane.waitForScreen(/^2 profiles: 2 succeeded/m, 30_000);
      const screen = pane.screen({ escapes: true });
      expect(screen).toContain(`${ESC}[36ms1`);
      expect(screen).toContain(`${ESC}[1mPROFILE`);
      expect(pane.screen()).toMatch(/^s1 \| hi$/m);
      // Piped: the same run without a single escape.
      const piped = await pane.run('awsrole run --profiles s1,s2 -- echo hi 2>&1 | cat');
      expect(piped).toContain('s1 | hi\n');
      expect(piped).not.toContain(ESC);
    } finally {
      pane.kill();
    }
  }, 60_000);
});

describe('completion', () => {
  it('offers run among the commands, and profile names after --profiles', async () => {
    const commands = await runAwsrole(['__complete', '--current=ru', '--'], { env });
    expect(commands.stdout).toBe('run\n');
    const names = await runAwsrole(['__complete', '--current=acct-1', '--', 'run', '--profiles'], { env });
    expect(names.stdout).toBe('acct-10\nacct-11\nacct-12\n');
  });

  it('completes the next name of a comma list in bash', async () => {
    const pane = await startPane({ shell: 'bash', env, dir: join(sandbox.home, `complete-${++runs}`), rc: ['eval "$(awsrole init bash)"'] });
    try {
      pane.type('awsrole run --profiles acct-01,lo');
      pane.send('Tab');
      await pane.waitForScreen(/^READY> awsrole run --profiles acct-01,locked\s*$/m);
    } finally {
      pane.kill();
    }
  }, 30_000);
});

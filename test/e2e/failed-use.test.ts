// A failed `use` or `unset` evaluated without the shell function — `eval "$(awsrole use X)"`,
// `awsrole use X | source` — must fail where it is evaluated, with awsrole's exit code: a
// `set -e` script stops there instead of running on as whoever was there before, and an
// interactive shell stays open with that code in `$?`. Real bash, zsh, dash and fish; STS is
// moto's with authentication on.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AWSROLE_BIN, runAwsrole } from '../support/cli.js';
import { startMoto, type MotoServer } from '../support/moto.js';
import { createSandbox, type Sandbox } from '../support/sandbox.js';
import { startPane, type Pane, type PaneShell } from '../support/tmux.js';

let moto: MotoServer;
let sandbox: Sandbox;
let env: Record<string, string>;
let badConfig: string;

beforeAll(async () => {
  moto = await startMoto();
  const alice = await moto.createUser('alice');
  const mallory = await moto.createUser('mallory');
  await moto.createRole('ProdAdmin', { trust: [alice.arn] });
  // A role of its own, which nothing ever assumes: no cached session of it can exist.
  await moto.createRole('AliceOnly', { trust: [alice.arn] });
  await moto.enableAuth();
  sandbox = createSandbox();
  sandbox.writeCredentials(
    `[base]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\n` +
      `[mallory]\naws_access_key_id = ${mallory.accessKeyId}\naws_secret_access_key = ${mallory.secretAccessKey}\n`,
  );
  const role = `arn:aws:iam::${moto.accountId}:role/ProdAdmin`;
  sandbox.writeConfig(
    `[profile prod-admin]\nrole_arn = ${role}\nsource_profile = base\nregion = eu-west-1\n\n` +
      `[profile not-trusted]\nrole_arn = arn:aws:iam::${moto.accountId}:role/AliceOnly\nsource_profile = mallory\n`,
  );
  badConfig = sandbox.writeFile('bad-config', '[profile a]\nregion = eu-west-1\nregion = us-east-1\n');
  env = sandbox.env(moto);
}, 60_000);

afterAll(async () => {
  await moto?.stop();
  sandbox?.cleanup();
});

/** One way for `use` or `unset` to fail, and the exit code awsrole gives it. */
interface Failure {
  name: string;
  args: string[];
  env?: Record<string, string>;
  code: number;
}

const FAILURES: Failure[] = [
  { name: 'an unknown profile', args: ['use', 'prod-admn'], code: 2 },
  { name: 'an unknown flag', args: ['use', '--regoin', 'eu-west-1', 'prod-admin'], code: 2 },
  { name: 'a malformed config file', args: ['use', 'prod-admin'], env: { AWS_CONFIG_FILE: '<bad>' }, code: 3 },
  { name: 'STS refusing the role', args: ['use', 'not-trusted'], code: 4 },
  { name: 'STS out of reach', args: ['use', 'prod-admin', '--no-cache'], env: { AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:1' }, code: 5 },
  { name: 'unset with an unknown flag', args: ['unset', '--bogus'], code: 2 },
];

const failureEnv = (failure: Failure) =>
  Object.fromEntries(Object.entries(failure.env ?? {}).map(([name, value]) => [name, value === '<bad>' ? badConfig : value]));

/** The command line of a failure, for a shell script (arguments need no quoting). */
const commandLine = (failure: Failure) => `awsrole ${failure.args.join(' ')}`;

const SCRIPT_SHELLS = [
  { shell: 'bash', path: '/bin/bash', strict: 'set -euo pipefail' },
  { shell: 'zsh', path: '/bin/zsh', strict: 'set -euo pipefail' },
  // dash has no pipefail.
  { shell: 'dash', path: '/bin/dash', strict: 'set -eu' },
] as const;

describe.each(SCRIPT_SHELLS)('eval "$(awsrole …)" in a $shell script under "$strict"', ({ shell, path, strict }) => {
  it.each(FAILURES)('stops the script at $name, with exit code $code', async (failure) => {
    // The code awsrole itself exits with, for comparison.
    const direct = await runAwsrole(failure.args, { env: { ...env, ...failureEnv(failure), SHELL: path } });
    expect(direct.code).toBe(failure.code);

    const script = [strict, `eval "$(${commandLine(failure)})"`, 'echo "not reached"'].join('\n');
    const result = runScript(shell, script, { ...failureEnv(failure), SHELL: path });
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^awsrole: /m);
    expect(result.status).toBe(failure.code);
  });

  it('carries on after a successful use, as before', () => {
    const result = runScript(shell, [strict, 'eval "$(awsrole use prod-admin)"', 'echo "profile=$AWSROLE_PROFILE"'].join('\n'), { SHELL: path });
    expect(result).toMatchObject({ status: 0, stdout: 'profile=prod-admin\n' });
  });
});

describe('awsrole use … | source in a fish script', () => {
  it.each(FAILURES)('fails the source with exit code $code at $name, and ends a function that runs it', (failure) => {
    const script = [
      `${commandLine(failure)} | source`,
      'echo "status=$status"',
      'function switch_and_work',
      `    ${commandLine(failure)} | source`,
      '    echo "not reached"',
      'end',
      'switch_and_work',
      'echo "function=$status"',
      // fish has no `set -e`: a script stops where it checks.
      `${commandLine(failure)} | source; or exit $status`,
      'echo "not reached either"',
    ].join('\n');
    const result = runScript('fish', script, { ...failureEnv(failure), SHELL: '/usr/bin/fish' });
    expect(result.stdout).toBe(`status=${failure.code}\nfunction=${failure.code}\n`);
    expect(result.status).toBe(failure.code);
  });
});

describe.each(['bash', 'zsh', 'dash', 'fish'] as const)('a failed use evaluated at an interactive %s prompt', (shell) => {
  let pane: Pane | undefined;
  let dir: string;

  afterEach(() => {
    pane?.kill();
    pane = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  const open = async (shellEnv: Record<string, string>) => {
    dir = mkdtempSync(join(tmpdir(), `awsrole-failed-${shell}-`));
    pane = await startPane({ shell, dir, env: shellEnv, rc: [] });
    return pane;
  };
  const evaluate = (args: string) => (shell === 'fish' ? `awsrole ${args} | source` : `eval "$(awsrole ${args})"`);
  const status = shell === 'fish' ? 'echo "status=[$status] pid=[$fish_pid]"' : 'echo "status=[$?] pid=[$$]"';
  const pid = shell === 'fish' ? 'echo "pid=[$fish_pid]"' : 'echo "pid=[$$]"';

  it('keeps the shell open, with the exit code in its status, and the identity it had', async () => {
    const p = await open({ ...env, SHELL: shell === 'dash' ? '/bin/dash' : `/usr/bin/${shell}` });
    const before = await p.run(pid);
    expect(await p.run(`${evaluate('use prod-admin')}; ${status}`)).toBe(`status=[0] ${before}`);
    const key = await p.run(shell === 'fish' ? 'echo $AWS_ACCESS_KEY_ID' : 'echo "$AWS_ACCESS_KEY_ID"');
    expect(key).toMatch(/^ASIA/);

    const unknown = await p.run(`${evaluate('use prod-admn')}; ${status}`);
    expect(unknown).toContain('awsrole: unknown profile "prod-admn"');
    expect(unknown).toContain(`status=[2] ${before.trim()}`);
    const refused = await p.run(`${evaluate('use not-trusted')}; ${status}`);
    expect(refused).toContain(`status=[4] ${before.trim()}`);

    // Still the same shell, still the identity from before the failures.
    expect(await p.run(pid)).toBe(before);
    expect(await p.run(shell === 'fish' ? 'echo $AWS_ACCESS_KEY_ID' : 'echo "$AWS_ACCESS_KEY_ID"')).toBe(key);
  });
});

/** Runs a script file (no terminal) in `shell` with awsrole on PATH. */
function runScript(shell: string, script: string, extraEnv: Record<string, string>): { stdout: string; stderr: string; status: number | null } {
  const dir = mkdtempSync(join(tmpdir(), 'awsrole-script-'));
  try {
    mkdirSync(join(dir, 'bin'));
    symlinkSync(AWSROLE_BIN, join(dir, 'bin', 'awsrole'));
    const file = join(dir, 'script');
    writeFileSync(file, `${script}\n`);
    const args = shell === 'fish' ? ['--no-config', file] : shell === 'zsh' ? ['-f', file] : [file];
    const result = spawnSync(shell, args, { env: { ...env, ...extraEnv, PATH: `${join(dir, 'bin')}:${env.PATH}` }, encoding: 'utf8', timeout: 60_000 });
    return { stdout: result.stdout, stderr: result.stderr, status: result.status };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

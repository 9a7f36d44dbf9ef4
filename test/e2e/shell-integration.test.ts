// The one line a user adds to their rc file, in real bash, zsh and fish driven through tmux:
// after it, `awsrole use X` changes that shell, `awsrole unset` clears it, TAB completes, and
// every other subcommand passes through with its exit code. Credentials come from moto's STS with
// authentication on, and are checked by calling AWS with them.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AWSROLE_BIN, REPO_ROOT, runAwsrole } from '../support/cli.js';
import { startMoto, type MotoServer } from '../support/moto.js';
import { createSandbox, type Sandbox } from '../support/sandbox.js';
import { startPane, type InteractiveShell, type Pane } from '../support/tmux.js';

let moto: MotoServer;
let sandbox: Sandbox;
let env: Record<string, string>;
const ROLE_ARN = 'arn:aws:iam::123456789012:role/ProdAdmin';

beforeAll(async () => {
  moto = await startMoto();
  const alice = await moto.createUser('alice');
  await moto.createRole('ProdAdmin', { trust: [alice.arn] });
  await moto.enableAuth();
  sandbox = createSandbox();
  sandbox.writeCredentials(`[base]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\n`);
  sandbox.writeConfig(
    `[profile prod-admin]\nrole_arn = ${ROLE_ARN}\nsource_profile = base\nregion = eu-west-1\n\n` +
      `[profile staging]\nrole_arn = ${ROLE_ARN}\nsource_profile = base\n`,
  );
  env = sandbox.env(moto);
}, 60_000);

afterAll(async () => {
  await moto?.stop();
  sandbox?.cleanup();
});

const RC: Record<InteractiveShell, string[]> = {
  bash: ['eval "$(awsrole init bash)"'],
  // The line goes after compinit, as the README says.
  zsh: ['autoload -Uz compinit && compinit -u -d "$ZDOTDIR/.zcompdump"', 'eval "$(awsrole init zsh)"'],
  fish: ['awsrole init fish | source'],
};

// How each shell prints a variable (empty when unset) and the last exit status.
const show = (shell: InteractiveShell, name: string) => (shell === 'fish' ? `echo "${name}=[$${name}]"` : `echo "${name}=[\${${name}-}]"`);
const lastStatus = (shell: InteractiveShell) => (shell === 'fish' ? 'echo "status=[$status]"' : 'echo "status=[$?]"');

describe.each(['bash', 'zsh', 'fish'] as const)('the shell function in %s', (shell) => {
  let pane: Pane | undefined;
  let dir: string;

  const open = async (rc = RC[shell]) => {
    dir = mkdtempSync(join(tmpdir(), `awsrole-${shell}-`));
    pane = await startPane({ shell, dir, env, rc });
    return pane;
  };

  afterEach(() => {
    pane?.kill();
    pane = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('makes `awsrole use` change this shell, with credentials that work, and `awsrole unset` clear them', async () => {
    const p = await open();
    expect(await p.run(`awsrole use prod-admin; ${lastStatus(shell)}`)).toBe('status=[0]\n');

    const variables = await p.run(['AWS_ACCESS_KEY_ID', 'AWSROLE_PROFILE', 'AWS_REGION', 'AWS_SESSION_EXPIRATION'].map((name) => show(shell, name)).join('; '));
    expect(variables).toMatch(/^AWS_ACCESS_KEY_ID=\[ASIA[A-Z0-9]{12,}\]$/m);
    expect(variables).toContain('AWSROLE_PROFILE=[prod-admin]');
    expect(variables).toContain('AWS_REGION=[eu-west-1]');
    expect(variables).toMatch(/^AWS_SESSION_EXPIRATION=\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\]$/m);

    // The credentials in this shell are the role's: AWS says so.
    const identity = JSON.parse(await p.run('awsrole whoami --json')) as { Arn: string };
    expect(identity.Arn).toMatch(/^arn:aws:sts::123456789012:assumed-role\/ProdAdmin\//);

    expect(await p.run(`awsrole unset; ${lastStatus(shell)}`)).toBe('status=[0]\n');
    const cleared = await p.run(['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWSROLE_PROFILE', 'AWS_REGION'].map((name) => show(shell, name)).join('; '));
    expect(cleared).toBe('AWS_ACCESS_KEY_ID=[]\nAWS_SECRET_ACCESS_KEY=[]\nAWS_SESSION_TOKEN=[]\nAWSROLE_PROFILE=[]\nAWS_REGION=[]\n');
  });

  it('returns the exit code of a failed use and changes nothing', async () => {
    const p = await open();
    await p.run('awsrole use prod-admin');
    const before = await p.run(show(shell, 'AWS_ACCESS_KEY_ID'));
    const failed = await p.run(`awsrole use no-such-profile; ${lastStatus(shell)}`);
    expect(failed).toContain('status=[2]');
    expect(failed).toContain('no-such-profile');
    expect(await p.run(show(shell, 'AWS_ACCESS_KEY_ID'))).toBe(before);
  });

  it('passes other subcommands through with their output and exit code', async () => {
    const p = await open();
    expect(await p.run(`awsrole explain no-such-profile; ${lastStatus(shell)}`)).toContain('status=[2]');
    const listed = await p.run(`awsrole list --json; ${lastStatus(shell)}`);
    expect(listed).toContain('"name": "prod-admin"');
    expect(listed).toContain('status=[0]');
  });

  it('shows `awsrole use --help` instead of evaluating it', async () => {
    const p = await open();
    const help = await p.run(`awsrole use --help; ${lastStatus(shell)}`);
    expect(help).toContain('Usage: awsrole use');
    expect(help).toContain('status=[0]');
    expect(help).not.toMatch(/command not found|Unknown command|parse error/);
  });

  it('opens the picker for `awsrole use` with no profile; the chosen role lands in this shell', async () => {
    const p = await open();
    p.type('awsrole use');
    p.send('Enter');
    await p.waitForScreen(/^profile>/m);
    await p.waitForScreen(/^[> ] staging\s+role/m);
    p.type('stag');
    await p.waitForScreen(/^> staging/m);
    expect(p.screen()).not.toMatch(/prod-admin\s+role/);
    p.send('Enter');
    await p.waitForScreen(/^READY>\s*$/m);
    expect(await p.run(show(shell, 'AWSROLE_PROFILE'))).toBe('AWSROLE_PROFILE=[staging]\n');
    expect(await p.run(show(shell, 'AWS_ACCESS_KEY_ID'))).toMatch(/^AWS_ACCESS_KEY_ID=\[ASIA/);
  });

  it('completes profile names, subcommands and formats with TAB', async () => {
    const p = await open();
    p.type('awsrole use pr');
    p.send('Tab');
    await p.waitForScreen(/awsrole use prod-admin\s*$/m);
    p.send('C-u');
    if (shell === 'fish') p.send('C-k');

    p.type('awsrole expo');
    p.send('Tab');
    await p.waitForScreen(/awsrole export\s*$/m);
    p.type('staging --format dot');
    p.send('Tab');
    await p.waitForScreen(/awsrole export staging --format dotenv\s*$/m);
    // bash splits this word at the `=`, zsh and fish do not.
    p.send('C-u');
    if (shell === 'fish') p.send('C-k');
    p.type('awsrole export staging --format=js');
    p.send('Tab');
    await p.waitForScreen(/awsrole export staging --format=json\s*$/m);
  });
});

describe('zsh with the init line before compinit', () => {
  it('still completes, registering at the first prompt', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'awsrole-zsh-'));
    const pane = await startPane({ shell: 'zsh', dir, env, rc: ['eval "$(awsrole init zsh)"', 'autoload -Uz compinit && compinit -u -d "$ZDOTDIR/.zcompdump"'] });
    try {
      pane.type('awsrole use st');
      pane.send('Tab');
      await pane.waitForScreen(/awsrole use staging\s*$/m);
    } finally {
      pane.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the shell function under strict settings', () => {
  it('works in a bash script under set -euo pipefail and an unusual IFS', async () => {
    const script = [
      'set -euo pipefail',
      'eval "$(awsrole init bash)"',
      "IFS=$'x\\n'",
      'awsrole use prod-admin',
      'echo "profile=$AWSROLE_PROFILE key=${AWS_ACCESS_KEY_ID:0:4}"',
      'if awsrole use no-such-profile 2>/dev/null; then echo "no error?"; else echo "failed with $?"; fi',
      'echo "still=$AWSROLE_PROFILE"',
      'awsrole unset',
      'echo "after unset=${AWS_ACCESS_KEY_ID-none}"',
      'awsrole use no-such-profile 2>/dev/null',
      'echo "not reached"',
    ].join('\n');
    const result = runBash(script);
    expect(result.stdout).toBe('profile=prod-admin key=ASIA\nfailed with 2\nstill=prod-admin\nafter unset=none\n');
    // set -e stops the script at the failed use, with its exit code.
    expect(result.status).toBe(2);
  });

  it('leaves `eval "$(awsrole use X)"` working without the function', async () => {
    const result = runBash('set -eu\neval "$(awsrole use prod-admin --shell bash)"\necho "$AWSROLE_PROFILE"');
    expect(result).toMatchObject({ status: 0, stdout: 'prod-admin\n' });
  });
});

describe('awsrole init', () => {
  it('prints bash code that passes shellcheck', () => {
    const code = spawnSync(process.execPath, [AWSROLE_BIN, 'init', 'bash'], { env, encoding: 'utf8' }).stdout;
    const check = spawnSync('shellcheck', ['--shell=bash', '--severity=style', '-'], { input: code, encoding: 'utf8' });
    expect(check.stdout + check.stderr).toBe('');
    expect(check.status).toBe(0);
  });

  it('prints zsh code that zsh parses, and fish code that fish parses', () => {
    for (const [shell, check] of [['zsh', ['zsh', '-n']], ['fish', ['fish', '--no-execute']]] as const) {
      const code = spawnSync(process.execPath, [AWSROLE_BIN, 'init', shell], { env, encoding: 'utf8' }).stdout;
      const file = join(sandbox.home, `init.${shell}`);
      writeFileSync(file, code);
      const parsed = spawnSync(check[0], [...check.slice(1), file], { encoding: 'utf8' });
      expect(parsed.stderr, shell).toBe('');
      expect(parsed.status, shell).toBe(0);
    }
  });

  it('prints the PowerShell integration exactly as reviewed by hand in test/golden', () => {
    const code = spawnSync(process.execPath, [AWSROLE_BIN, 'init', 'powershell'], { env, encoding: 'utf8' }).stdout;
    expect(code).toBe(readFileSync(join(REPO_ROOT, 'test/golden/init.powershell.ps1'), 'utf8'));
    // pwsh is an accepted name for it.
    expect(spawnSync(process.execPath, [AWSROLE_BIN, 'init', 'pwsh'], { env, encoding: 'utf8' }).stdout).toBe(code);
  });

  it("unset keeps a region the user set when no use is in effect, and sets back the user's after one", async () => {
    const own = await runAwsrole(['unset', '--shell', 'bash'], { env: { ...env, AWS_REGION: 'ap-south-1' } });
    expect(own.stdout).toContain('unset AWS_ACCESS_KEY_ID');
    expect(own.stdout).not.toContain('AWS_REGION');
    const afterUse = await runAwsrole(['unset', '--shell', 'bash'], {
      env: { ...env, AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-1', AWSROLE_PROFILE: 'prod-admin', AWSROLE_USER_REGION: '{"AWS_DEFAULT_REGION":"ap-south-1"}' },
    });
    expect(afterUse.stdout).toContain('unset AWS_REGION\n');
    expect(afterUse.stdout).toContain("export AWS_DEFAULT_REGION='ap-south-1'\n");
    expect(afterUse.stdout).toContain('unset AWSROLE_USER_REGION\n');
  });

  it('refuses a shell it has no integration for, with the choices', async () => {
    const result = await runAwsrole(['init', 'tcsh'], { env });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('bash, zsh, fish, powershell');
  });
});

describe('awsrole __complete', () => {
  const completions = async (current: string, ...words: string[]) =>
    (await runAwsrole(['__complete', `--current=${current}`, '--', ...words], { env })).stdout.split('\n').filter(Boolean);

  it('offers subcommands, profiles, flags and their values', async () => {
    expect(await completions('')).toEqual(expect.arrayContaining(['use', 'exec', 'export', 'init', 'list', 'unset']));
    expect(await completions('', 'use')).toEqual(['base', 'prod-admin', 'staging']);
    expect(await completions('pr', 'exec')).toEqual(['prod-admin']);
    expect(await completions('--no-', 'use')).toEqual(['--no-cache', '--no-cli-cache']);
    expect(await completions('', 'export', 'staging', '--format')).toEqual(['env', 'env-no-export', 'fish', 'powershell', 'windows-cmd', 'dotenv', 'docker', 'process', 'json', 'ini']);
    expect(await completions('--format=j', 'export', 'staging')).toEqual(['--format=json']);
    expect(await completions('', 'use', '--region')).toEqual(['eu-west-1']);
    expect(await completions('f', 'init')).toEqual(['fish']);
    expect(await completions('', 'cache', 'clear')).toEqual(['base', 'prod-admin', 'staging']);
    // exec's command belongs to another program.
    expect(await completions('', 'exec', 'staging', '--', 'aws')).toEqual([]);
  });

  it('prints nothing, and no error, when the config cannot be read', async () => {
    const result = await runAwsrole(['__complete', '--current=', '--', 'use'], { env: { ...env, AWS_CONFIG_FILE: join(sandbox.home, 'missing-dir', 'config'), AWS_SHARED_CREDENTIALS_FILE: '/dev/null/x' } });
    expect(result).toMatchObject({ code: 0, stdout: '', stderr: '' });
  });
});

/** Runs a bash script (not interactive, no terminal) with awsrole on PATH. */
function runBash(script: string): { stdout: string; stderr: string; status: number | null } {
  const dir = mkdtempSync(join(tmpdir(), 'awsrole-script-'));
  try {
    mkdirSync(join(dir, 'bin'));
    symlinkSync(AWSROLE_BIN, join(dir, 'bin', 'awsrole'));
    const file = join(dir, 'script.bash');
    writeFileSync(file, script);
    const result = spawnSync('bash', [file], { env: { ...env, PATH: `${join(dir, 'bin')}:${env.PATH}` }, encoding: 'utf8', timeout: 30_000 });
    return { stdout: result.stdout, stderr: result.stderr, status: result.status };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

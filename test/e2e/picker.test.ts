// The profile picker of `awsrole use` (no profile named), in real interactive shells in tmux: what
// a person types and sees. Static-key profiles only: `use` of one needs no network, so no moto.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AWSROLE_BIN, runAwsrole } from '../support/cli.js';
import { createSandbox, type Sandbox } from '../support/sandbox.js';
import { shellQuote, waitFor } from '../support/shell.js';
import { startPane, type InteractiveShell, type Pane } from '../support/tmux.js';

const KEYS: Record<string, string> = {
  alpha: 'AKIAALPHAEXAMPLE0001',
  'prod-admin': 'AKIAPRODADMINEXAMPL1',
  'prod-readonly': 'AKIAPRODREADEXAMPLE1',
  staging: 'AKIASTAGINGEXAMPLE01',
};

let sandbox: Sandbox;
let pane: Pane | undefined;
let paneDirs: string[] = [];

beforeAll(() => {
  sandbox = createSandbox();
  sandbox.writeCredentials(
    Object.entries(KEYS).map(([name, key]) => `[${name}]\naws_access_key_id = ${key}\naws_secret_access_key = secret-of-${name}\n`).join('\n'),
  );
  sandbox.writeConfig('[profile prod-admin]\nregion = eu-west-1\n\n[profile prod-readonly]\nregion = us-east-1\n');
});

afterAll(() => sandbox?.cleanup());

beforeEach(() => {
  // No history from an earlier test: the order starts alphabetical.
  rmSync(join(sandbox.home, '.local', 'state'), { recursive: true, force: true });
});

afterEach(() => {
  pane?.kill();
  pane = undefined;
  for (const dir of paneDirs) rmSync(dir, { recursive: true, force: true });
  paneDirs = [];
});

async function open(shell: InteractiveShell, rc: string[] = []): Promise<Pane> {
  const dir = mkdtempSync(join(sandbox.home, `pane-${shell}-`));
  paneDirs.push(dir);
  pane = await startPane({ shell, env: sandbox.env(), dir, rc, height: 30 });
  return pane;
}

/** The profile names listed by the picker on the screen, top to bottom (selected one included). */
function listed(screen: string): string[] {
  return screen.split('\n').flatMap((line) => /^[> ] (\S+)\s+static keys/.exec(line)?.[1] ?? []);
}

async function waitForList(p: Pane, expected: string[]): Promise<void> {
  try {
    await waitFor(() => JSON.stringify(listed(p.screen())) === JSON.stringify(expected));
  } catch {
    throw new Error(`the picker never listed ${expected.join(', ')}; the screen shows:\n${p.screen()}`);
  }
}

async function waitForPickerGone(p: Pane): Promise<void> {
  try {
    await waitFor(() => !p.screen().includes('profile>') && /^READY>\s*$/m.test(p.screen()));
  } catch {
    throw new Error(`the picker is still on the screen:\n${p.screen()}`);
  }
}

const ALPHABETICAL = ['alpha', 'prod-admin', 'prod-readonly', 'staging'];

describe('the profile picker in bash', () => {
  it('filters as you type, moves with Down, chooses with Enter; the shell gets that profile', async () => {
    const p = await open('bash');
    p.type('eval "$(awsrole use)"');
    p.send('Enter');
    await waitForList(p, ALPHABETICAL);
    expect(p.screen()).toMatch(/^profile>/m);
    expect(p.screen()).toMatch(/^  prod-admin\s+static keys  eu-west-1$/m);
    p.type('prod');
    await waitForList(p, ['prod-admin', 'prod-readonly']);
    expect(p.screen()).toMatch(/^profile> prod$/m);
    expect(p.screen()).toMatch(/^> prod-admin/m);
    p.send('Down');
    await p.waitForScreen(/^> prod-readonly/m);
    p.send('Enter');
    await waitForPickerGone(p);
    // Nothing of the list is left on the screen.
    expect(p.screen()).not.toMatch(/static keys|prod-admin|staging/);
    expect(await p.run('echo "$AWSROLE_PROFILE $AWS_ACCESS_KEY_ID"')).toBe(`prod-readonly ${KEYS['prod-readonly']}\n`);
  });

  it('Esc cancels with exit 130: nothing set, the list erased, the terminal back in its mode', async () => {
    const p = await open('bash', ['eval "$(awsrole init bash)"']);
    p.type('awsrole use; echo "status=$?"; stty -a | grep -Eo -- "(^| )-?(icanon|echo) " | tr -d "\\n"; echo');
    p.send('Enter');
    await waitForList(p, ALPHABETICAL);
    p.type('pro');
    await waitForList(p, ['prod-admin', 'prod-readonly']);
    p.send('Escape');
    await p.waitForScreen(/^status=130$/m);
    await waitForPickerGone(p);
    const screen = p.screen();
    expect(screen).toContain('awsrole: cancelled');
    expect(screen).toMatch(/^ icanon\s+echo\s*$/m); // not -icanon, -echo: raw mode is off again
    expect(screen).not.toMatch(/profile>|static keys|prod-admin/);
    expect(await p.run('echo "[${AWSROLE_PROFILE-}][${AWS_ACCESS_KEY_ID-}]"')).toBe('[][]\n');
  });

  it('offers the most recently used profiles first (use and exec)', async () => {
    const p = await open('bash');
    expect(await p.run('eval "$(awsrole use staging)" && awsrole exec prod-readonly -- true && echo ok')).toBe('ok\n');
    p.send('clear', 'Enter');
    await p.waitForScreen(/^READY>\s*$/m);
    p.type('eval "$(awsrole use)"');
    p.send('Enter');
    await waitForList(p, ['prod-readonly', 'staging', 'alpha', 'prod-admin']);
    expect(p.screen()).toMatch(/^> prod-readonly/m);
    p.send('Down', 'Enter');
    await waitForPickerGone(p);
    expect(await p.run('echo "$AWSROLE_PROFILE"')).toBe('staging\n');
  });
});

describe('the profile picker in zsh and fish', () => {
  it('zsh: eval "$(awsrole use)"', async () => {
    const p = await open('zsh');
    p.type('eval "$(awsrole use)"');
    p.send('Enter');
    await waitForList(p, ALPHABETICAL);
    p.type('STAG');
    await waitForList(p, ['staging']);
    p.send('Enter');
    await waitForPickerGone(p);
    expect(await p.run('echo "$AWSROLE_PROFILE $AWS_ACCESS_KEY_ID"')).toBe(`staging ${KEYS.staging}\n`);
  });

  it('fish: awsrole use --shell fish | source', async () => {
    const p = await open('fish');
    p.type('awsrole use --shell fish | source');
    p.send('Enter');
    await waitForList(p, ALPHABETICAL);
    p.type('lph');
    await waitForList(p, ['alpha']);
    p.send('Enter');
    await waitForPickerGone(p);
    expect(await p.run('echo "$AWSROLE_PROFILE $AWS_ACCESS_KEY_ID"')).toBe(`alpha ${KEYS.alpha}\n`);
  });
});

describe('without a picker', () => {
  it('no terminal: exit 2, only the eval-failing statement on stdout, a hint with how to name a profile and some names', async () => {
    const result = await runAwsrole(['use'], { env: sandbox.env() });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('(exit 2)\n');
    expect(result.stderr).toMatch(/^awsrole: awsrole use needs a profile name/);
    expect(result.stderr).toContain('awsrole use <profile>');
    expect(result.stderr).toContain('awsrole list');
    expect(result.stderr).toContain('alpha, prod-admin, prod-readonly, staging');
  });

  it('no profiles at all: exit 2 naming the files', async () => {
    const empty = createSandbox();
    try {
      const result = await runAwsrole(['use'], { env: empty.env() });
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('(exit 2)\n');
      expect(result.stderr).toContain(`no profiles in ${empty.configPath}`);
    } finally {
      empty.cleanup();
    }
  });

  it('stdout is a terminal: no picker; says to name a profile or install the shell function', () => {
    // `script` gives awsrole a pseudo-terminal as stdin, stdout and stderr: a picker would hang here.
    const result = spawnSync('script', ['-qec', `${shellQuote(process.execPath)} ${shellQuote(AWSROLE_BIN)} use`, '/dev/null'], {
      env: { ...sandbox.env(), SHELL: '/bin/bash' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(2);
    expect(result.stdout).not.toMatch(/^profile>/m);
    expect(result.stdout).toContain('awsrole use needs a profile name when stdout is a terminal');
    expect(result.stdout).toContain('eval "$(awsrole use <profile>)"');
    expect(result.stdout).toContain('eval "$(awsrole init bash)"');
  });
});

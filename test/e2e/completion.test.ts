// TAB completion of awkward words in real bash, zsh and fish (tmux): profile names with a space
// or a `:` (which bash splits words at), typed bare or in quotes; after `exec <profile> --` the
// names of commands, then files; file names where awsrole has nothing to offer. Each completed
// line is then run, so what counts is what the shell understood, not only what it shows.
// No network: `explain` shows the profile the shell passed.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runAwsrole } from '../support/cli.js';
import { createSandbox, type Sandbox } from '../support/sandbox.js';
import { shellQuote } from '../support/shell.js';
import { startPane, type InteractiveShell, type Pane } from '../support/tmux.js';

let sandbox: Sandbox;
let env: Record<string, string>;

const KEYS = 'aws_access_key_id = AKIAEXAMPLE000000001\naws_secret_access_key = not-a-real-secret\n';

beforeAll(() => {
  sandbox = createSandbox();
  sandbox.writeConfig(`[profile "my profile"]\n${KEYS}\n[profile team:prod]\n${KEYS}\n[profile other]\n${KEYS}`);
  env = sandbox.env({ LANG: 'C.UTF-8' });
});

afterAll(() => sandbox?.cleanup());

const RC: Record<InteractiveShell, string[]> = {
  bash: ['eval "$(awsrole init bash)"'],
  zsh: ['autoload -Uz compinit && compinit -u -d "$ZDOTDIR/.zcompdump"', 'eval "$(awsrole init zsh)"'],
  fish: ['awsrole init fish | source'],
};

describe.each(['bash', 'zsh', 'fish'] as const)('completion in %s', (shell) => {
  let pane: Pane | undefined;
  let dir: string;

  /** A shell in a directory holding one file, with one command of our own on PATH. */
  const open = async () => {
    dir = mkdtempSync(join(tmpdir(), `awsrole-complete-${shell}-`));
    const work = join(dir, 'work');
    mkdirSync(join(dir, 'bin'), { recursive: true });
    mkdirSync(work);
    writeFileSync(join(work, 'notes-for-awsrole.txt'), 'x');
    writeFileSync(join(dir, 'bin', 'zq-only-command'), '#!/bin/sh\necho "zq ran with: $*"\n');
    chmodSync(join(dir, 'bin', 'zq-only-command'), 0o755);
    pane = await startPane({ shell, dir, env, rc: [`cd ${shellQuote(work)}`, ...RC[shell]] });
    return pane;
  };

  /** Types `line`, presses TAB, waits for `completed` at the end of the prompt line. */
  const tab = async (p: Pane, line: string, completed: RegExp) => {
    p.type(line);
    p.send('Tab');
    await p.waitForScreen(completed);
  };

  /** Runs what is on the command line now; resolves when `output` shows. */
  const enter = async (p: Pane, output: RegExp) => {
    p.send('Enter');
    await p.waitForScreen(output);
    p.send('clear', 'Enter');
    await p.waitForScreen(/^READY>\s*$/m);
  };

  afterEach(() => {
    pane?.kill();
    pane = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('a profile name with a space, quoted so that the shell passes it whole', async () => {
    const p = await open();
    await tab(p, 'awsrole explain my', /^READY> awsrole explain my\\ profile\s*$/m);
    await enter(p, /^profile my profile$/m);
    // Typed in quotes, it stays in quotes.
    await tab(p, "awsrole explain 'my p", /^READY> awsrole explain 'my profile'\s*$/m);
    await enter(p, /^profile my profile$/m);
  });

  it('a profile name with a colon', async () => {
    const p = await open();
    await tab(p, 'awsrole explain team:p', /^READY> awsrole explain team:prod\s*$/m);
    await enter(p, /^profile team:prod$/m);
  });

  it('after exec <profile> --: command names, then files', async () => {
    const p = await open();
    await tab(p, 'awsrole exec other -- zq-only', /^READY> awsrole exec other -- zq-only-command\s*$/m);
    p.type('notes-for'); // after the space the completion added
    p.send('Tab');
    await p.waitForScreen(/^READY> awsrole exec other -- zq-only-command notes-for-awsrole\.txt\s*$/m);
    await enter(p, /^zq ran with: notes-for-awsrole\.txt$/m);
  });

  it('file names where awsrole has nothing to offer', async () => {
    const p = await open();
    await tab(p, 'awsrole use other notes-f', /^READY> awsrole use other notes-for-awsrole\.txt\s*$/m);
    p.send('C-u');
    if (shell === 'fish') p.send('C-k');
    await tab(p, 'awsrole list notes-f', /^READY> awsrole list notes-for-awsrole\.txt\s*$/m);
  });

  it('but no file names where a profile goes', async () => {
    const p = await open();
    p.type('awsrole explain notes-f');
    p.send('Tab');
    // Give the shell time to answer, then check that it offered nothing.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(p.screen()).toMatch(/^READY> awsrole explain notes-f\s*$/m);
  });
});

describe('awsrole __complete --shell', () => {
  const answer = async (shell: string, current: string, ...words: string[]) =>
    (await runAwsrole(['__complete', `--shell=${shell}`, `--current=${current}`, '--', ...words], { env })).stdout.split('\n').slice(0, -1);

  it('says what to offer on the first line', async () => {
    expect(await answer('zsh', '', 'explain')).toEqual(['values', 'my profile', 'other', 'team:prod']);
    expect(await answer('zsh', '', 'exec', 'other', '--')).toEqual(['commands']);
    expect(await answer('zsh', '', 'exec', 'other', 'aws')).toEqual(['files']);
    expect(await answer('fish', '', 'use', 'other')).toEqual(['files']);
    expect(await answer('fish', '', 'use', '--session-name')).toEqual(['files']);
    expect(await answer('fish', '', 'use', '--mfa-command')).toEqual(['commands']);
    expect(await answer('fish', 'x', 'use')).toEqual(['values']);
  });

  it('bash: words unquoted; values cut after the colon bash completes from; quoting asked for', async () => {
    expect(await answer('bash', "'my p", 'explain')).toEqual(['quoted-values', 'my profile']);
    expect(await answer('bash', 'my\\ p', 'explain')).toEqual(['quoted-values', 'my profile']);
    expect(await answer('bash', 'team:p', 'explain')).toEqual(['values', 'prod']);
    expect(await answer('bash', "'team:p", 'explain')).toEqual(['values', 'team:prod']);
    expect(await answer('bash', '', 'exec', "'my profile'", '--')).toEqual(['commands']);
  });

  it('without --shell (PowerShell): the values only, as before', async () => {
    expect(await answer('', '', 'exec', 'other', '--')).toEqual([]);
    expect((await runAwsrole(['__complete', '--current=', '--', 'explain'], { env })).stdout).toBe('my profile\nother\nteam:prod\n');
  });
});

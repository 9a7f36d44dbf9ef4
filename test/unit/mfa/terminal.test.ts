// The real prompt on a real pseudo-terminal: the fixture gets a code through the built module
// inside a tmux pane, with stdin from /dev/null and stdout and stderr redirected to files, so
// that whatever shows on the screen was written to /dev/tty. Keys go in with send-keys; the
// screen is read with capture-pane. After the fixture exits, the pane prints its exit code and
// the terminal's modes (stty), so a mode left raw would show as -echo.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

const FIXTURE = fileURLToPath(new URL('./fixtures/prompt.mjs', import.meta.url));
const SRC = fileURLToPath(new URL('../../../src/mfa/', import.meta.url));
const DIST = fileURLToPath(new URL('../../../build/modules/mfa/', import.meta.url));
const SERIAL = 'arn:aws:iam::111111111111:mfa/alice';
// botocore's wording; capture-pane drops the trailing space of a line.
const PROMPT = `Enter MFA code for ${SERIAL}:`;

const PANE_SCRIPT = `
fixture=$1 dir=$2; shift 2
"$NODE" "$fixture" "$@" < /dev/null > "$dir/out" 2> "$dir/err"
echo "EXIT=$?"
modes=$(stty -a | tr ' ;' '\\n\\n' | grep -E '^-?(echo|icanon|isig)$' | tr '\\n' ' ')
echo "STTY: $modes:END"
exec sleep 600
`;

let panes = 0;

/** One tmux server (own socket) with one 120×20 pane running the fixture. */
class Pane {
  readonly socket = `awsrole-mfa-${process.pid}-${++panes}`;
  readonly dir = mkdtempSync(join(tmpdir(), 'awsrole-mfa-'));

  constructor(args: string[]) {
    const env: NodeJS.ProcessEnv = { ...process.env, NODE: process.execPath };
    delete env.TMUX; // a developer running the tests inside tmux
    delete env.TMUX_PANE;
    execFileSync('tmux', ['-L', this.socket, '-f', '/dev/null', 'new-session', '-d', '-s', 'main', '-x', '120', '-y', '20',
      '/bin/sh', '-c', PANE_SCRIPT, 'sh', FIXTURE, this.dir, ...args], { env });
  }

  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8' });
  }

  screen(): string {
    return this.tmux('capture-pane', '-p', '-t', 'main').trimEnd();
  }

  /** Polls the screen until it shows `text` (or `count` of them); fails with the screen after 10 s. */
  async waitFor(text: string, count = 1): Promise<string> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const screen = this.screen();
      if (screen.split(text).length - 1 >= count) return screen;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${JSON.stringify(text)} ×${count}; screen:\n${screen}`);
      await sleep(50);
    }
  }

  type(text: string): void {
    this.tmux('send-keys', '-t', 'main', '-l', text);
  }

  /** A tmux key name: Enter, BSpace, C-c, C-d. */
  press(key: string): void {
    this.tmux('send-keys', '-t', 'main', key);
  }

  /** What the fixture's stdout and stderr got, once the pane shows that it exited. */
  async finished(): Promise<{ screen: string; exit: number; stty: string; stdout: string; stderr: string }> {
    const screen = await this.waitFor(':END');
    return {
      screen,
      exit: Number(/EXIT=(\d+)/.exec(screen)?.[1]),
      stty: /STTY:(.*):END/.exec(screen)?.[1]?.trim() ?? '',
      stdout: readFileSync(join(this.dir, 'out'), 'utf8'),
      stderr: readFileSync(join(this.dir, 'err'), 'utf8'),
    };
  }

  /** The fixture's process id: the only child of the pane's shell. */
  fixturePid(): number {
    const shell = this.tmux('display-message', '-p', '-t', 'main', '#{pane_pid}').trim();
    return Number(execFileSync('pgrep', ['-P', shell], { encoding: 'utf8' }).trim());
  }

  kill(): void {
    try {
      this.tmux('kill-server');
    } catch {
      // already gone
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The fixture imports build/modules/: refuse to test a build older than the sources. */
beforeAll(() => {
  for (const file of readdirSync(SRC).filter((f) => f.endsWith('.ts'))) {
    const built = join(DIST, file.replace(/\.ts$/, '.js'));
    if (!existsSync(built) || statSync(built).mtimeMs < statSync(join(SRC, file)).mtimeMs) {
      throw new Error(`${built} is missing or older than src/mfa/${file}: run \`npm run build\` (npm test does)`);
    }
  }
});

let pane: Pane | undefined;
afterEach(() => {
  pane?.kill();
  pane = undefined;
});

const open = (...args: string[]): Pane => (pane = new Pane(args));

describe('the prompt on /dev/tty', () => {
  it('asks on the terminal, reads without echo, and puts only the code on stdout', async () => {
    const tty = open();
    await tty.waitFor(PROMPT);
    tty.type('493817');
    tty.press('Enter');
    const result = await tty.finished();
    expect(result.screen).toContain(PROMPT);
    expect(result.screen).not.toContain('493817');
    expect(result).toMatchObject({ exit: 0, stdout: 'CODE=493817\n', stderr: '' });
    expect(result.stty.split(' ')).toEqual(expect.arrayContaining(['echo', 'icanon', 'isig']));
  });

  it('asks again when what was typed is not 6 digits', async () => {
    const tty = open();
    await tty.waitFor(PROMPT);
    tty.type('12a');
    tty.press('Enter');
    await tty.waitFor(PROMPT, 2);
    expect(tty.screen()).toContain('The MFA code must be 6 digits; try again.');
    tty.type('123456');
    tty.press('Enter');
    const result = await tty.finished();
    expect(result.screen).not.toMatch(/12a|123456/);
    expect(result).toMatchObject({ exit: 0, stdout: 'CODE=123456\n' });
  });

  it('Backspace edits what was typed', async () => {
    const tty = open();
    await tty.waitFor(PROMPT);
    tty.type('1239');
    tty.press('BSpace');
    tty.type('456');
    tty.press('Enter');
    expect(await tty.finished()).toMatchObject({ exit: 0, stdout: 'CODE=123456\n' });
  });

  it('Ctrl-C aborts with exit 130 and leaves the terminal as it was', async () => {
    const tty = open();
    await tty.waitFor(PROMPT);
    tty.type('12');
    tty.press('C-c');
    const result = await tty.finished();
    expect(result).toMatchObject({ exit: 130, stdout: '', stderr: 'awsrole: MFA code prompt cancelled\n' });
    expect(result.stty.split(' ')).toEqual(expect.arrayContaining(['echo', 'icanon', 'isig']));
  });

  it('SIGTERM while asking: exit 143 and the terminal restored', async () => {
    const tty = open();
    await tty.waitFor(PROMPT);
    process.kill(tty.fixturePid(), 'SIGTERM');
    const result = await tty.finished();
    expect(result).toMatchObject({ exit: 143, stdout: '', stderr: 'awsrole: MFA code prompt interrupted by SIGTERM\n' });
    expect(result.stty.split(' ')).toEqual(expect.arrayContaining(['echo', 'icanon', 'isig']));
  });

  it('Ctrl-D on an empty line stops asking: exit 2 with the other ways', async () => {
    const tty = open();
    await tty.waitFor(PROMPT);
    tty.press('C-d');
    const result = await tty.finished();
    expect(result).toMatchObject({ exit: 2, stdout: '' });
    expect(result.stderr).toContain('--mfa-command');
    expect(result.stty.split(' ')).toContain('echo');
  });

  it('a code command runs instead of the prompt, its stderr reaching the user', async () => {
    const tty = open('--mfa-process', `sh -c 'echo "Touch your YubiKey" >&2; echo 246810'`);
    const result = await tty.finished();
    expect(result.screen).not.toContain('Enter MFA code');
    expect(result).toMatchObject({ exit: 0, stdout: 'CODE=246810\n', stderr: 'Touch your YubiKey\n' });
  });
});

describe('without a terminal', () => {
  /** Runs the fixture in a new session (setsid), which has no controlling terminal. */
  function runDetached(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn('setsid', ['--wait', process.execPath, FIXTURE, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  it('is a usage error that says the three ways to pass a code', async () => {
    const result = await runDetached();
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `awsrole: profile "prod-admin" needs an MFA code for ${SERIAL} and there is no terminal to ask on\n` +
        '  hint: pass one with --mfa-code 123456, or a command that prints one with --mfa-command "<command>" ' +
        'or mfa_process = <command> in the profile\n',
    );
  });

  it('--mfa-code needs no terminal', async () => {
    expect(await runDetached('--mfa-code', '135790')).toEqual({ code: 0, stdout: 'CODE=135790\n', stderr: '' });
  });
});

// A real interactive shell (bash, zsh or fish) in a detached tmux pane, driven by keys and read
// back from the screen: what a person at a terminal would type and see.

import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AWSROLE_BIN } from './cli.js';
import { shellQuote, waitFor } from './shell.js';

export type InteractiveShell = 'bash' | 'zsh' | 'fish';
/** The shells a pane can run: those with awsrole's shell function, and dash (POSIX sh) without. */
export type PaneShell = InteractiveShell | 'dash';

export interface Pane {
  /** tmux key names or literal strings, as `tmux send-keys` takes them: `send('awsrole use pr', 'Tab')`. */
  send(...keys: string[]): void;
  /** Types text literally (no key-name lookup), without Enter. */
  type(text: string): void;
  /**
   * The visible screen, trailing blank lines removed; with `escapes`, colours and attributes as
   * SGR escape sequences (`tmux capture-pane -e`).
   */
  screen(options?: { escapes?: boolean }): string;
  /** Waits until the screen matches; the error shows the screen. */
  waitForScreen(match: string | RegExp, timeoutMs?: number): Promise<void>;
  /**
   * Runs a command line in the shell and waits for it to finish; resolves its output, read from a
   * file (not the screen) so that long lines and wrapping do not matter.
   */
  run(commandLine: string, timeoutMs?: number): Promise<string>;
  kill(): void;
}

export interface PaneOptions {
  shell: PaneShell;
  /** The whole environment of the shell (nothing is inherited); PATH gets awsrole's bin dir first. */
  env: Record<string, string>;
  /** A scratch directory for the rc file, the awsrole link and command outputs. */
  dir: string;
  /** Lines of the rc file, after a plain prompt is set. */
  rc: string[];
  width?: number;
  height?: number;
}

const PROMPT = 'READY> ';
let panes = 0;

/**
 * Puts `awsrole` on PATH as a link to bin/awsrole.js — as `npm install -g` would — and starts the
 * shell with `rc` as its startup file and a plain prompt, so tests can tell when it is ready.
 */
export async function startPane(options: PaneOptions): Promise<Pane> {
  const { shell, dir } = options;
  const binDir = join(dir, 'bin');
  mkdirSync(binDir, { recursive: true });
  try {
    symlinkSync(AWSROLE_BIN, join(binDir, 'awsrole'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const env = { ...options.env, PATH: `${binDir}:${options.env.PATH ?? '/usr/bin:/bin'}`, TERM: 'xterm-256color' };
  const socket = `awsrole-pane-${process.pid}-${++panes}`;
  const tmux = (...args: string[]) => spawnSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });

  const shellCommand = startCommand(shell, dir, options.rc);
  const envWords = Object.entries(env).map(([name, value]) => `${name}=${shellQuote(value)}`).join(' ');
  const started = tmux(
    'new-session', '-d', '-x', String(options.width ?? 200), '-y', String(options.height ?? 50),
    `exec env -i ${envWords} ${shellCommand}`,
  );
  if (started.status !== 0) throw new Error(`tmux did not start: ${started.stderr}`);

  let runs = 0;
  const pane: Pane = {
    send: (...keys) => void tmux('send-keys', ...keys),
    type: (text) => void tmux('send-keys', '-l', text),
    screen: (options) => tmux('capture-pane', '-p', ...(options?.escapes ? ['-e'] : [])).stdout.replace(/\n+$/, ''),
    async waitForScreen(match, timeoutMs = 10_000) {
      const matches = () => (typeof match === 'string' ? pane.screen().includes(match) : match.test(pane.screen()));
      try {
        await waitFor(matches, timeoutMs);
      } catch {
        throw new Error(`screen never showed ${String(match)}; it shows:\n${pane.screen()}`);
      }
    },
    async run(commandLine, timeoutMs = 20_000) {
      const out = join(dir, `run-${++runs}.out`);
      const marker = `DONE-${runs}`;
      // `clear` first so the marker test cannot match an earlier run's output.
      pane.send('clear', 'Enter');
      await pane.waitForScreen(/^READY>\s*$/m);
      const group = shell === 'fish' ? `begin; ${commandLine}; end` : `{ ${commandLine}; }`;
      pane.type(`${group} > ${shellQuote(out)} 2>&1; echo ${marker}`);
      pane.send('Enter');
      await pane.waitForScreen(new RegExp(`^${marker}$`, 'm'), timeoutMs);
      return readFileSync(out, 'utf8');
    },
    kill: () => void tmux('kill-server'),
  };
  try {
    await pane.waitForScreen('READY>', 15_000);
  } catch (error) {
    pane.kill();
    throw error;
  }
  return pane;
}

function startCommand(shell: PaneShell, dir: string, rc: string[]): string {
  switch (shell) {
    case 'dash': {
      // An interactive sh reads the file named by $ENV.
      const rcFile = join(dir, 'shrc');
      writeFileSync(rcFile, [`PS1=${shellQuote(PROMPT)}`, 'PS2=', ...rc, ''].join('\n'));
      return `env ENV=${shellQuote(rcFile)} dash -i`;
    }
    case 'bash': {
      const rcFile = join(dir, 'bashrc');
      writeFileSync(rcFile, [`PS1=${shellQuote(PROMPT)}`, 'PS2=', ...rc, ''].join('\n'));
      return `bash --noprofile --rcfile ${shellQuote(rcFile)} -i`;
    }
    case 'zsh': {
      const zdotdir = join(dir, 'zdotdir');
      mkdirSync(zdotdir, { recursive: true });
      writeFileSync(join(zdotdir, '.zshrc'), [`PROMPT=${shellQuote(PROMPT)}`, 'RPROMPT=', ...rc, ''].join('\n'));
      return `env ZDOTDIR=${shellQuote(zdotdir)} zsh -i`;
    }
    case 'fish': {
      const rcFile = join(dir, 'config.fish');
      writeFileSync(
        rcFile,
        [`function fish_prompt; printf '%s' ${shellQuote(PROMPT)}; end`, 'function fish_greeting; end', 'function fish_right_prompt; end', ...rc, ''].join('\n'),
      );
      return `fish --no-config --init-command ${shellQuote(`source ${shellQuote(rcFile)}`)} -i`;
    }
  }
}

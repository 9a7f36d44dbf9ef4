import { spawn } from 'node:child_process';
import { delimiter } from 'node:path';
import type { Env } from '../environment/env.js';

/**
 * Opens `url` in a browser without a shell: `$BROWSER` when set (Python's webbrowser rules, which
 * the AWS CLI follows: the first of a PATH-like list, `%s` replaced by the URL or the URL added
 * at the end), else `open` on macOS, the URL handler on Windows, `xdg-open` elsewhere. The opener
 * runs detached with no terminal; a failure to start it, or a non-zero exit, is only reported
 * through `failed` (the reason, without a hint: the caller knows what the user can do instead).
 */
export function openBrowser(
  url: string,
  env: Env,
  failed: (why: string) => void,
  platform: NodeJS.Platform = process.platform,
  succeeded: () => void = () => {},
): void {
  const [command, ...args] = browserCommand(url, env, platform);
  if (!command) return;
  const fail = (why: string) => failed(`could not open a browser (${command}: ${why})`);
  try {
    const child = spawn(command, args, { stdio: 'ignore', detached: true, env: { ...env } as NodeJS.ProcessEnv });
    child.once('error', (error: NodeJS.ErrnoException) => fail(error.code ?? error.message));
    child.once('exit', (code, signal) => {
      if (code !== 0) fail(signal ? `killed by ${signal}` : `exit code ${code}`);
      else succeeded();
    });
    child.unref();
  } catch (error) {
    fail((error as Error).message);
  }
}

export type BrowserOutcome = { kind: 'opened' } | { kind: 'still-running' } | { kind: 'failed'; why: string };

/**
 * openBrowser, waiting up to `waitMs` for the opener to finish: `xdg-open`, `open` and a browser
 * that hands the URL to its running instance exit at once, with a code that says whether it
 * worked. A browser started afresh keeps running: after `waitMs` that counts as opened.
 */
export function launchBrowser(url: string, env: Env, waitMs: number, platform: NodeJS.Platform = process.platform): Promise<BrowserOutcome> {
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const settle = (outcome: BrowserOutcome) => {
      clearTimeout(timer);
      resolve(outcome);
    };
    timer = setTimeout(() => settle({ kind: 'still-running' }), waitMs);
    openBrowser(url, env, (why) => settle({ kind: 'failed', why }), platform, () => settle({ kind: 'opened' }));
  });
}

export function browserCommand(url: string, env: Env, platform: NodeJS.Platform): string[] {
  const configured = env.BROWSER?.split(delimiter).map((entry) => entry.trim()).find((entry) => entry !== '');
  if (configured) {
    const words = configured.split(/\s+/);
    return words.some((word) => word.includes('%s')) ? words.map((word) => word.replaceAll('%s', url)) : [...words, url];
  }
  if (platform === 'darwin') return ['open', url];
  // rundll32 rather than `cmd /c start`: cmd would treat the & in a URL as a command separator.
  if (platform === 'win32') return ['rundll32', 'url.dll,FileProtocolHandler', url];
  return ['xdg-open', url];
}

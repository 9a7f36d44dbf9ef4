import { closeSync, writeSync } from 'node:fs';
import { constants } from 'node:os';
import { ReadStream } from 'node:tty';
import { openDevTty } from '../dev-tty.js';
import { AwsroleError } from '../errors.js';
import { createLineEditor } from './line-editor.js';

/** The user's terminal, where a code is asked for. Injectable so that the prompt logic is tested without one. */
export interface Terminal {
  /**
   * Shows `prompt` and reads one line without echo, then moves to the next line. Resolves
   * undefined at end of input (Ctrl-D on an empty line); rejects with exit 130 on Ctrl-C.
   */
  readHidden(prompt: string): Promise<string | undefined>;
  /** Text for the user on the terminal (not on stderr, which may be redirected). */
  write(text: string): void;
  close(): void;
}

/** Exit code for Ctrl-C, as the shell reports a SIGINT: 128 + 2. */
export const INTERRUPTED_EXIT_CODE = 128 + constants.signals.SIGINT;

// While echo is off these must restore the terminal before the process goes; a signal handler
// replaces the default "die", so the signal becomes an error with the shell's 128+N code.
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'] as const;

/** The MFA prompt's terminal: /dev/tty (see openDevTty), or undefined when there is none. */
export function openTerminal(path = '/dev/tty'): Terminal | undefined {
  const tty = openDevTty(path);
  return tty && new DevTty(new ReadStream(tty.readFd), tty.writeFd);
}

class DevTty implements Terminal {
  private closed = false;

  constructor(
    private readonly input: ReadStream,
    private readonly writeFd: number,
  ) {
    input.setEncoding('utf8');
    input.pause();
  }

  write(text: string): void {
    writeSync(this.writeFd, text);
  }

  readHidden(prompt: string): Promise<string | undefined> {
    const { input } = this;
    const editor = createLineEditor();
    return new Promise((resolve, reject) => {
      const finish = (outcome: () => void): void => {
        input.off('data', onData);
        input.off('end', onEnd);
        input.off('error', onError);
        for (const signal of SIGNALS) process.off(signal, onSignal);
        process.off('exit', restore);
        input.pause();
        restore();
        try {
          this.write('\n'); // the Enter the user typed was not echoed either
        } catch {
          // The terminal is gone; there is no line to end.
        }
        outcome();
      };
      const restore = (): void => {
        if (input.isRaw) input.setRawMode(false);
      };
      const onData = (chunk: string): void => {
        const end = editor.feed(chunk);
        if (!end) return;
        if (end.kind === 'interrupt') {
          finish(() => reject(new AwsroleError('MFA code prompt cancelled', INTERRUPTED_EXIT_CODE)));
        } else {
          finish(() => resolve(end.kind === 'line' ? end.line : undefined));
        }
      };
      const onEnd = (): void => finish(() => resolve(undefined)); // the terminal hung up
      const onError = (error: Error): void => finish(() => reject(error));
      const onSignal = (signal: NodeJS.Signals): void => {
        finish(() => reject(new AwsroleError(`MFA code prompt interrupted by ${signal}`, 128 + constants.signals[signal])));
      };

      // Raw mode before the prompt: keys typed as soon as it shows must not be echoed.
      input.setRawMode(true);
      process.on('exit', restore); // someone calls process.exit() while we wait
      for (const signal of SIGNALS) process.on(signal, onSignal);
      input.on('data', onData);
      input.on('end', onEnd);
      input.on('error', onError);
      try {
        this.write(prompt);
      } catch (error) {
        finish(() => reject(error));
        return;
      }
      input.resume();
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.input.isRaw) this.input.setRawMode(false);
    this.input.destroy();
    closeSync(this.writeFd);
  }
}

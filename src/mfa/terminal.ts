import { closeSync, writeSync } from 'node:fs';
import { constants } from 'node:os';
import { ReadStream } from 'node:tty';
import { openDevTty, readRaw } from '../terminal/dev-tty.js';
import { AwsroleError } from '../errors/errors.js';
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

/**
 * The MFA prompt's terminal: /dev/tty (see openDevTty), or undefined when there is none. `what`
 * names the prompt in the message when Ctrl-C or a signal ends it.
 */
export function openTerminal(path = '/dev/tty', what = 'MFA code prompt'): Terminal | undefined {
  const tty = openDevTty(path);
  return tty && new DevTty(new ReadStream(tty.readFd), tty.writeFd, what);
}

class DevTty implements Terminal {
  private closed = false;

  constructor(
    private readonly input: ReadStream,
    private readonly writeFd: number,
    private readonly what: string,
  ) {
    input.setEncoding('utf8');
    input.pause();
  }

  write(text: string): void {
    writeSync(this.writeFd, text);
  }

  readHidden(prompt: string): Promise<string | undefined> {
    const editor = createLineEditor();
    return readRaw<string | undefined>(this.input, {
      start: () => this.write(prompt),
      data: (chunk, settle) => {
        const end = editor.feed(chunk);
        if (!end) return;
        if (end.kind === 'interrupt') settle({ error: new AwsroleError(`${this.what} cancelled`, INTERRUPTED_EXIT_CODE) });
        else settle({ value: end.kind === 'line' ? end.line : undefined });
      },
      end: (settle) => settle({ value: undefined }), // the terminal hung up
      interrupted: (signal) => new AwsroleError(`${this.what} interrupted by ${signal}`, 128 + constants.signals[signal]),
      after: () => this.write('\n'), // the Enter the user typed was not echoed either
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

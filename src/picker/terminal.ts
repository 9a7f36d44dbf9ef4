/**
 * The picker on the user's terminal: /dev/tty opened for reading (keys, in raw mode) and for
 * writing (the list), never stdin nor stdout — `eval "$(awsrole use)"` and the shell functions
 * read stdout. Every way out (a choice, Esc, Ctrl-C, a signal, the terminal closing, an error,
 * process.exit) erases what was drawn, shows the cursor and puts the terminal back in its mode.
 */
import { writeSync } from 'node:fs';
import { constants } from 'node:os';
import { isatty, ReadStream, WriteStream } from 'node:tty';
import { openDevTty, readRaw } from '../terminal/dev-tty.js';
import type { Env } from '../environment/env.js';
import { AwsroleError } from '../errors/errors.js';
import { INTERRUPTED_EXIT_CODE } from '../mfa/terminal.js';
import { useColour } from '../output/colour.js';
import { decodeKeys } from './keys.js';
import { clearFrame, renderFrame } from './render.js';
import { applyKey, createPickerState, withHeight, type PickerItem } from './state.js';

/** Rows of the list at most; fewer on a short terminal. */
export const PICKER_ROWS = 10;

export interface PickerTerminal {
  /** Shows the list and resolves the item chosen; rejects with exit 130 ("cancelled") on Esc or Ctrl-C. */
  pick(items: readonly PickerItem[]): Promise<PickerItem>;
  close(): void;
}

export interface OpenPickerOptions {
  /** Default /dev/tty. */
  path?: string;
  /** Whether stdin (fd 0) and stderr (fd 2) are terminals; default: asked of the process. */
  stdinIsTTY?: boolean;
  stderrIsTTY?: boolean;
}

/**
 * The terminal to pick on, or undefined when there is none to use. The rule:
 * - stdin or stderr must be a terminal. Both redirected (`eval "$(awsrole use)" </dev/null 2>log`,
 *   a script's or CI job's streams) means nobody is expected to interact, even if the script
 *   was started from a terminal and /dev/tty would open; `eval "$(awsrole use)"` at a prompt and
 *   the shell functions keep both on the terminal. stdout does not count: it is captured.
 * - and /dev/tty must open and be a terminal: a process without a controlling terminal (cron,
 *   CI, setsid) gets ENXIO there.
 * (The caller deals with stdout being a terminal, where no picker is opened at all.)
 */
export function openPickerTerminal(env: Env, options: OpenPickerOptions = {}): PickerTerminal | undefined {
  const stdinIsTTY = options.stdinIsTTY ?? isatty(0);
  const stderrIsTTY = options.stderrIsTTY ?? isatty(2);
  if (!stdinIsTTY && !stderrIsTTY) return undefined;
  const tty = openDevTty(options.path);
  if (!tty) return undefined;
  return new PickerTty(new ReadStream(tty.readFd), new WriteStream(tty.writeFd), tty.writeFd, useColour({ isTTY: true }, env));
}

class PickerTty implements PickerTerminal {
  private closed = false;

  constructor(
    private readonly input: ReadStream,
    /** Only for the window size; the frames are written synchronously to `writeFd`. */
    private readonly output: WriteStream,
    private readonly writeFd: number,
    private readonly colour: boolean,
  ) {
    input.setEncoding('utf8'); // a character split across two reads is joined again
    input.pause();
  }

  private write(text: string): void {
    writeSync(this.writeFd, text);
  }

  /** [columns, list rows]; 80 and PICKER_ROWS when the terminal does not say. */
  private size(): [number, number] {
    let columns = 0;
    let rows = 0;
    try {
      [columns, rows] = this.output.getWindowSize();
    } catch {
      // Not answered: the defaults below.
    }
    // The prompt line, the position line and the command line above take three rows.
    return [columns > 0 ? columns : 80, rows > 0 ? Math.max(1, Math.min(PICKER_ROWS, rows - 3)) : PICKER_ROWS];
  }

  pick(items: readonly PickerItem[]): Promise<PickerItem> {
    const { input } = this;
    let [width, height] = this.size();
    let state = createPickerState(items, height);
    const draw = () => this.write(renderFrame(state, { width, colour: this.colour }));

    return readRaw<PickerItem>(input, {
      start: draw,
      data: (chunk, settle) => {
        for (const key of decodeKeys(chunk)) {
          const step = applyKey(state, key);
          if (step.kind === 'chosen') return settle({ value: step.item });
          if (step.kind === 'cancelled') return settle({ error: new AwsroleError('cancelled', INTERRUPTED_EXIT_CODE) });
          state = step.state;
        }
        try {
          draw();
        } catch (error) {
          settle({ error });
        }
      },
      end: (settle) => settle({ error: new AwsroleError('cancelled: the terminal closed', 128 + constants.signals.SIGHUP) }),
      interrupted: (signal) => new AwsroleError(`cancelled by ${signal}`, 128 + constants.signals[signal]),
      tidy: () => this.write(clearFrame()),
      resize: () => {
        [width, height] = this.size();
        state = withHeight(state, height);
        try {
          draw();
        } catch {
          // Drawn again at the next key.
        }
      },
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.input.isRaw) this.input.setRawMode(false);
    this.input.destroy();
    this.output.destroy(); // closes writeFd
  }
}

import type { Env } from '../environment/env.js';

// A one-line spinner on a terminal while awsrole waits on AWS. It is for people only: it draws
// nothing unless the stream is a terminal, nothing for calls that finish within the delay, and
// it erases its line when the work settles, so the terminal is left as if it had never been.

/** The stream it draws on: stderr. `columns` (when a terminal) keeps the line from wrapping. */
export interface SpinnerStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

export interface SpinnerOptions {
  /** How long the work may take before anything is drawn (default 250 ms). */
  delayMs?: number;
  /** Time between frames (default 80 ms). */
  intervalMs?: number;
  /** Decides the frames: Braille dots in a UTF-8 locale, else `|/-\`. */
  env?: Env;
}

// Signals that end awsrole while it waits: the line is erased first (see withSpinner).
const ENDING_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

const UNICODE_FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const ASCII_FRAMES = ['|', '/', '-', '\\'];
const ERASE_LINE = '\r\x1b[K';

/**
 * Runs `work`, with `awsrole: ⠋ <message>` redrawn on `stream` while it runs longer than the
 * delay. Resolves or rejects as `work` does. The message is shown as it is: never put a secret in it.
 * A function as the message is asked again at every frame (progress: `page 3, 57 accounts`).
 */
export async function withSpinner<T>(
  stream: SpinnerStream,
  message: string | (() => string),
  work: () => Promise<T>,
  options: SpinnerOptions = {},
): Promise<T> {
  if (stream.isTTY !== true) return work();
  const frames = utf8Locale(options.env ?? {}) ? UNICODE_FRAMES : ASCII_FRAMES;
  let frame = 0;
  let drawn = false;
  let interval: NodeJS.Timeout | undefined;
  const draw = () => {
    stream.write(`\r${fit(`awsrole: ${frames[frame++ % frames.length]} ${typeof message === 'string' ? message : message()}`, stream.columns)}`);
    drawn = true;
  };
  // Ctrl-C (or a SIGTERM, SIGHUP) while the line is drawn would leave it on the terminal, the
  // prompt after it. So the line is erased, and the signal raised again with our handler gone:
  // awsrole then dies of it as it would have, and the shell sees a death by that signal.
  const onSignal = (signal: NodeJS.Signals) => {
    stopListening();
    clearTimeout(delay);
    clearInterval(interval);
    try {
      if (drawn) stream.write(ERASE_LINE);
    } finally {
      process.kill(process.pid, signal);
    }
  };
  const stopListening = () => {
    for (const signal of ENDING_SIGNALS) process.off(signal, onSignal);
  };
  // Both timers are unref'd: a spinner never keeps the process alive, and both are cleared below.
  const delay = setTimeout(() => {
    draw();
    interval = setInterval(draw, options.intervalMs ?? 80).unref();
    for (const signal of ENDING_SIGNALS) process.on(signal, onSignal);
  }, options.delayMs ?? 250).unref();
  try {
    return await work();
  } finally {
    stopListening();
    clearTimeout(delay);
    clearInterval(interval);
    if (drawn) stream.write(ERASE_LINE);
  }
}

/** The locale's character set as the C library picks it: LC_ALL, else LC_CTYPE, else LANG. */
export function utf8Locale(env: Env): boolean {
  const locale = env.LC_ALL || env.LC_CTYPE || env.LANG || '';
  return /utf-?8/i.test(locale);
}

/** One terminal line at most: a line that wraps cannot be redrawn with `\r`. */
function fit(line: string, columns: number | undefined): string {
  if (!columns || columns < 2) return line;
  const chars = [...line];
  return chars.length < columns ? line : chars.slice(0, columns - 1).join('');
}

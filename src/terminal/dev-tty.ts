import { closeSync, openSync } from 'node:fs';
import { isatty, type ReadStream } from 'node:tty';

/** The controlling terminal opened twice: to read keys from, and to write to. */
export interface DevTtyDescriptors {
  readFd: number;
  writeFd: number;
}

/**
 * Opens the controlling terminal, /dev/tty: never stdin (it may be a pipe) nor stdout (a shell
 * reads it with eval). Undefined when there is none — no controlling terminal (ENXIO: CI, cron,
 * setsid), no /dev/tty (ENOENT: some containers), not allowed to open it, or not a terminal.
 * Two descriptors: a ReadStream owns (and closes) the first, and writing synchronously to the
 * second puts a prompt on screen before we wait for keys.
 */
export function openDevTty(path = '/dev/tty'): DevTtyDescriptors | undefined {
  let readFd: number;
  try {
    readFd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  if (!isatty(readFd)) {
    closeSync(readFd);
    return undefined;
  }
  try {
    return { readFd, writeFd: openSync(path, 'w') };
  } catch {
    closeSync(readFd);
    return undefined;
  }
}

/** Ends a raw read: with a value, or with an error. */
export type SettleRawRead<T> = (outcome: { value: T } | { error: unknown }) => void;

/** What a raw read does at each event; the mechanism around them is readRaw's. */
export interface RawReadHandlers<T> {
  /** Raw mode is on: show the prompt or the list. A throw ends the read with that error. */
  start(): void;
  /** Keys typed (a chunk may hold several); call `settle` to end the read. */
  data(chunk: string, settle: SettleRawRead<T>): void;
  /** The terminal hung up. */
  end(settle: SettleRawRead<T>): void;
  /** A signal ends the read with this error (its exit code: 128+N, as the shell reports it). */
  interrupted(signal: NodeJS.Signals): Error;
  /** Before raw mode is turned off, when the read ends and on process.exit: erase what was drawn. */
  tidy?(): void;
  /** After raw mode is turned off, when the read ends (not on process.exit): end the line. */
  after?(): void;
  /** The terminal was resized (SIGWINCH). */
  resize?(): void;
}

// Handled while the terminal is raw: a handler replaces the default "die", so the terminal is
// restored first and the signal then ends awsrole with the shell's 128+N code.
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'] as const;

/**
 * Reads keys from `input` in raw mode (no echo, no line editing) until a handler settles. Every
 * way out — settled, a signal, the terminal closing, a read error, a throw in `start`, even
 * process.exit() — tidies up and turns raw mode off again; then the listeners are gone.
 * Raw mode goes on before `start`: keys typed as soon as the prompt shows are not echoed.
 */
export function readRaw<T>(input: ReadStream, handlers: RawReadHandlers<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const restore = (): void => {
      if (input.isRaw) input.setRawMode(false);
    };
    const tidy = (): void => {
      try {
        handlers.tidy?.();
      } catch {
        // The terminal is gone: nothing left to erase.
      }
    };
    const onExit = (): void => {
      tidy();
      restore();
    };
    const settle: SettleRawRead<T> = (outcome) => {
      if (settled) return;
      settled = true;
      input.off('data', onData);
      input.off('end', onEnd);
      input.off('error', onError);
      for (const signal of SIGNALS) process.off(signal, onSignal);
      if (handlers.resize) process.off('SIGWINCH', onResize);
      process.off('exit', onExit);
      input.pause();
      tidy();
      restore();
      try {
        handlers.after?.();
      } catch {
        // The terminal is gone; there is no line to end.
      }
      if ('error' in outcome) reject(outcome.error);
      else resolve(outcome.value);
    };
    const onData = (chunk: string): void => handlers.data(chunk, settle);
    const onEnd = (): void => handlers.end(settle);
    const onError = (error: Error): void => settle({ error });
    const onSignal = (signal: NodeJS.Signals): void => settle({ error: handlers.interrupted(signal) });
    const onResize = (): void => handlers.resize?.();

    input.setRawMode(true);
    process.on('exit', onExit);
    for (const signal of SIGNALS) process.on(signal, onSignal);
    if (handlers.resize) process.on('SIGWINCH', onResize);
    input.on('data', onData);
    input.on('end', onEnd);
    input.on('error', onError);
    try {
      handlers.start();
    } catch (error) {
      settle({ error });
      return;
    }
    input.resume();
  });
}

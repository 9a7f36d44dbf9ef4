import { fstatSync, writeSync } from 'node:fs';
import { lazyBuiltin } from '../startup/lazy-builtin.js';

/** What commands write their results to: awsrole's stdout, or a test's stand-in. */
export interface OutputStream {
  write(chunk: string | Uint8Array): unknown;
  readonly isTTY?: boolean;
}

/**
 * awsrole's stdout, written with `fs.writeSync` on its file descriptor instead of through
 * `process.stdout`. Making that stream loads Node's stream modules (and tty and net on a
 * terminal): about 4 % of a cached `use`, which writes one short script and exits. Writing
 * synchronously is what `process.stdout` does on Linux for files, pipes and terminals anyway, so
 * the order of what is written does not change.
 *
 * - A reader that went away (`awsrole list | head -1`: EPIPE) is not an error: the rest of the
 *   output is dropped, as nobody reads it.
 * - A descriptor left non-blocking by whoever made the pipe (EAGAIN) is waited for, a millisecond
 *   at a time, until the reader has made room: output is never cut short.
 * - Any other error (a full disk: ENOSPC) is thrown, for the command to fail with.
 */
export class StandardOutput implements OutputStream {
  #readerGone = false;
  #isTTY: boolean | undefined;

  constructor(private readonly fd = 1) {}

  write(chunk: string | Uint8Array): true {
    if (this.#readerGone) return true;
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    let offset = 0;
    while (offset < bytes.length) {
      try {
        offset += writeSync(this.fd, bytes, offset, bytes.length - offset);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EPIPE') {
          this.#readerGone = true;
          return true;
        }
        if (code !== 'EAGAIN') throw error;
        sleepMilliseconds(1);
      }
    }
    return true;
  }

  /**
   * Whether stdout is a terminal, asked only when a command needs to know. Only a character
   * device can be one; for a pipe or a file (`eval "$(awsrole use …)"`) the answer costs one
   * fstat, and Node's tty module (which loads net) is loaded only for a character device.
   */
  get isTTY(): boolean {
    if (this.#isTTY === undefined) {
      let characterDevice = false;
      try {
        characterDevice = fstatSync(this.fd).isCharacterDevice();
      } catch {
        // A closed stdout is no terminal; writing to it will say what is wrong.
      }
      this.#isTTY = characterDevice && lazyBuiltin<typeof import('node:tty')>('node:tty').isatty(this.fd);
    }
    return this.#isTTY;
  }
}

function sleepMilliseconds(milliseconds: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, milliseconds);
}

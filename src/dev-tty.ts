import { closeSync, openSync } from 'node:fs';
import { isatty } from 'node:tty';

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

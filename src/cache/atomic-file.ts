/**
 * Files that hold secrets: written whole or not at all, private from the first byte, and read
 * without following a symlink someone planted in their place.
 */
import {
  chmodSync, closeSync, constants, fchmodSync, fstatSync, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync,
  renameSync, rmSync, unlinkSync, writeFileSync, type Stats,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomHex } from './random-name.js';

// Not defined on Windows, where there are no such flags; 0 leaves them out.
const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const O_NONBLOCK = constants.O_NONBLOCK ?? 0;

/**
 * Strict UTF-8: a file with broken bytes is corrupt, not silently patched with U+FFFD. A byte-order
 * mark is kept as a character, as Python keeps it: JSON behind one is then no JSON (botocore
 * refuses it too), rather than quietly read.
 */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Replaces `path` with `text` so that a reader sees either the old file or the new one, never a
 * part. The temporary file is created in the same directory (rename is atomic only within one
 * file system) under a random name with O_EXCL (never someone else's file, never a symlink), and
 * with mode 0600 in the open() call itself: the umask can only narrow that, so there is no moment
 * when the secret is readable by others. rename() replaces a symlink at `path`, it does not
 * follow it.
 */
export function writeFileAtomic(path: string, text: string): void {
  const temporary = join(dirname(path), `.${basename(path)}.${randomHex(16)}.tmp`);
  const fd = openSync(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | O_NOFOLLOW, 0o600);
  try {
    try {
      // Exactly 0600 even under an odd umask that also took the owner's bits away.
      fchmodSync(fd, 0o600);
      writeFileSync(fd, text);
      fsyncSync(fd); // the data is on disk before the name points at it
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
    removeStaleTemporaries(dirname(path));
  } catch (error) {
    try {
      rmSync(temporary, { force: true });
    } catch {
      // The first error is the one worth reporting.
    }
    throw error;
  }
}

/** Our temporary files: `.<name>.<16 hex>.tmp`, as writeFileAtomic names them. */
const TEMPORARY = /^\..+\.[0-9a-f]{16}\.tmp$/;
/** A writer holds its temporary file for milliseconds; one a minute old was left by a writer killed before its rename. */
const STALE_TEMPORARY_MS = 60_000;

/**
 * Removes the temporary files a writer killed between write and rename (kill -9, power loss) left
 * in `dir`: only names of our own pattern, regular files of ours, older than a minute, so that
 * a concurrent writer's file is never touched. Never throws: it is housekeeping after a write.
 */
export function removeStaleTemporaries(dir: string, now = Date.now()): void {
  try {
    const uid = process.getuid?.();
    for (const name of readdirSync(dir)) {
      if (!TEMPORARY.test(name)) continue;
      const path = join(dir, name);
      try {
        const stats = lstatSync(path);
        if (!stats.isFile() || (uid !== undefined && stats.uid !== uid) || now - stats.mtimeMs < STALE_TEMPORARY_MS) continue;
        unlinkSync(path);
      } catch {
        // Gone already (another writer swept it), or not ours to remove.
      }
    }
  } catch {
    // An unreadable directory: the write itself succeeded.
  }
}

/**
 * `mkdir -p` for directories that hold secrets: every directory it creates is exactly 0700 (mkdir's
 * mode is only narrowed by the umask, so the chmod never widens anything). Existing ones are left
 * as they are; whoever needs them private checks them.
 */
export function makePrivateDirectories(dir: string): void {
  const first = mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (first === undefined) return;
  for (let created = dir; ; created = dirname(created)) {
    chmodSync(created, 0o700);
    if (created === first || created === dirname(created)) break;
  }
}

/**
 * A descriptor for reading `path`, or undefined when it does not exist. Never follows a symlink at
 * `path` (ELOOP) and never blocks on a FIFO planted there; other errors are thrown.
 */
export function openForReading(path: string): number | undefined {
  try {
    // Without O_NOFOLLOW (Windows) a symlink is refused by looking first.
    if (O_NOFOLLOW === 0 && lstatSync(path).isSymbolicLink()) throw Object.assign(new Error(`symlink (${path})`), { code: 'ELOOP' });
    return openSync(path, constants.O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Why a file or directory that others could have planted or changed cannot be trusted, or
 * undefined: it is another user's, or group or others can write it. Being readable by others is
 * not judged here (a directory of digests, an entry the AWS CLI wrote 0644).
 */
export function notTrusted(stats: Stats, what: string): string | undefined {
  const uid = process.getuid?.();
  if (uid === undefined) return undefined; // Windows: no POSIX owner or mode bits to check
  if (stats.uid !== uid) return `${what} belongs to uid ${stats.uid}, not to you (uid ${uid})`;
  if ((stats.mode & 0o022) !== 0) return `${what} is writable by others (mode ${(stats.mode & 0o7777).toString(8).padStart(4, '0')})`;
  return undefined;
}

/** Why the directory `dir` cannot be trusted (see notTrusted; also a symlink, or not a directory), or undefined. */
export function directoryNotTrusted(dir: string): string | undefined {
  let stats: Stats | undefined;
  try {
    stats = lstatSync(dir, { throwIfNoEntry: false });
  } catch (error) {
    return `the directory cannot be examined: ${(error as NodeJS.ErrnoException).code ?? String(error)}`;
  }
  if (!stats) return 'the directory does not exist';
  if (stats.isSymbolicLink()) return 'the directory is a symlink';
  if (!stats.isDirectory()) return 'not a directory';
  return notTrusted(stats, 'the directory');
}

/** A regular file's text and its status, both taken from one open descriptor (no race between them). */
export interface FileRead {
  text: string;
  stats: Stats;
}

/**
 * Reads `path` if it exists: undefined when it does not. Throws for a symlink at `path` (ELOOP:
 * O_NOFOLLOW), for anything but a regular file (O_NONBLOCK so that a planted FIFO cannot hang
 * us), for bytes that are not UTF-8, and for any other error.
 */
export function readFileWithStats(path: string, maxBytes?: number): FileRead | undefined {
  const fd = openForReading(path);
  if (fd === undefined) return undefined;
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new Error(`not a regular file (${path})`);
    const bytes = maxBytes === undefined ? readFileSync(fd) : readAtMost(fd, maxBytes, path);
    return { text: utf8.decode(bytes), stats };
  } finally {
    closeSync(fd);
  }
}

/**
 * At most `maxBytes` of an open file, or an error when it holds more: a cache or lock file is a
 * few kilobytes, and a huge (or sparse) file planted in its place must not cost its size in memory.
 * Reads one byte past the cap rather than trusting the size fstat gave (the file may grow).
 */
export function readAtMost(fd: number, maxBytes: number, path: string): Buffer {
  const buffer = Buffer.alloc(maxBytes + 1);
  let length = 0;
  for (;;) {
    const read = readSync(fd, buffer, length, buffer.length - length, null);
    if (read === 0) break;
    length += read;
    if (length > maxBytes) throw new Error(`larger than ${maxBytes} bytes (${path})`);
  }
  return buffer.subarray(0, length);
}

/** The text of `path`, or undefined when it does not exist; see readFileWithStats for what throws. */
export function readFileIfPresent(path: string, maxBytes?: number): string | undefined {
  return readFileWithStats(path, maxBytes)?.text;
}

/**
 * awsrole's cache of STS sessions on disk: one JSON file per key, secrets at rest. The directory
 * must be ours and closed to others (0700); each entry is written atomically with mode 0600.
 * Reading is forgiving, because a cache may always be empty: anything we cannot trust or parse
 * is a miss, never a crash. Opening is strict, because a directory others can write lets them
 * plant sessions or read ours: that is a configuration error with the exact fix.
 */
import { lstatSync, readdirSync, unlinkSync, type Stats } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError } from '../errors/errors.js';
import { quotePosix } from '../output/quote.js';
import { makePrivateDirectories, readFileWithStats, writeFileAtomic } from './atomic-file.js';
import { acquireLock, type LockOptions } from './lock.js';

export interface CacheEntryFile {
  key: string;
  path: string;
  value: unknown;
}

export interface CacheStore {
  readonly dir: string;
  /** undefined when missing, unreadable, not JSON, or truncated — a corrupt entry is a miss, never a crash */
  read(key: string): unknown | undefined;
  /** Atomic, mode 0600. */
  write(key: string, value: unknown): void;
  /** Whether there was an entry to remove. */
  remove(key: string): boolean;
  /** Every readable entry, by key; corrupt ones skipped. */
  list(): CacheEntryFile[];
  /** Runs fn while holding this key's lock (see lock.ts); other processes wait for it. Not reentrant. */
  withLock<T>(key: string, fn: () => Promise<T>): Promise<T>;
}

export interface CacheStoreOptions {
  lock?: LockOptions;
}

/** Keys are digests made by the caller; anything else is a programming error, and never a path. */
const KEY = /^[0-9a-f]{1,128}$/;
const ENTRY_FILE = /^([0-9a-f]{1,128})\.json$/;
/** A session is a few kilobytes; anything past this is not one, and is not read into memory. */
export const ENTRY_MAX_BYTES = 1024 * 1024;

export function openCacheStore(dir: string, options: CacheStoreOptions = {}): CacheStore {
  const root = resolve(dir);
  ensurePrivateDirectory(root);
  const pathOf = (key: string) => {
    if (!KEY.test(key)) throw new Error(`internal error: cache key ${JSON.stringify(key)} is not lowercase hex`);
    return join(root, `${key}.json`);
  };
  return {
    dir: root,
    read: (key) => readEntry(pathOf(key)),
    write(key, value) {
      const text = JSON.stringify(value);
      if (text === undefined) throw new Error(`internal error: cache entry ${key} is not JSON-serializable`);
      writeFileAtomic(pathOf(key), `${text}\n`);
    },
    remove(key) {
      try {
        unlinkSync(pathOf(key)); // a symlink entry: removes the link, never its target
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
        throw error;
      }
    },
    list() {
      const keys = readdirSync(root).flatMap((name) => ENTRY_FILE.exec(name)?.[1] ?? []);
      return keys.sort().flatMap((key) => {
        const path = pathOf(key);
        const value = readEntry(path);
        return value === undefined ? [] : [{ key, path, value }];
      });
    },
    async withLock(key, fn) {
      const release = await acquireLock(pathOf(key).replace(/\.json$/, '.lock'), options.lock);
      try {
        return await fn();
      } finally {
        release();
      }
    },
  };
}

/**
 * An entry we trust, parsed; undefined for anything else. A file others could read or write
 * (group or other bits set) or that is not ours is not trusted rather than fixed: it may have
 * been planted or changed while it was open, and chmod would bless that. It reads as a miss,
 * and the next write replaces it (rename over it) with a fresh 0600 file.
 */
function readEntry(path: string): unknown | undefined {
  try {
    const file = readFileWithStats(path, ENTRY_MAX_BYTES); // never follows a symlink; throws for one, and for a huge file
    if (!file || !isPrivate(file.stats)) return undefined;
    return JSON.parse(file.text) as unknown;
  } catch {
    return undefined;
  }
}

function isPrivate(stats: Stats): boolean {
  const uid = process.getuid?.();
  if (uid === undefined) return true; // Windows: no POSIX owner or mode bits to check
  return stats.uid === uid && (stats.mode & 0o077) === 0;
}

/**
 * Creates `dir` and its missing parents with 0700, or checks an existing one. mkdir's mode is
 * narrowed by the umask (0700 & ~umask is never wider than 0700), so the chmod afterwards only
 * makes it exactly 0700 — there is no moment when the directory is open to others.
 */
function ensurePrivateDirectory(dir: string): void {
  try {
    makePrivateDirectories(dir);
  } catch (error) {
    // Something that is not a directory is there (a file, a dangling symlink): checked below.
    if (!lstatSync(dir, { throwIfNoEntry: false })) {
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      throw new ConfigError(`cannot create the cache directory: ${code} (${dir})`, 'check that its parent directories exist and are yours');
    }
  }
  checkPrivateDirectory(dir);
}

function checkPrivateDirectory(dir: string): void {
  const stats = lstatSync(dir);
  const quoted = quotePosix(dir, 'the cache directory');
  if (stats.isSymbolicLink()) {
    throw new ConfigError(
      `the cache directory is a symlink; awsrole keeps secrets only in a real directory of its own (${dir})`,
      `replace the link with a directory: rm ${quoted} && mkdir -m 700 ${quoted}`,
    );
  }
  if (!stats.isDirectory()) {
    throw new ConfigError(`the cache directory is not a directory (${dir})`, `move that file away; awsrole creates the directory`);
  }
  const uid = process.getuid?.();
  if (uid === undefined) return; // Windows: no POSIX owner or mode bits to check
  const mode = (stats.mode & 0o7777).toString(8).padStart(4, '0');
  const facts = `mode ${mode}, owner uid ${stats.uid}`;
  if (stats.uid !== uid) {
    throw new ConfigError(
      `the cache directory belongs to another user (uid ${stats.uid}), not to you (uid ${uid}): others could read or plant sessions (${dir}: ${facts})`,
      `make it yours: ${uid === 0 ? '' : 'sudo '}chown ${uid} ${quoted}`,
    );
  }
  // Readable by others is accepted (a directory the user made 0755): entries are 0600 and their
  // names are digests. Writable is not: others could plant, swap or delete entries and locks.
  if ((stats.mode & 0o022) !== 0) {
    const who = (stats.mode & 0o020) !== 0 && (stats.mode & 0o002) !== 0 ? 'group and others' : (stats.mode & 0o020) !== 0 ? 'its group' : 'others';
    throw new ConfigError(
      `the cache directory is writable by ${who}: they could plant or swap sessions (${dir}: ${facts})`,
      `close it: chmod 700 ${quoted}`,
    );
  }
}


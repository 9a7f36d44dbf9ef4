import { randomBytes } from 'node:crypto';
import { closeSync, constants, fchmodSync, fsyncSync, mkdirSync, openSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ConfigError } from '../errors/errors.js';

/** The config file as read before generating: its text and what it was (undefined: no file yet). */
export interface ReadConfig {
  /** Where the bytes are: the file itself, with any symlink to it followed (a dotfiles repository's link stays a link). */
  realPath: string;
  text: string;
  /** The permission bits, kept for the new file and the backup. */
  mode: number;
  exists: boolean;
}

// The AWS CLI creates ~/.aws/config for its owner alone; a new file here is the same.
const NEW_FILE_MODE = 0o600;

export function readConfigFile(path: string): ReadConfig {
  let realPath = path;
  try {
    realPath = realpathSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw cannot('read', path, error);
  }
  try {
    const text = readFileSync(realPath, 'utf8');
    return { realPath, text, mode: statSync(realPath).mode & 0o7777, exists: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { realPath, text: '', mode: NEW_FILE_MODE, exists: false };
    throw cannot('read', path, error);
  }
}

/**
 * Replaces the config file with `text`: first the old file is copied to `<file>.bak` (a run that
 * writes nothing new leaves the backup of the run before), then the new text goes to a temporary
 * file in the same directory, with the old file's mode, is synced, and renamed over the file, so
 * that an AWS CLI or an awsrole reading it meanwhile sees the old file or the new one, never a
 * part. If the file changed since it was read (another generate, an editor), nothing is written.
 */
export function writeConfigFile(read: ReadConfig, text: string): { backup?: string } {
  const { realPath } = read;
  const now = currentText(realPath);
  if (now !== (read.exists ? read.text : undefined)) {
    throw new ConfigError(`the config file changed while awsrole generate ran; nothing was written (${realPath})`, 'run awsrole generate again');
  }
  let backup: string | undefined;
  try {
    mkdirSync(dirname(realPath), { recursive: true, mode: 0o700 });
    if (read.exists) {
      backup = `${realPath}.bak`;
      replace(backup, read.text, read.mode);
    }
    replace(realPath, text, read.mode);
  } catch (error) {
    throw cannot('write', realPath, error);
  }
  return backup ? { backup } : {};
}

function currentText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw cannot('read', path, error);
  }
}

/** Same temporary names as src/cache/atomic-file.ts (`.<name>.<16 hex>.tmp`), so its sweep of stale ones covers these. */
function replace(path: string, text: string, mode: number): void {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(8).toString('hex')}.tmp`);
  const fd = openSync(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), mode);
  try {
    try {
      fchmodSync(fd, mode); // the umask narrowed the open's mode; the file keeps the old one exactly
      writeFileSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

function cannot(what: 'read' | 'write', path: string, error: unknown): ConfigError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : code === 'EROFS' ? 'read-only file system' : (error as Error).message;
  return new ConfigError(`cannot ${what} the config file: ${reason} (${path})`, 'fix its permissions, or point AWS_CONFIG_FILE at another file');
}

import { dirname } from 'node:path';
import { makePrivateDirectories, readFileIfPresent, writeFileAtomic } from '../cache/atomic-file.js';
import { ConfigError } from '../errors/errors.js';
import { BACKEND_NAMES, type BackendName } from './types.js';

/**
 * The keystore's list of what it holds, without a secret: which profiles have keys, the access
 * key id, where they are and since when. `keys list` reads it without unlocking anything, and
 * reading a profile's keys goes straight to the backend that holds them. 0600, like the rest.
 */
export interface CatalogEntry {
  profile: string;
  accessKeyId: string;
  backend: BackendName;
  /** ISO 8601: when these keys were stored (added, imported or rotated). */
  storedAt: string;
}

const VERSION = 1;

export function readCatalog(path: string): CatalogEntry[] {
  let text: string | undefined;
  try {
    text = readFileIfPresent(path, 1024 * 1024);
  } catch (error) {
    throw new ConfigError(`cannot read the keystore's list of profiles: ${(error as Error).message} (${path})`);
  }
  if (text === undefined) return [];
  try {
    const document = JSON.parse(text) as { version?: unknown; profiles?: unknown };
    if (document.version !== VERSION || typeof document.profiles !== 'object' || document.profiles === null) throw new Error('not version 1');
    return Object.entries(document.profiles as Record<string, Record<string, unknown>>).map(([profile, entry]) => {
      if (typeof entry.accessKeyId !== 'string' || !BACKEND_NAMES.includes(entry.backend as BackendName) || typeof entry.storedAt !== 'string') {
        throw new Error(`entry "${profile}" is incomplete`);
      }
      return { profile, accessKeyId: entry.accessKeyId, backend: entry.backend as BackendName, storedAt: entry.storedAt };
    });
  } catch (error) {
    throw new ConfigError(
      `the keystore's list of profiles is malformed: ${(error as Error).message} (${path})`,
      'awsrole writes it; restore it from a backup, or remove it and add the keys again',
    );
  }
}

export function writeCatalog(path: string, entries: CatalogEntry[]): void {
  const profiles = Object.fromEntries(
    [...entries].sort((a, b) => a.profile.localeCompare(b.profile)).map(({ profile, ...rest }) => [profile, rest]),
  );
  makePrivateDirectories(dirname(path));
  writeFileAtomic(path, `${JSON.stringify({ version: VERSION, profiles }, null, 2)}\n`);
}

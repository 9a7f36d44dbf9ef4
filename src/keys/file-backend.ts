import { dirname } from 'node:path';
import { makePrivateDirectories, readFileWithStats, writeFileAtomic } from '../cache/atomic-file.js';
import type { Env } from '../environment/env.js';
import { ConfigError } from '../errors/errors.js';
import { newPassphrase, withPassphrase } from './passphrase.js';
import { deriveKey, open, seal, SealedFileRejected, unlockKey, WrongPassphrase, type UnlockedKey } from './sealed-file.js';
import type { KeyBackend } from './types.js';

/** A few profiles' keys; anything this large was not written by awsrole. */
const MAX_BYTES = 1024 * 1024;

/**
 * The encrypted-file backend, for machines without an OS keystore: every entry in one file
 * (sealed-file.ts), mode 0600 in a 0700 directory, rewritten whole and atomically. The passphrase
 * is asked for once per process; the key derived from it and the entries stay in memory.
 */
export function fileBackend(path: string, env: Env): KeyBackend {
  let unlocked: { key: UnlockedKey; entries: Record<string, string> } | undefined;

  const readText = (): string | undefined => {
    try {
      const file = readFileWithStats(path, MAX_BYTES);
      if (!file) return undefined;
      const uid = process.getuid?.();
      if (uid !== undefined && (file.stats.uid !== uid || (file.stats.mode & 0o077) !== 0)) {
        throw new ConfigError(
          `the encrypted key file is open to others (mode ${(file.stats.mode & 0o777).toString(8)}, owner uid ${file.stats.uid}) (${path})`,
          'it must be yours and 0600: chmod 600 it, or remove it and add the keys again',
        );
      }
      return file.text;
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      throw new ConfigError(`cannot read the encrypted key file: ${(error as Error).message} (${path})`);
    }
  };

  const decrypt = (text: string, key: UnlockedKey): Record<string, string> => {
    try {
      const document = JSON.parse(open(text, key)) as { entries?: unknown };
      const entries = document.entries;
      if (typeof entries !== 'object' || entries === null || Object.values(entries).some((value) => typeof value !== 'string')) {
        throw new SealedFileRejected('its content is not awsrole entries');
      }
      return { ...(entries as Record<string, string>) };
    } catch (error) {
      throw rejected(error, path);
    }
  };

  /** The entries, unlocking on first use; `create` when a missing file is about to be written. */
  const unlock = async (create: boolean): Promise<{ key: UnlockedKey; entries: Record<string, string> } | undefined> => {
    if (unlocked) return unlocked;
    const text = readText();
    if (text === undefined) {
      if (!create) return undefined;
      unlocked = { key: deriveKey(await newPassphrase(env, path)), entries: {} };
      return unlocked;
    }
    try {
      const key = await withPassphrase(env, { prompt: `Passphrase for ${path}: `, path, isWrong: (error) => error instanceof WrongPassphrase }, (passphrase) =>
        unlockKey(text, passphrase),
      );
      unlocked = { key, entries: decrypt(text, key) };
      return unlocked;
    } catch (error) {
      if (error instanceof SealedFileRejected) throw rejected(error, path);
      throw error;
    }
  };

  /**
   * The entries as on disk now, decrypted with the key in memory: another process may have
   * written since this one unlocked (the keystore's lock orders the writes, keystore.ts).
   */
  const reread = (state: { key: UnlockedKey; entries: Record<string, string> }): void => {
    const text = readText();
    if (text !== undefined) state.entries = decrypt(text, state.key);
  };

  const save = (state: { key: UnlockedKey; entries: Record<string, string> }): void => {
    makePrivateDirectories(dirname(path));
    writeFileAtomic(path, seal(JSON.stringify({ entries: state.entries }), state.key));
  };

  return {
    name: 'file',
    description: `the encrypted file ${path}`,
    async read(entry) {
      const state = await unlock(false);
      return state && Object.hasOwn(state.entries, entry) ? state.entries[entry] : undefined;
    },
    async readBack(entry) {
      // From the disk, not from memory: what the next process will find.
      const text = readText();
      if (!unlocked || text === undefined) return undefined;
      return decrypt(text, unlocked.key)[entry];
    },
    async write(entry, value) {
      const state = (await unlock(true))!;
      reread(state);
      save({ ...state, entries: { ...state.entries, [entry]: value } });
      state.entries[entry] = value;
    },
    async delete(entry) {
      const state = await unlock(false);
      if (state) reread(state);
      if (!state || !Object.hasOwn(state.entries, entry)) return false;
      const { [entry]: _removed, ...rest } = state.entries;
      save({ ...state, entries: rest });
      state.entries = rest;
      return true;
    },
  };
}

function rejected(error: unknown, path: string): Error {
  if (error instanceof ConfigError) return error;
  if (error instanceof WrongPassphrase) return new ConfigError(`wrong passphrase for the encrypted key file (${path})`);
  const why = error instanceof SealedFileRejected ? error.message : 'its content is not JSON';
  return new ConfigError(
    `the encrypted key file is refused: ${why} (${path})`,
    'nothing was read from it; restore it from a backup, or remove it and add the keys again',
  );
}

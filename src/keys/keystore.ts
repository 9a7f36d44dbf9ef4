import { join } from 'node:path';
import { makePrivateDirectories } from '../cache/atomic-file.js';
import { acquireLock } from '../cache/lock.js';
import { dataDirectory, type Env } from '../environment/env.js';
import { ConfigError } from '../errors/errors.js';
import { readCatalog, writeCatalog, type CatalogEntry } from './catalog.js';
import { fileBackend } from './file-backend.js';
import { OsKeystoreUnavailable, osBackend } from './os-backend.js';
import { asLongTermKeys, BACKEND_NAMES, storedForm, type BackendName, type KeyBackend, type LongTermKeys } from './types.js';

/** AWSROLE_KEYSTORE: `os` or `file`; unset means the OS keystore when it answers, else the file. */
export const KEYSTORE_VARIABLE = 'AWSROLE_KEYSTORE';

/** The keys of profiles, wherever they are kept, and the list of them (catalog.ts). */
export interface Keystore {
  readonly catalogPath: string;
  /** No secret; nothing is unlocked. */
  list(): CatalogEntry[];
  /** The profile's keys; a ConfigError when it has none stored, or they cannot be read. */
  get(profile: string): Promise<{ keys: LongTermKeys; entry: CatalogEntry; description: string }>;
  /**
   * Stores the keys and reads them back from the backend before the catalog names them: a
   * caller may then delete the only other copy. Returns where they went.
   */
  put(profile: string, keys: LongTermKeys, info: (message: string) => void): Promise<{ entry: CatalogEntry; description: string }>;
  /** Whether there was something to remove. */
  remove(profile: string): Promise<{ removed: boolean; description?: string }>;
  /** Runs `work` while no other awsrole writes the keystore (not reentrant: put and remove take it themselves). */
  withLock<T>(work: () => Promise<T>): Promise<T>;
  /** A named secret that is not a profile's keys (the session cache's key), in the default backend. */
  secret(name: string, create: () => string, info: (message: string) => void): Promise<string>;
}

/** One keystore per environment (in practice: per process), so that one unlock serves a whole run. */
const opened = new WeakMap<Env, Keystore>();

export function keystoreFor(env: Env): Keystore {
  let keystore = opened.get(env);
  if (!keystore) opened.set(env, (keystore = openKeystore(env)));
  return keystore;
}

function openKeystore(env: Env): Keystore {
  const dir = dataDirectory(env);
  const catalogPath = join(dir, 'keys.json');
  const backends = new Map<BackendName, KeyBackend>();
  const backend = (name: BackendName): KeyBackend => {
    let found = backends.get(name);
    if (!found) backends.set(name, (found = name === 'os' ? osBackend() : fileBackend(join(dir, 'keys.enc'), env)));
    return found;
  };
  const chosen = chosenBackend(env);

  /**
   * Writers take turns (keys.lock beside the files): each re-reads the catalog and the file under
   * the lock, so two processes storing at once (a keys add, a first encrypted-cache use) both keep
   * what they wrote.
   */
  const exclusively = async <T>(work: () => Promise<T>): Promise<T> => {
    makePrivateDirectories(dir);
    const release = await acquireLock(join(dir, 'keys.lock'));
    try {
      return await work();
    } finally {
      release();
    }
  };

  /** Writes to the chosen backend; unset, the OS keystore, or the file when the OS keystore does not answer. */
  const writeSomewhere = async (entryName: string, value: string, keep: BackendName | undefined, info: (message: string) => void): Promise<KeyBackend> => {
    const first = backend(chosen ?? keep ?? 'os');
    try {
      await first.write(entryName, value);
      return first;
    } catch (error) {
      if (chosen || keep || !(error instanceof OsKeystoreUnavailable)) throw error;
      info(`${error.message}; using the encrypted file instead (${KEYSTORE_VARIABLE}=file says so without trying)`);
      const file = backend('file');
      await file.write(entryName, value);
      return file;
    }
  };

  return {
    catalogPath,
    withLock: exclusively,
    list: () => readCatalog(catalogPath),
    async get(profile) {
      const entry = readCatalog(catalogPath).find((candidate) => candidate.profile === profile);
      if (!entry) {
        throw new ConfigError(
          `profile "${profile}" has no keys in awsrole's keystore (${catalogPath})`,
          `store them: awsrole keys add ${profile}  (or keys import ${profile} to move them from the credentials file)`,
        );
      }
      const store = backend(entry.backend);
      const keys = asLongTermKeys(parse(await store.read(profileEntry(profile))));
      if (!keys) {
        throw new ConfigError(
          `the keys of profile "${profile}" are missing from ${store.description}, though the keystore lists them (${catalogPath})`,
          `store them again: awsrole keys add ${profile}`,
        );
      }
      return { keys, entry, description: store.description };
    },
    put: (profile, keys, info) => exclusively(async () => {
      const before = readCatalog(catalogPath);
      const previous = before.find((candidate) => candidate.profile === profile);
      const value = JSON.stringify(storedForm(keys));
      const store = await writeSomewhere(profileEntry(profile), value, previous?.backend, info);
      const readBack = asLongTermKeys(parse(await store.readBack(profileEntry(profile))));
      if (readBack?.accessKeyId !== keys.accessKeyId || readBack.secretAccessKey !== keys.secretAccessKey) {
        throw new ConfigError(`the keys of profile "${profile}" did not read back from ${store.description} as written`, 'nothing else was changed');
      }
      const entry: CatalogEntry = { profile, accessKeyId: keys.accessKeyId, backend: store.name, storedAt: new Date().toISOString() };
      writeCatalog(catalogPath, [...before.filter((candidate) => candidate.profile !== profile), entry]);
      // Moved to another backend (AWSROLE_KEYSTORE changed): the old copy goes.
      if (previous && previous.backend !== store.name) await backend(previous.backend).delete(profileEntry(profile));
      return { entry, description: store.description };
    }),
    remove: (profile) => exclusively(async () => {
      const before = readCatalog(catalogPath);
      const entry = before.find((candidate) => candidate.profile === profile);
      if (!entry) return { removed: false };
      const store = backend(entry.backend);
      await store.delete(profileEntry(profile));
      writeCatalog(catalogPath, before.filter((candidate) => candidate !== entry));
      return { removed: true, description: store.description };
    }),
    async secret(name, create, info) {
      const entryName = `secret/${name}`;
      // In the chosen backend; unset, the OS keystore, or the file when the OS keystore does not answer.
      const find = async (fromStore: boolean): Promise<string | undefined> => {
        const read = (store: KeyBackend) => (fromStore ? store.readBack(entryName) : store.read(entryName));
        try {
          return await read(backend(chosen ?? 'os'));
        } catch (error) {
          if (chosen || !(error instanceof OsKeystoreUnavailable)) throw error;
          return read(backend('file'));
        }
      };
      const found = await find(false);
      if (found) return found;
      return exclusively(async () => {
        // Another process may have made it while this one waited for the lock.
        const made = await find(true);
        if (made) return made;
        const value = create();
        const store = await writeSomewhere(entryName, value, undefined, info);
        if ((await store.readBack(entryName)) !== value) throw new ConfigError(`the ${name} did not read back from ${store.description} as written`);
        return value;
      });
    },
  };
}

function profileEntry(profile: string): string {
  return `profile/${profile}`;
}

function parse(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function chosenBackend(env: Env): BackendName | undefined {
  const value = (env[KEYSTORE_VARIABLE] ?? '').trim().toLowerCase();
  if (!value) return undefined;
  if (!BACKEND_NAMES.includes(value as BackendName)) {
    throw new ConfigError(`${KEYSTORE_VARIABLE} must be ${BACKEND_NAMES.join(' or ')}, not "${env[KEYSTORE_VARIABLE]}"`);
  }
  return value as BackendName;
}

import { ConfigError } from '../errors/errors.js';
import type { KeyBackend } from './types.js';

/** The service name entries are filed under in the OS keystore (Keychain, Credential Manager, Secret Service). */
export const KEYRING_SERVICE = 'awsrole';

type KeyringModule = typeof import('@napi-rs/keyring');

/** Why the OS keystore cannot be used, as a ConfigError: the package is missing, or the keystore did not answer. */
export class OsKeystoreUnavailable extends ConfigError {}

/**
 * The OS keystore through @napi-rs/keyring (keyring-rs): a native module, so it is not bundled
 * but an optional dependency, loaded here and only here, on first use. On Linux the entries are
 * pinned to the Secret Service: the library would otherwise fall back to the kernel keyring,
 * which forgets everything at logout.
 */
export function osBackend(): KeyBackend {
  let loaded: Promise<KeyringModule> | undefined;
  const entry = async (name: string) => {
    const keyring = await (loaded ??= loadKeyring());
    try {
      return new keyring.AsyncEntry(KEYRING_SERVICE, name, { linux: { store: 'secret-service' } });
    } catch (error) {
      throw unavailable(error);
    }
  };
  const call = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw unavailable(error);
    }
  };
  const description = `the OS keystore (${process.platform === 'darwin' ? 'Keychain' : process.platform === 'win32' ? 'Credential Manager' : 'Secret Service'})`;
  return {
    name: 'os',
    description,
    read: async (name) => {
      const e = await entry(name);
      return (await call(() => e.getPassword())) ?? undefined;
    },
    readBack: async (name) => {
      // A new entry object: nothing of the write is remembered in this process.
      const e = await entry(name);
      return (await call(() => e.getPassword())) ?? undefined;
    },
    write: async (name, value) => {
      const e = await entry(name);
      await call(() => e.setPassword(value));
    },
    delete: async (name) => {
      const e = await entry(name);
      return call(() => e.deleteCredential());
    },
  };
}

async function loadKeyring(): Promise<KeyringModule> {
  try {
    const module = (await import('@napi-rs/keyring')) as KeyringModule & { default?: KeyringModule };
    // A CommonJS package: its exports may arrive as `default` only, depending on how Node detects them.
    return module.AsyncEntry ? module : module.default!;
  } catch (error) {
    throw new OsKeystoreUnavailable(
      `the OS keystore needs the optional package @napi-rs/keyring, which is not installed here (${(error as NodeJS.ErrnoException).code ?? 'cannot load it'})`,
      'install it beside awsrole (npm install -g @napi-rs/keyring), or use the encrypted file: AWSROLE_KEYSTORE=file',
    );
  }
}

function unavailable(error: unknown): OsKeystoreUnavailable {
  // keyring-rs messages name the platform's failure (no D-Bus session, a locked collection); never a secret.
  const reason = String((error as Error)?.message ?? error).split('\n')[0]!.slice(0, 300);
  return new OsKeystoreUnavailable(
    `the OS keystore did not answer: ${reason}`,
    'on Linux it is the Secret Service (gnome-keyring, KeePassXC) on the D-Bus session; without one, use the encrypted file: AWSROLE_KEYSTORE=file',
  );
}

/** An IAM user's long-term access key: what the keystore holds for a profile. */
export interface LongTermKeys {
  accessKeyId: string;
  secretAccessKey: string;
}

/** Where the keys of a profile are kept: the OS keystore, or awsrole's encrypted file. */
export type BackendName = 'os' | 'file';

export const BACKEND_NAMES: readonly BackendName[] = ['os', 'file'];

/**
 * One place that holds secrets by name (`profile/<name>`, `session-cache-key`), each a string.
 * The first call may unlock it (a prompt, a passphrase); one unlock serves the whole process.
 */
export interface KeyBackend {
  readonly name: BackendName;
  /** For people: "the OS keystore (Secret Service)", "the encrypted file ~/.local/share/awsrole/keys.enc". */
  readonly description: string;
  read(entry: string): Promise<string | undefined>;
  /** The entry as stored, bypassing anything kept in memory: to confirm a write before relying on it. */
  readBack(entry: string): Promise<string | undefined>;
  write(entry: string, value: string): Promise<void>;
  /** Whether there was an entry to remove. */
  delete(entry: string): Promise<boolean>;
}

/** Checks the shape of keys read back from a backend; undefined when they are not keys. */
export function asLongTermKeys(value: unknown): LongTermKeys | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { AccessKeyId: accessKeyId, SecretAccessKey: secretAccessKey } = value as Record<string, unknown>;
  if (typeof accessKeyId !== 'string' || typeof secretAccessKey !== 'string' || !accessKeyId || !secretAccessKey) return undefined;
  return { accessKeyId, secretAccessKey };
}

/** The stored form: the names of the credential_process protocol, so the JSON reads the same everywhere. */
export function storedForm(keys: LongTermKeys): { AccessKeyId: string; SecretAccessKey: string } {
  return { AccessKeyId: keys.accessKeyId, SecretAccessKey: keys.secretAccessKey };
}

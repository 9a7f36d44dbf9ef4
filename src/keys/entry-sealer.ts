import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Env } from '../environment/env.js';
import { sessionCacheKey } from './cache-key.js';

/**
 * Encrypts the secret part of a cache entry (AWSROLE_CACHE_ENCRYPT=keystore): AES-256-GCM with a
 * key from awsrole's keystore, the entry's clear fields (profile, role, expiry) as authenticated
 * data, so that `cache list` needs no key and a sealed secret cannot be moved to another entry.
 * Loaded (with its key) only when the cache is encrypted: SessionCache.unlock() in run-plan.ts.
 */
export interface EntrySealer {
  /** base64 of iv (12) | tag (16) | ciphertext. */
  seal(secret: string, clearFields: string): string;
  /** undefined when it does not authenticate (another key, a changed file): a miss. */
  open(sealed: string, clearFields: string): string | undefined;
}

/** The sealer of AWSROLE_CACHE_ENCRYPT=keystore: its key from the keystore (made on first use). */
export async function keystoreSealer(env: Env, info: (message: string) => void): Promise<EntrySealer> {
  return keySealer(await sessionCacheKey(env, info));
}

export function keySealer(key: Buffer): EntrySealer {
  if (key.length !== 32) throw new Error('internal error: the session cache key is not 32 bytes');
  const need = (): Buffer => key;
  return {
    seal(secret, clearFields) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', need(), iv);
      cipher.setAAD(Buffer.from(clearFields));
      const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64');
    },
    open(sealed, clearFields) {
      const bytes = Buffer.from(sealed, 'base64');
      if (bytes.length < 28) return undefined;
      try {
        const decipher = createDecipheriv('aes-256-gcm', need(), bytes.subarray(0, 12));
        decipher.setAAD(Buffer.from(clearFields));
        decipher.setAuthTag(bytes.subarray(12, 28));
        return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
      } catch {
        return undefined;
      }
    },
  };
}

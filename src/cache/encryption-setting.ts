import type { Env } from '../environment/env.js';
import { ConfigError } from '../errors/errors.js';

export const CACHE_ENCRYPT_VARIABLE = 'AWSROLE_CACHE_ENCRYPT';

/**
 * AWSROLE_CACHE_ENCRYPT=keystore: cached sessions are encrypted with a key held in awsrole's
 * keystore, and the AWS CLI's cache (plaintext JSON, by its format) is not shared. Unset or empty:
 * off. Anything else is a typo worth stopping for: a user who asked for encryption must get it.
 */
export function cacheEncryptedWithKeystore(env: Env): boolean {
  const value = (env[CACHE_ENCRYPT_VARIABLE] ?? '').trim().toLowerCase();
  if (value === '') return false;
  if (value === 'keystore') return true;
  throw new ConfigError(`${CACHE_ENCRYPT_VARIABLE} must be keystore (or unset), not "${env[CACHE_ENCRYPT_VARIABLE]}"`);
}

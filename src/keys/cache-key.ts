import { randomBytes } from 'node:crypto';
import type { Env } from '../environment/env.js';
import { keystoreFor } from './keystore.js';

/** The name of the session cache's key among the keystore's secrets. */
const CACHE_KEY_SECRET = 'session-cache-key';

/** The 32-byte key that encrypts cached sessions (AWSROLE_CACHE_ENCRYPT=keystore); made and stored on first use. */
export async function sessionCacheKey(env: Env, info: (message: string) => void): Promise<Buffer> {
  const text = await keystoreFor(env).secret(CACHE_KEY_SECRET, () => randomBytes(32).toString('base64'), info);
  return Buffer.from(text, 'base64');
}

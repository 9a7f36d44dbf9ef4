import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** A random value for a URL path or a header: 256 bits, base64url (no characters that need quoting). */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * Whether `given` equals `expected`, in time that does not depend on where they differ: both are
 * hashed first, so neither the length nor a common prefix shows in the timing.
 */
export function secretsEqual(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * IMDSv2 session tokens, stateless: `<expiry ms>.<HMAC of it>` under a key that lives only in this
 * process. Any number of clients may ask for tokens without the server keeping a table of them.
 */
export class SessionTokens {
  private readonly key = randomBytes(32);

  issue(expiresAt: Date): string {
    const expiry = String(expiresAt.getTime());
    return `${expiry}.${this.sign(expiry)}`;
  }

  valid(token: string | undefined, now: Date): boolean {
    if (!token) return false;
    const dot = token.indexOf('.');
    if (dot <= 0) return false;
    const expiry = token.slice(0, dot);
    if (!secretsEqual(token.slice(dot + 1), this.sign(expiry))) return false;
    return /^\d+$/.test(expiry) && Number(expiry) > now.getTime();
  }

  private sign(expiry: string): string {
    return createHmac('sha256', this.key).update(expiry).digest('base64url');
  }
}

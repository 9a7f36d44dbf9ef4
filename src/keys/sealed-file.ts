import { createCipheriv, createDecipheriv, createHmac, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

/**
 * The encrypted-file format, version 1: JSON text, so that a person can see what it is.
 *
 *   {"format":"awsrole-keys","version":1,
 *    "kdf":{"name":"scrypt","N":32768,"r":8,"p":1,"salt":"<base64>"},
 *    "cipher":"aes-256-gcm","iv":"<base64>","check":"<base64>",
 *    "ciphertext":"<base64>","tag":"<base64>"}
 *
 * scrypt turns the passphrase into 64 bytes: the first 32 are the AES-256-GCM key, the last 32
 * key an HMAC of a fixed text (`check`), which tells a wrong passphrase apart from a changed
 * file. The header (everything but ciphertext and tag) is GCM's additional authenticated data,
 * so weakening the parameters or swapping the salt or iv is caught like a changed ciphertext.
 * Nothing is returned unless the whole file authenticates: never a part of it.
 */
export const SEALED_FORMAT = 'awsrole-keys';
export const SEALED_VERSION = 1;

/** scrypt's cost: 32 MiB and about 0.1 s per unlock; an offline guess costs an attacker as much. */
const SCRYPT = { N: 32768, r: 8, p: 1 } as const;
const SCRYPT_MAXMEM = 64 * 1024 * 1024;
const CHECK_TEXT = 'awsrole-keys passphrase check';

export class WrongPassphrase extends Error {}
/** The file is not one awsrole wrote, or was changed since: refused whole. */
export class SealedFileRejected extends Error {}

interface Header {
  format: string;
  version: number;
  kdf: { name: 'scrypt'; N: number; r: number; p: number; salt: string };
  cipher: 'aes-256-gcm';
  iv: string;
  check: string;
}

/** The key derived from a passphrase for one salt; kept in memory so one unlock serves a process. */
export interface UnlockedKey {
  salt: Buffer;
  kdf: { N: number; r: number; p: number };
  encryption: Buffer;
  check: Buffer;
}

export function deriveKey(passphrase: string, salt: Buffer = randomBytes(16), kdf: { N: number; r: number; p: number } = SCRYPT): UnlockedKey {
  const bytes = scryptSync(passphrase.normalize('NFC'), salt, 64, { ...kdf, maxmem: SCRYPT_MAXMEM });
  return { salt, kdf, encryption: bytes.subarray(0, 32), check: createHmac('sha256', bytes.subarray(32)).update(CHECK_TEXT).digest() };
}

/** Encrypts `plaintext` under `key` with a fresh iv; the file's text. */
export function seal(plaintext: string, key: UnlockedKey): string {
  const iv = randomBytes(12);
  const header: Header = {
    format: SEALED_FORMAT,
    version: SEALED_VERSION,
    kdf: { name: 'scrypt', ...key.kdf, salt: key.salt.toString('base64') },
    cipher: 'aes-256-gcm',
    iv: iv.toString('base64'),
    check: key.check.toString('base64'),
  };
  const cipher = createCipheriv('aes-256-gcm', key.encryption, iv);
  cipher.setAAD(Buffer.from(JSON.stringify(header)));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return `${JSON.stringify({ ...header, ciphertext: ciphertext.toString('base64'), tag: cipher.getAuthTag().toString('base64') })}\n`;
}

/**
 * The file's header, checked: what unlocking it needs (salt and scrypt parameters). Throws
 * SealedFileRejected for anything that is not a version-1 file of this format.
 */
export function readHeader(text: string): Header & { ciphertext: Buffer; tag: Buffer } {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw new SealedFileRejected('it is not JSON');
  }
  const d = document as Record<string, unknown>;
  if (typeof d !== 'object' || d === null || d.format !== SEALED_FORMAT) throw new SealedFileRejected('it is not an awsrole key file');
  if (d.version !== SEALED_VERSION) throw new SealedFileRejected(`it is format version ${String(d.version)}; this awsrole reads version ${SEALED_VERSION}`);
  const kdf = d.kdf as Record<string, unknown> | undefined;
  const isCount = (n: unknown, max: number): n is number => Number.isInteger(n) && (n as number) >= 1 && (n as number) <= max;
  if (kdf?.name !== 'scrypt' || !isCount(kdf.N, 2 ** 20) || !isCount(kdf.r, 64) || !isCount(kdf.p, 16) || typeof kdf.salt !== 'string') {
    throw new SealedFileRejected('its key derivation parameters are not scrypt within bounds');
  }
  // Weaker than awsrole writes is refused: a file cannot be quietly downgraded to a cheap guess.
  if ((kdf.N as number) < SCRYPT.N) throw new SealedFileRejected('its scrypt cost is lower than awsrole writes');
  if (d.cipher !== 'aes-256-gcm') throw new SealedFileRejected('its cipher is not aes-256-gcm');
  for (const field of ['iv', 'check', 'ciphertext', 'tag']) {
    if (typeof d[field] !== 'string') throw new SealedFileRejected(`its "${field}" is missing`);
  }
  const tag = Buffer.from(d.tag as string, 'base64');
  const iv = Buffer.from(d.iv as string, 'base64');
  if (tag.length !== 16 || iv.length !== 12) throw new SealedFileRejected('its iv or tag has the wrong length');
  const header: Header = {
    format: SEALED_FORMAT,
    version: SEALED_VERSION,
    kdf: { name: 'scrypt', N: kdf.N as number, r: kdf.r as number, p: kdf.p as number, salt: kdf.salt },
    cipher: 'aes-256-gcm',
    iv: d.iv as string,
    check: d.check as string,
  };
  return { ...header, ciphertext: Buffer.from(d.ciphertext as string, 'base64'), tag };
}

/** The key for the file's salt and parameters; throws WrongPassphrase when the check does not match. */
export function unlockKey(text: string, passphrase: string): UnlockedKey {
  const header = readHeader(text);
  const key = deriveKey(passphrase, Buffer.from(header.kdf.salt, 'base64'), { N: header.kdf.N, r: header.kdf.r, p: header.kdf.p });
  const expected = Buffer.from(header.check, 'base64');
  if (expected.length !== key.check.length || !timingSafeEqual(expected, key.check)) throw new WrongPassphrase('wrong passphrase');
  return key;
}

/** The plaintext, only when the whole file authenticates under `key`. */
export function open(text: string, key: UnlockedKey): string {
  const { ciphertext, tag, ...header } = readHeader(text);
  if (header.kdf.salt !== key.salt.toString('base64') || header.check !== key.check.toString('base64')) {
    throw new WrongPassphrase('the file was written with another passphrase');
  }
  const decipher = createDecipheriv('aes-256-gcm', key.encryption, Buffer.from(header.iv, 'base64'));
  decipher.setAAD(Buffer.from(JSON.stringify(header)));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
  } catch {
    throw new SealedFileRejected('it does not authenticate: it was changed after awsrole wrote it');
  }
}

import { describe, expect, it } from 'vitest';
import { deriveKey, open, readHeader, seal, SealedFileRejected, unlockKey, WrongPassphrase } from '../../../src/keys/sealed-file.js';

const PLAINTEXT = JSON.stringify({ entries: { 'profile/base': '{"AccessKeyId":"AKIAEXAMPLE000000001","SecretAccessKey":"s3cret"}' } });

/** The sealed file with one field replaced (a JSON edit, as an attacker or a bad sync would make). */
function edited(text: string, change: (document: Record<string, unknown>) => void): string {
  const document = JSON.parse(text) as Record<string, unknown>;
  change(document);
  return JSON.stringify(document);
}

function flipFirstByte(base64: string): string {
  const bytes = Buffer.from(base64, 'base64');
  bytes[0]! ^= 1;
  return bytes.toString('base64');
}

describe(seal.name, () => {
  const key = deriveKey('passphrase');
  const text = seal(PLAINTEXT, key);

  it('round-trips, and holds no plaintext', () => {
    expect(open(text, unlockKey(text, 'passphrase'))).toBe(PLAINTEXT);
    expect(text).not.toContain('s3cret');
    expect(text).not.toContain('AKIAEXAMPLE');
  });

  it('uses a fresh iv each time: the same entries never seal to the same text', () => {
    expect(seal(PLAINTEXT, key)).not.toBe(text);
  });

  it('tells a wrong passphrase apart from a changed file', () => {
    expect(() => unlockKey(text, 'Passphrase')).toThrow(WrongPassphrase);
  });

  it.each([
    ['a changed ciphertext', (d: Record<string, unknown>) => (d.ciphertext = flipFirstByte(d.ciphertext as string))],
    ['a changed tag', (d: Record<string, unknown>) => (d.tag = flipFirstByte(d.tag as string))],
    ['a changed iv', (d: Record<string, unknown>) => (d.iv = flipFirstByte(d.iv as string))],
    ['a cut ciphertext', (d: Record<string, unknown>) => (d.ciphertext = Buffer.from(d.ciphertext as string, 'base64').subarray(0, 10).toString('base64'))],
  ])('refuses %s whole', (_name, change) => {
    const tampered = edited(text, change);
    expect(() => open(tampered, unlockKey(tampered, 'passphrase'))).toThrow(SealedFileRejected);
  });

  it.each([
    ['another format', (d: Record<string, unknown>) => (d.format = 'something-else')],
    ['a later version', (d: Record<string, unknown>) => (d.version = 2)],
    ['a cheaper scrypt', (d: Record<string, unknown>) => ((d.kdf as Record<string, unknown>).N = 1024)],
    ['another cipher', (d: Record<string, unknown>) => (d.cipher = 'aes-128-gcm')],
    ['no tag', (d: Record<string, unknown>) => delete d.tag],
  ])('refuses %s before deriving anything', (_name, change) => {
    expect(() => readHeader(edited(text, change))).toThrow(SealedFileRejected);
  });

  it('refuses what is not JSON', () => {
    expect(() => readHeader('not json')).toThrow(SealedFileRejected);
  });
});

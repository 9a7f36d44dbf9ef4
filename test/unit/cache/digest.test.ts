// The hashes cache keys are named with, against node:crypto (the oracle): every length around
// the 64-byte block and its 56-byte padding boundary, multi-byte UTF-8, and known answers.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha1Hex, sha256Hex } from '../../../src/cache/digest.js';

const oracle = (algorithm: string, text: string) => createHash(algorithm).update(text, 'utf8').digest('hex');

/** A text of `length` characters cycling through one-, two-, three- and four-byte UTF-8. */
function textOf(length: number, alphabet: string): string {
  const characters = [...alphabet];
  return Array.from({ length }, (_, i) => characters[(i * 7 + length) % characters.length]).join('');
}

describe('sha256Hex and sha1Hex', () => {
  it('give the FIPS 180 answers for "abc" and the empty text', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha1Hex('abc')).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    expect(sha1Hex('')).toBe('da39a3ee5e6b4b0d3255bfef95601890afd80709');
  });

  it('equal node:crypto for every length from 0 to 300 bytes, ASCII and multi-byte', () => {
    for (const alphabet of ['abcdefghijklmnopqrstuvwxyz0123456789{}":,', 'aé€😀"\\\n']) {
      for (let length = 0; length <= 300; length++) {
        const text = textOf(length, alphabet);
        expect(sha256Hex(text), `sha256 of ${JSON.stringify(text)}`).toBe(oracle('sha256', text));
        expect(sha1Hex(text), `sha1 of ${JSON.stringify(text)}`).toBe(oracle('sha1', text));
      }
    }
  });

  it('equal node:crypto for a text of many blocks', () => {
    const text = textOf(100_000, 'role_arn=arn:aws:iam::123456789012:role/é');
    expect(sha256Hex(text)).toBe(oracle('sha256', text));
    expect(sha1Hex(text)).toBe(oracle('sha1', text));
  });
});

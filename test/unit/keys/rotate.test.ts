import { describe, expect, it } from 'vitest';
import type { IamCaller } from '../../../src/keys/iam.js';
import { rotateKeys, VERIFY_ATTEMPTS, type RotationEffects } from '../../../src/keys/rotate.js';
import type { LongTermKeys } from '../../../src/keys/types.js';

const OLD: LongTermKeys = { accessKeyId: 'AKIAOLDOLDOLDOLDOLD1', secretAccessKey: 'old-secret' };
const NEW: LongTermKeys = { accessKeyId: 'AKIANEWNEWNEWNEWNEW1', secretAccessKey: 'new-secret' };
const USER = 'arn:aws:iam::123456789012:user/alice';

/** An IAM user's keys as plain data, and a log of every call in order: the effects rotateKeys is given. */
function world(options: { propagatesAfter?: number; storeFails?: boolean; otherUser?: boolean } = {}) {
  const active = new Set([OLD.accessKeyId]);
  const calls: string[] = [];
  let stored = OLD;
  let checksOfNew = 0;
  const iam: IamCaller = {
    async createAccessKey(signer) {
      calls.push(`create by ${signer.accessKeyId}`);
      active.add(NEW.accessKeyId);
      return NEW;
    },
    async deleteAccessKey(signer, id) {
      calls.push(`delete ${id} by ${signer.accessKeyId}`);
      active.delete(id);
    },
  };
  const effects: RotationEffects = {
    iam,
    async whoAmI(keys) {
      if (keys === NEW && ++checksOfNew <= (options.propagatesAfter ?? 0)) throw new Error('InvalidClientTokenId: not yet');
      if (!active.has(keys.accessKeyId)) throw new Error('InvalidClientTokenId');
      return keys === NEW && options.otherUser ? 'arn:aws:iam::123456789012:user/mallory' : USER;
    },
    async store(keys) {
      calls.push(`store ${keys.accessKeyId}`);
      if (options.storeFails) throw new Error('keystore locked');
      stored = keys;
    },
    sleep: async () => {},
    info: () => {},
  };
  return { effects, calls, active, stored: () => stored };
}

describe(rotateKeys.name, () => {
  it('creates with the old key, stores, then deletes the old key with the new one', async () => {
    const w = world();
    expect(await rotateKeys('base', OLD, w.effects)).toBe(NEW);
    expect(w.calls).toEqual([`create by ${OLD.accessKeyId}`, `store ${NEW.accessKeyId}`, `delete ${OLD.accessKeyId} by ${NEW.accessKeyId}`]);
    expect([...w.active]).toEqual([NEW.accessKeyId]);
  });

  it('waits while IAM propagates the new key', async () => {
    const w = world({ propagatesAfter: 3 });
    expect(await rotateKeys('base', OLD, w.effects)).toBe(NEW);
    expect(w.stored()).toBe(NEW);
  });

  it(`gives up after ${VERIFY_ATTEMPTS} tries: the old key stays stored, the new one is deleted again`, async () => {
    const w = world({ propagatesAfter: VERIFY_ATTEMPTS });
    await expect(rotateKeys('base', OLD, w.effects)).rejects.toMatchObject({ exitCode: 4 });
    expect(w.stored()).toBe(OLD);
    expect([...w.active]).toEqual([OLD.accessKeyId]);
  });

  it('a store that fails (between create and delete) leaves the old key stored and active, the new one deleted', async () => {
    const w = world({ storeFails: true });
    await expect(rotateKeys('base', OLD, w.effects)).rejects.toThrow(/could not be stored.*still AKIA…OLD1, which works/);
    expect(w.stored()).toBe(OLD);
    expect([...w.active]).toEqual([OLD.accessKeyId]);
  });

  it('refuses a new key that signs in as someone else', async () => {
    const w = world({ otherUser: true });
    await expect(rotateKeys('base', OLD, w.effects)).rejects.toThrow(/someone else/);
    expect(w.stored()).toBe(OLD);
  });
});

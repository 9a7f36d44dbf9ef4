import { AwsRefusedError } from '../errors/errors.js';
import { maskAccessKeyId } from '../output/mask.js';
import type { IamCaller } from './iam.js';
import type { LongTermKeys } from './types.js';

/** What rotating touches, passed in: IAM, STS, the keystore, the clock. */
export interface RotationEffects {
  iam: IamCaller;
  /** GetCallerIdentity: the ARN the keys sign in as. */
  whoAmI(keys: LongTermKeys): Promise<string>;
  /** Stores the keys for the profile (read back before it returns). */
  store(keys: LongTermKeys): Promise<void>;
  sleep(milliseconds: number): Promise<void>;
  info(message: string): void;
}

/**
 * A new key is not valid everywhere at once (IAM is eventually consistent): GetCallerIdentity is
 * tried this often, this far apart, before the new key is given up on (about half a minute).
 */
export const VERIFY_ATTEMPTS = 15;
export const VERIFY_PAUSE_MS = 2000;

/**
 * Rotation in the one order where every failure leaves a stored key that works:
 *   1. who the old key is (GetCallerIdentity);
 *   2. CreateAccessKey, signed with the old key;
 *   3. the new key signs in as the same user (retried while IAM propagates it);
 *   4. the new key is stored (and read back);
 *   5. DeleteAccessKey of the old key, signed with the new one.
 * Before 4 fails, the old key is still stored and the new one is deleted again (best effort);
 * after 4, the new one is stored, and a failed delete leaves the old key active in IAM, said so.
 */
export async function rotateKeys(profile: string, old: LongTermKeys, effects: RotationEffects): Promise<LongTermKeys> {
  const nothingChanged = (what: string) => (error: unknown): never => {
    throw new AwsRefusedError(`${what}: ${message(error)} (profile "${profile}"); nothing was changed`);
  };
  const user = await effects.whoAmI(old).catch(nothingChanged(`the stored key ${maskAccessKeyId(old.accessKeyId)} does not sign in (GetCallerIdentity)`));
  const created = await effects.iam.createAccessKey(old).catch(nothingChanged('IAM did not create a new key'));
  const newId = maskAccessKeyId(created.accessKeyId);
  effects.info(`created access key ${newId} for ${user}; checking that it works`);

  const undo = async (why: string, cause: unknown): Promise<never> => {
    let cleaned = true;
    try {
      await effects.iam.deleteAccessKey(old, created.accessKeyId);
    } catch {
      cleaned = false;
    }
    throw new AwsRefusedError(
      `${why}: ${message(cause)} (profile "${profile}"); the stored key is still ${maskAccessKeyId(old.accessKeyId)}, which works`,
      cleaned ? `the new key ${newId} was deleted again` : `the new key ${newId} could not be deleted again: delete it in IAM (aws iam list-access-keys shows it)`,
    );
  };

  let lastError: unknown;
  let verified = false;
  for (let attempt = 1; attempt <= VERIFY_ATTEMPTS && !verified; attempt++) {
    try {
      const arn = await effects.whoAmI(created);
      if (arn !== user) return undo('the new key signs in as someone else', new Error(`${arn}, not ${user}`));
      verified = true;
    } catch (error) {
      lastError = error;
      if (attempt < VERIFY_ATTEMPTS) await effects.sleep(VERIFY_PAUSE_MS);
    }
  }
  if (!verified) return undo(`the new key did not work after ${VERIFY_ATTEMPTS} tries`, lastError);

  try {
    await effects.store(created);
  } catch (error) {
    return undo('the new key could not be stored', error);
  }
  effects.info(`stored the new key ${newId} for profile ${profile}; deleting the old key ${maskAccessKeyId(old.accessKeyId)}`);

  try {
    await effects.iam.deleteAccessKey(created, old.accessKeyId);
  } catch (error) {
    throw new AwsRefusedError(
      `the old key ${maskAccessKeyId(old.accessKeyId)} could not be deleted: ${message(error)} (profile "${profile}"); the stored key is the new one, ${newId}, which works`,
      `the old key is still active in IAM: delete it there (aws iam delete-access-key), or run awsrole keys rotate ${profile} again later`,
    );
  }
  return created;
}

function message(error: unknown): string {
  return maskAccessKeyIdsIn(String((error as Error)?.message ?? error));
}

function maskAccessKeyIdsIn(text: string): string {
  return text.replace(/\b(?:AKIA|ASIA)[A-Z0-9]{12,}\b/g, (id) => maskAccessKeyId(id));
}

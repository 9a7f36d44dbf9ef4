import { createHash } from 'node:crypto';
import type { LockOptions } from '../cache/lock.js';
import { openCacheStore } from '../cache/store.js';
import { cacheDirectory, type Env } from '../environment/env.js';
import { tokenCacheKey, type TokenName } from './token-cache.js';

/**
 * What is done to an IAM Identity Center login under its lock: a refresh (one CreateToken, bounded
 * by the request timeout) or a login (a person at a browser, up to the sign-in request's life).
 * They are separate locks, so that a `use` needing a refresh never waits for a person.
 */
export type TokenWork = 'refresh' | 'login';

/** A login waits for another login at most this long: the AWS CLI's own limit for one sign-in (AuthCodeFetcher). */
const LOGIN_LOCK: LockOptions = { timeoutMs: 11 * 60_000, maxAgeMs: 10 * 60_000 };

/**
 * Runs `work` while holding the lock for this login and this kind of work, so that twenty awsrole
 * processes needing the same expired token make one refresh between them, and two logins for one
 * sso-session make one sign-in. The lock file is in awsrole's own cache directory (cache/lock.ts:
 * O_EXCL, stale holders broken), not in ~/.aws/sso/cache, which belongs to the AWS CLI too. When
 * that directory cannot be used (not ours, not creatable), the work runs unlocked: a lock is an
 * economy here, never a condition for getting credentials.
 */
export async function withTokenLock<T>(
  env: Env,
  name: TokenName,
  kind: TokenWork,
  work: () => Promise<T>,
  say: { debug: (message: string) => void; waiting?: () => void },
): Promise<T> {
  let store;
  try {
    store = openCacheStore(cacheDirectory(env), {
      lock: {
        ...(kind === 'login' ? LOGIN_LOCK : {}),
        onWait: (holder) => {
          say.debug(`waiting for another awsrole${holder ? ` (pid ${holder.pid})` : ''} ${kind === 'login' ? 'signing in to' : 'refreshing'} the same IAM Identity Center login`);
          say.waiting?.();
        },
      },
    });
  } catch (error) {
    say.debug(`the ${kind} of the IAM Identity Center token runs without a lock: ${(error as Error).message}`);
    return work();
  }
  return store.withLock(tokenLockKey(name, kind), work);
}

/** The lock's name: a digest (the store's keys are hex), distinct from every session key. */
export function tokenLockKey(name: TokenName, kind: TokenWork): string {
  return createHash('sha256').update(`awsrole-sso-${kind}:${tokenCacheKey(name)}`).digest('hex');
}

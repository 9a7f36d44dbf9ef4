import type { Env } from '../environment/env.js';

const PREFIX = 'awsrole-';
const MAX_LENGTH = 64;

/**
 * The RoleSessionName used when none is configured. It ends up in CloudTrail and in the assumed
 * role's ARN, so it names the local user (`awsrole-alice`) rather than a timestamp as botocore's
 * `botocore-session-<epoch>` does. Characters STS does not accept become `-`; the result is cut to
 * STS's 64-character limit. It is also stable, which lets cached sessions be reused.
 */
export function defaultSessionName(env: Env, fallbackUser: () => string): string {
  const user = env.USER || env.LOGNAME || env.USERNAME || safeCall(fallbackUser) || 'user';
  const cleaned = user.replace(/[^\w+=,.@-]/g, '-');
  return (PREFIX + cleaned).slice(0, MAX_LENGTH);
}

function safeCall(read: () => string): string {
  try {
    return read();
  } catch {
    // os.userInfo() throws when the uid has no passwd entry (common in containers).
    return '';
  }
}

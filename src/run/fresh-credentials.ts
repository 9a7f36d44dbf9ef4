import type { Credentials } from './credentials.js';
import type { SourceStep } from '../plan/types.js';
import { AwsRefusedError } from '../errors/errors.js';

/**
 * Credentials just handed over by a source or by STS are used — printed, exported, cached — only
 * when they will still work for a while: an answer whose Expiration is already past (a clock
 * that is wrong, an endpoint that serves stale credentials, a replayed answer) would otherwise be
 * exported and written to both caches, and every later run would fail in a puzzling way.
 *
 * "A while" is the --min-ttl a cached session must outlast, but at most 15 minutes (STS's
 * shortest session): a fresh one-hour session is handed out even under `--min-ttl 1h`, which asks
 * for "never reuse one with less left", not "refuse a new one".
 */
export const FRESH_FLOOR_SECONDS = 15 * 60;

export function refuseStale(credentials: Credentials, what: string, where: string, now: Date, minTtlSeconds: number): void {
  const { expiration } = credentials;
  if (!expiration) return;
  const ms = expiration.getTime();
  if (Number.isNaN(ms) || ms > Date.UTC(9999, 11, 31, 23, 59, 59)) {
    throw new AwsRefusedError(`${what} returned credentials with an expiration that is no usable time (${where})`);
  }
  const left = Math.floor((ms - now.getTime()) / 1000);
  const hint = 'check this machine\'s clock (`date -u`); otherwise the endpoint serves stale credentials';
  const at = new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  if (left <= 0) {
    throw new AwsRefusedError(`${what} returned credentials that expired at ${at}, ${spell(-left)} ago (${where})`, hint);
  }
  const floor = Math.min(minTtlSeconds, FRESH_FLOOR_SECONDS);
  if (left <= floor) {
    throw new AwsRefusedError(
      `${what} returned credentials that expire at ${at}, in ${spell(left)}: less than the ${spell(floor)} they must last (--min-ttl) (${where})`,
      hint,
    );
  }
}

function spell(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.floor(seconds / 60)} min`;
  return `${Math.floor(seconds / 3600)} h`;
}

/** Who hands out a source's credentials, for the messages above. */
export const SOURCE_NAMES: Record<SourceStep['kind'], string> = {
  'static-keys': 'the credentials file',
  environment: 'the environment',
  'web-identity': 'AssumeRoleWithWebIdentity',
  process: 'credential_process',
  keystore: "awsrole's keystore",
  'instance-metadata': 'the EC2 instance metadata service',
  container: 'the container credentials endpoint',
  sso: 'IAM Identity Center (GetRoleCredentials)',
  'login-session': 'the aws login session',
};

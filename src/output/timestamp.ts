import { AwsroleError, ExitCode } from '../errors/errors.js';

/**
 * An expiry as ISO 8601 UTC to the second: `2026-11-28T10:00:00Z`. This is the form STS itself
 * returns (`<Expiration>2026-11-28T10:00:00Z</Expiration>`) and the one other credential tools
 * write, so prompt themes and scripts that match on it see the usual shape; every SDK parses it.
 * `Date.toISOString()` would add `.000`, which carries no information for an STS expiry. A
 * fraction of a second is cut, never rounded up, so the written expiry is never later than the
 * real one.
 */
export function formatTimestamp(date: Date): string {
  if (Number.isNaN(date.getTime())) {
    throw new AwsroleError('internal error: the session has an invalid expiration date', ExitCode.unexpected);
  }
  // From the UTC fields rather than toISOString(), whose first call makes V8 load the local time
  // zone (ICU reads /etc/localtime): a millisecond of every cached `use`, for nothing.
  const two = (n: number) => String(n).padStart(2, '0');
  const text = `${String(date.getUTCFullYear()).padStart(4, '0')}-${two(date.getUTCMonth() + 1)}-${two(date.getUTCDate())}` +
    `T${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}Z`;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(text)) {
    // Years before 0000 or after 9999, which the SDKs do not parse.
    throw new AwsroleError(`internal error: the session's expiration ${text} is out of range`, ExitCode.unexpected);
  }
  return text;
}

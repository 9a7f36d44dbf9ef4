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
  const ms = date.getTime();
  if (Number.isNaN(ms)) {
    throw new AwsroleError('internal error: the session has an invalid expiration date', ExitCode.unexpected);
  }
  const text = new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(text)) {
    // Years before 0000 or after 9999 come out as ±YYYYYY, which the SDKs do not parse.
    throw new AwsroleError(`internal error: the session's expiration ${text} is out of range`, ExitCode.unexpected);
  }
  return text;
}

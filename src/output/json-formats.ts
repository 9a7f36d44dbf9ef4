import type { Session } from '../run/credentials.js';
import { formatTimestamp } from './timestamp.js';

/**
 * `process`: the JSON that every SDK's credential_process reader accepts, on one line.
 * `SessionToken` and `Expiration` are left out when absent (no expiration = never expires).
 */
export function processJson(session: Session): string {
  const { accessKeyId, secretAccessKey, sessionToken, expiration } = session.credentials;
  const document: Record<string, string | number> = {
    Version: 1,
    AccessKeyId: accessKeyId,
    SecretAccessKey: secretAccessKey,
  };
  if (sessionToken) document.SessionToken = sessionToken;
  if (expiration) document.Expiration = formatTimestamp(expiration);
  return `${JSON.stringify(document)}\n`;
}

/**
 * `json`: the credentials and what they belong to, pretty-printed. The field names are AWS's own
 * (those of STS's `Credentials` and of credential_process), so a `jq .AccessKeyId` written for
 * `aws sts assume-role` output carries over:
 *
 *   Profile          the profile name
 *   RoleArn          the role of the last hop, or null for a profile that assumes no role
 *   Region           the region, or null when none is known
 *   AccessKeyId, SecretAccessKey
 *   SessionToken     null for long-term keys
 *   Expiration       ISO 8601 UTC (`2026-11-28T10:00:00Z`), or null when the keys do not expire
 *
 * Every field is always present, so readers need not tell a missing field from a null one.
 */
export function sessionJson(session: Session): string {
  const { accessKeyId, secretAccessKey, sessionToken, expiration } = session.credentials;
  const document = {
    Profile: session.profile,
    RoleArn: session.roleArn || null,
    Region: session.region || null,
    AccessKeyId: accessKeyId,
    SecretAccessKey: secretAccessKey,
    SessionToken: sessionToken || null,
    Expiration: expiration ? formatTimestamp(expiration) : null,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

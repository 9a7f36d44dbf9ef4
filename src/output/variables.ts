import type { Session } from '../credentials.js';
import { formatTimestamp } from './timestamp.js';

/** What `use`, `exec` and the env formats do to the environment: set these, in order; clear those. */
export interface VariableChanges {
  readonly set: ReadonlyArray<readonly [name: string, value: string]>;
  readonly clear: readonly string[];
}

/** The credential variables, in the order they are set. The first two are always set. */
const CREDENTIAL_VARIABLES = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_CREDENTIAL_EXPIRATION',
  'AWS_SESSION_EXPIRATION',
] as const;

export const REGION_VARIABLES: readonly string[] = ['AWS_REGION', 'AWS_DEFAULT_REGION'];

/**
 * Cleared on every switch: a profile selection would make some SDKs ignore the credentials in the
 * environment (the JS SDK skips them when AWS_PROFILE is set), and AWS_SECURITY_TOKEN is the
 * legacy name of the session token, which old tools would pair with the new keys.
 */
const ALWAYS_CLEARED = ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_SECURITY_TOKEN'] as const;

/** Every variable `use` can set, in the order it sets them; `unset` clears exactly these. */
export const USE_VARIABLES: readonly string[] = [...CREDENTIAL_VARIABLES, ...REGION_VARIABLES, 'AWSROLE_PROFILE'];

/**
 * The variables for a session. A session token or region that is absent or empty is not set.
 * A credential variable the session does not set is cleared, so that a token or expiry left by
 * an earlier role never pairs with these keys. The region variables are not cleared when the
 * session has no region: a region the user set themselves stays.
 */
export function sessionVariables(session: Session): VariableChanges {
  const { credentials, region, profile } = session;
  const expiration = credentials.expiration ? formatTimestamp(credentials.expiration) : undefined;
  const credentialValues: Record<(typeof CREDENTIAL_VARIABLES)[number], string | undefined> = {
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_SESSION_TOKEN: credentials.sessionToken || undefined,
    AWS_CREDENTIAL_EXPIRATION: expiration,
    AWS_SESSION_EXPIRATION: expiration,
  };

  const set: Array<readonly [string, string]> = [];
  const clear: string[] = [...ALWAYS_CLEARED];
  for (const name of CREDENTIAL_VARIABLES) {
    const value = credentialValues[name];
    if (value === undefined) clear.push(name);
    else set.push([name, value]);
  }
  if (region) for (const name of REGION_VARIABLES) set.push([name, region] as const);
  set.push(['AWSROLE_PROFILE', profile]);
  return { set, clear };
}

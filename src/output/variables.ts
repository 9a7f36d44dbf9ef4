import type { Session } from '../run/credentials.js';
import { REGION_VARIABLES, USER_REGION_VARIABLE, encodeUserRegion } from '../environment/user-region.js';
import { formatTimestamp } from './timestamp.js';

export { REGION_VARIABLES } from '../environment/user-region.js';

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

/**
 * Cleared on every switch: a profile selection would make some SDKs ignore the credentials in the
 * environment (the JS SDK skips them when AWS_PROFILE is set), and AWS_SECURITY_TOKEN is the
 * legacy name of the session token, which old tools would pair with the new keys.
 */
const ALWAYS_CLEARED = ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_SECURITY_TOKEN'] as const;

/**
 * Every variable `use` can set, in the order it sets them; `unset` clears these, and sets the
 * region variables back to the user's own.
 */
export const USE_VARIABLES: readonly string[] = [...CREDENTIAL_VARIABLES, ...REGION_VARIABLES, 'AWSROLE_PROFILE', USER_REGION_VARIABLE];

/**
 * The variables for a session. A session token or region that is absent or empty is not set.
 * A credential variable the session does not set is cleared, so that a token or expiry left by
 * an earlier role never pairs with these keys.
 *
 * Region: a region of the session's own (--region, the profile's) goes in both variables. When
 * the user's own region variables are known (session.userRegion) they are remembered in
 * AWSROLE_USER_REGION, and a session without a region of its own sets them back exactly as the
 * user had them — so no region of an earlier profile stays. Without that knowledge (sessions
 * built by hand) the region variables are left alone.
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
  const user = session.userRegion;
  if (user?.handedOn) {
    for (const name of REGION_VARIABLES) {
      const value = user.variables[name];
      if (value === undefined) clear.push(name);
      else set.push([name, value]);
    }
  } else if (region) {
    for (const name of REGION_VARIABLES) set.push([name, region]);
  }
  set.push(['AWSROLE_PROFILE', profile]);
  if (user) set.push([USER_REGION_VARIABLE, encodeUserRegion(user.variables)]);
  return { set, clear };
}

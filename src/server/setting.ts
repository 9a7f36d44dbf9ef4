import type { Profile } from '../config/types.js';
import type { Env } from '../environment/env.js';
import { ConfigError } from '../errors/errors.js';
import { formatOrigin } from '../plan/where.js';

/**
 * How close to its expiry a session is re-assumed when the user gave no --min-ttl: the widest
 * refresh window among the SDKs that read the endpoint. botocore (1.43, credentials.py) refreshes
 * in an "advisory" window of 15 minutes before expiry and *fails* when, inside its "mandatory"
 * window of 10 minutes, the endpoint still hands back the same credentials; the JS SDK v3
 * refreshes 5 minutes before expiry (@smithy/core's EXPIRATION_MS, credential-provider-node's
 * credentialsTreatedAsExpired). Fresh credentials by the 15-minute mark satisfy all of them.
 * Here rather than in refresher.ts because `explain`, which starts fast, shows it.
 */
export const SDK_REFRESH_WINDOW_SECONDS = 15 * 60;

/** The profile setting and the variable that make `exec` use the credentials server by default. */
export const EXEC_SERVER_SETTING = 'awsrole_exec_server';
export const EXEC_SERVER_VARIABLE = 'AWSROLE_EXEC_SERVER';

export interface ExecServerDefault {
  enabled: boolean;
  /** Where it was decided, for explain and --debug: `$AWSROLE_EXEC_SERVER`, `file:line`. */
  source: string;
}

/**
 * Whether `exec` serves credentials through a local endpoint when neither --server nor --no-server
 * is given. As with AWS's own settings, the variable wins over the profile's setting; an empty
 * variable counts as unset. Values are `true` or `false`, in any case.
 */
export function execServerDefault(profile: Profile | undefined, env: Env): ExecServerDefault | undefined {
  const fromEnv = env[EXEC_SERVER_VARIABLE]?.trim();
  if (fromEnv) return { enabled: parseFlag(fromEnv, `$${EXEC_SERVER_VARIABLE}`), source: `$${EXEC_SERVER_VARIABLE}` };
  const setting = profile?.settings.get(EXEC_SERVER_SETTING);
  if (!setting) return undefined;
  const where = formatOrigin(setting.origin);
  return { enabled: parseFlag(setting.value.trim(), `${EXEC_SERVER_SETTING} at ${where}`), source: where };
}

function parseFlag(text: string, where: string): boolean {
  const lower = text.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  throw new ConfigError(`${where} must be true or false, not ${JSON.stringify(text)}`);
}

import { childEnvironment, runCommand } from '../process/exec.js';
import { loadConfig } from '../config/load.js';
import { profileKind } from '../plan/kind.js';
import { recordRecentProfile } from '../picker/recent-profiles.js';
import { serverSettings, type ServerOptions } from './server-options.js';
import type { CommandContext, CredentialOptions } from './context.js';
import { planFor } from './obtain-session.js';
import { startPlanServer } from './plan-server.js';

/**
 * Every variable through which an SDK could find credentials before the container endpoint
 * (botocore's chain: environment keys, a profile, web identity; the relative URI and the token
 * file win over the full URI and the token): the child must find the server, not these.
 */
const CLEARED = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_SECURITY_TOKEN',
  'AWS_CREDENTIAL_EXPIRATION',
  'AWS_SESSION_EXPIRATION',
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_ROLE_ARN',
  'AWS_ROLE_SESSION_NAME',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE',
];

/**
 * `awsrole exec --server`: the child gets a loopback container-credentials endpoint instead of
 * keys, and awsrole stays its parent, renewing the session before the SDKs would refresh, until
 * the child exits; its exit code is ours.
 */
export async function execWithServer(
  profile: string,
  command: string,
  args: string[],
  options: CredentialOptions & ServerOptions,
  context: CommandContext,
): Promise<number> {
  const plan = planFor(profile, options, context);
  const settings = serverSettings({ ...options, ecs: true, imds: false }, context);
  const server = await startPlanServer(plan, options, settings, context);
  try {
    recordRecentProfile(context.env, profile, context.debug);
    warnAboutDefaultProfile(context);
    const { session } = server;
    const set: Array<[string, string]> = [...server.variables];
    if (session.region) set.push(['AWS_REGION', session.region], ['AWS_DEFAULT_REGION', session.region]);
    set.push(['AWSROLE_PROFILE', profile]);
    const env = childEnvironment(context.env, { set, clear: CLEARED });
    context.debug(`exec: running ${command} with the credentials of ${profile} from ${server.origin}`);
    return await runCommand(command, args, env);
  } finally {
    await server.close();
  }
}

/**
 * With AWS_PROFILE cleared, the SDKs read the `default` profile before they ask the container
 * endpoint (botocore: shared credentials and config files come before container-role in the
 * chain; the JS SDK: fromIni before remote providers). Credentials there would win.
 */
function warnAboutDefaultProfile(context: CommandContext): void {
  const profile = loadConfig(context.env).profiles.get('default');
  if (!profile) return;
  const kind = profileKind(profile);
  if (kind === 'none') return;
  context.warn(
    `the "default" profile has credentials (${kind}), which the AWS SDKs use before a credentials server: ` +
      'the command may run as "default" instead (remove them from the default profile, or use exec without --server)',
  );
}

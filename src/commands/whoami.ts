import { loadConfig } from '../config/load.js';
import type { Profile } from '../config/types.js';
import type { Credentials } from '../credentials.js';
import { UsageError } from '../errors.js';
import { stsError } from '../assume-hop.js';
import { resolveRegion, resolveStsTarget } from '../plan/sts-target.js';
import type { CommandContext, CredentialOptions } from './context.js';
import { effectsFor, obtainSession } from './obtain-session.js';

/**
 * GetCallerIdentity: for a profile (resolved and assumed like `use`), or with no profile for the
 * credentials in the environment, e.g. after `eval "$(awsrole use X)"`.
 */
export async function whoamiCommand(
  profile: string | undefined,
  options: CredentialOptions & { json?: boolean },
  context: CommandContext,
): Promise<void> {
  const { env } = context;
  const config = loadConfig(env);
  let credentials: Credentials;
  let subject: Profile;
  if (profile) {
    credentials = (await obtainSession(profile, options, context)).credentials;
    subject = config.profiles.get(profile)!;
  } else {
    if (!env.AWS_ACCESS_KEY_ID || !env.AWS_SECRET_ACCESS_KEY) {
      throw new UsageError('no credentials in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)', 'name a profile: awsrole whoami <profile>');
    }
    credentials = { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY };
    if (env.AWS_SESSION_TOKEN) credentials.sessionToken = env.AWS_SESSION_TOKEN;
    // No profile: only the environment decides region and endpoint.
    subject = { name: env.AWSROLE_PROFILE ?? '(environment)', settings: new Map() };
  }
  const target = resolveStsTarget(config, subject, env, resolveRegion(subject, env, options.region));
  let identity;
  try {
    identity = await effectsFor(options, context).sts().getCallerIdentity(target, credentials);
  } catch (error) {
    throw stsError(error, 'GetCallerIdentity', target, profile ? `profile "${profile}"` : 'credentials from the environment');
  }
  if (options.json) {
    context.stdout.write(`${JSON.stringify({ Account: identity.account, Arn: identity.arn, UserId: identity.userId, Profile: profile ?? env.AWSROLE_PROFILE ?? null })}\n`);
    return;
  }
  context.stdout.write(`account  ${identity.account}\narn      ${identity.arn}\nuser id  ${identity.userId}\n`);
}

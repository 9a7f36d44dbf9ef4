import { loadConfig } from '../config/load.js';
import type { Profile } from '../config/types.js';
import type { Credentials } from '../run/credentials.js';
import { AwsRefusedError, AwsroleError, UsageError } from '../errors/errors.js';
import type { Env } from '../environment/env.js';
import { StsRefusal } from '../sts/types.js';
import { stsError } from '../run/assume-hop.js';
import { resolveRegion, resolveStsTarget } from '../plan/sts-target.js';
import type { CommandContext, CredentialOptions } from './context.js';
import { effectsFor, obtainSession } from './obtain-session.js';

/**
 * GetCallerIdentity: for a profile (resolved and assumed like `use`), or with no profile for the
 * credentials in the environment, e.g. after `eval "$(awsrole use X)"`. Without either, the
 * profile in AWS_PROFILE (or AWS_DEFAULT_PROFILE), as the AWS CLI would: botocore's chain takes
 * keys in the environment first and the profile the environment names after them.
 */
export async function whoamiCommand(
  profile: string | undefined,
  options: CredentialOptions & { json?: boolean },
  context: CommandContext,
): Promise<void> {
  const { env } = context;
  const config = loadConfig(env);
  const haveKeys = Boolean(env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY);
  const named = profile ?? (haveKeys ? undefined : env.AWS_PROFILE || env.AWS_DEFAULT_PROFILE || undefined);
  let credentials: Credentials;
  let subject: Profile;
  if (named) {
    if (!profile) context.debug(`no credentials in the environment: the profile in ${env.AWS_PROFILE ? 'AWS_PROFILE' : 'AWS_DEFAULT_PROFILE'}, "${named}"`);
    credentials = (await obtainSession(named, options, context)).credentials;
    subject = config.profiles.get(named)!;
  } else {
    if (!haveKeys) {
      throw new UsageError('no credentials in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)', 'name a profile: awsrole whoami <profile>');
    }
    checkNotExpired(env);
    credentials = { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! };
    if (env.AWS_SESSION_TOKEN) credentials.sessionToken = env.AWS_SESSION_TOKEN;
    // No profile: only the environment decides region and endpoint.
    subject = { name: env.AWSROLE_PROFILE ?? '(environment)', settings: new Map() };
  }
  const target = resolveStsTarget(config, subject, env, resolveRegion(subject, env, options.region));
  let identity;
  try {
    identity = await effectsFor(options, context).sts().getCallerIdentity(target, credentials);
  } catch (error) {
    const mapped = stsError(error, 'GetCallerIdentity', target, named ? `profile "${named}"` : 'credentials from the environment');
    if (!named && env.AWSROLE_PROFILE && error instanceof StsRefusal && error.code === 'ExpiredToken' && mapped instanceof AwsroleError) {
      throw new AwsroleError(mapped.message, mapped.exitCode, renewHint(env.AWSROLE_PROFILE));
    }
    throw mapped;
  }
  if (options.json) {
    context.stdout.write(`${JSON.stringify({ Account: identity.account, Arn: identity.arn, UserId: identity.userId, Profile: named ?? env.AWSROLE_PROFILE ?? null })}\n`);
    return;
  }
  context.stdout.write(`account  ${identity.account}\narn      ${identity.arn}\nuser id  ${identity.userId}\n`);
}

function renewHint(profile: string): string {
  return `they were left by an earlier use: run \`awsrole use ${profile}\``;
}

/**
 * Credentials with an expiry that has passed are refused by AWS (ExpiredToken) whatever the call;
 * saying so before the call names the time and, for a session `use` left, how to renew it.
 */
function checkNotExpired(env: Env): void {
  const raw = env.AWS_CREDENTIAL_EXPIRATION || env.AWS_SESSION_EXPIRATION;
  if (!raw) return;
  const expiry = Date.parse(raw);
  if (Number.isNaN(expiry) || expiry > Date.now()) return;
  const variable = env.AWS_CREDENTIAL_EXPIRATION ? 'AWS_CREDENTIAL_EXPIRATION' : 'AWS_SESSION_EXPIRATION';
  throw new AwsRefusedError(
    `the credentials in the environment expired at ${raw} (${variable})`,
    env.AWSROLE_PROFILE ? renewHint(env.AWSROLE_PROFILE) : 'obtain new credentials, or name a profile: awsrole whoami <profile>',
  );
}

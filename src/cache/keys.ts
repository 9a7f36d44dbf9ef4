import type { Credentials } from '../run/credentials.js';
import type { AssumeRoleStep, StsTarget } from '../plan/types.js';
import type { AwsCliCacheArgs } from './aws-cli-cache.js';
import { sha256Hex } from './digest.js';

/**
 * Cache keys hold every input that changes the answer (STYLE.md habit 9): the role, external id,
 * MFA serial, duration, session name, where STS is, and who is asking. "Who is asking" is the
 * access key id of long-term credentials, or the key of the hop before: a chain's key changes
 * when any earlier hop's inputs change, but not merely because an earlier session was renewed.
 */
export function hopCacheKey(step: AssumeRoleStep, durationSeconds: number | undefined, source: string): string {
  return digest({
    kind: 'assume-role',
    roleArn: step.roleArn.value,
    sessionName: step.sessionName.value,
    externalId: step.externalId?.value ?? null,
    mfaSerial: step.mfaSerial?.value ?? null,
    durationSeconds: durationSeconds ?? null,
    endpoint: step.sts.endpoint.value,
    region: step.sts.region.value,
    source,
  });
}

/** The key of the GetSessionToken session that one MFA code buys for a serial and its user. */
export function mfaSessionKey(serial: string, source: string, sts: StsTarget): string {
  return digest({ kind: 'mfa-session', serial, endpoint: sts.endpoint.value, region: sts.region.value, source });
}

/** The identity of credentials that are not themselves cached: their access key id. */
export function keysIdentity(credentials: Credentials): string {
  return `keys:${credentials.accessKeyId}`;
}

/** The identity of a hop's result, as the source of the next hop. */
export function hopIdentity(hopKey: string): string {
  return `hop:${hopKey}`;
}

function digest(inputs: Record<string, unknown>): string {
  // Versioned, so that a future change of inputs never reads an old entry as a match.
  return sha256Hex(JSON.stringify({ scheme: 1, ...inputs }));
}

/**
 * The arguments the AWS CLI keys its cache on: the role and, only when configured, session name,
 * external id, MFA serial and duration (botocore's AssumeRoleProvider). A default session name
 * is not configured, so the CLI's key leaves it out too.
 */
export function awsCliArgs(step: AssumeRoleStep): AwsCliCacheArgs {
  const args: AwsCliCacheArgs = { RoleArn: step.roleArn.value };
  if (step.sessionName.source.kind !== 'default') args.RoleSessionName = step.sessionName.value;
  if (step.externalId) args.ExternalId = step.externalId.value;
  if (step.mfaSerial) args.SerialNumber = step.mfaSerial.value;
  if (step.durationSeconds) args.DurationSeconds = step.durationSeconds.value;
  return args;
}

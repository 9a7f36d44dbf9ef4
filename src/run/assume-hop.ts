import type { Credentials } from './credentials.js';
import { AwsRefusedError, AwsUnreachableError } from '../errors/errors.js';
import type { AssumeRoleStep, StsTarget } from '../plan/types.js';
import { describeSource } from '../plan/where.js';
import { StsRefusal, StsUnreachable, type AssumedRole, type AssumeRoleRequest, type StsCaller } from '../sts/types.js';

/** Where a hop sits in its chain, for messages that name it. */
export interface HopPlace {
  hop: number;
  of: number;
  /** Who is calling: an assumed-role ARN, or masked keys with their profile. */
  caller: string;
  /** The hop is called with the MFA session (GetSessionToken) of this device, cached since a time or new. */
  mfaSession?: { serial: string; cachedSince?: string };
}

/** One AssumeRole call, with an STS failure turned into awsrole's error for that hop. */
export async function callAssumeRole(
  sts: StsCaller,
  step: AssumeRoleStep,
  credentials: Credentials,
  request: AssumeRoleRequest,
  place: HopPlace,
): Promise<AssumedRole> {
  try {
    return await sts.assumeRole(step.sts, credentials, request);
  } catch (error) {
    const where = `profile "${step.profile}", hop ${place.hop} of ${place.of}, role ${step.roleArn.value}`;
    if (place.mfaSession && error instanceof StsRefusal) throw mfaSessionRefused(error, where, place.mfaSession);
    throw stsError(error, 'AssumeRole', step.sts, `${where}, caller ${place.caller}`);
  }
}

/**
 * The caller was the MFA session, not the long-term keys it was bought with: say so, since the
 * keys' hint ("check the access key") sends people the wrong way. A cached session can be refused
 * though it has not expired (revoked, the keys behind it rotated or deleted, a trust policy that
 * limits aws:MultiFactorAuthAge): a new one, with a new code, is the fix.
 */
function mfaSessionRefused(error: StsRefusal, where: string, session: { serial: string; cachedSince?: string }): AwsRefusedError {
  const which = `the MFA session of ${session.serial}${session.cachedSince ? ` (cached, obtained ${session.cachedSince})` : ''}`;
  const hint = session.cachedSince
    ? `get a new MFA session with a new code: run again with --refresh-mfa (or: awsrole cache clear <profile>); if STS refuses that too, ${hintFor(error.code) ?? "check the role's trust policy"}`
    : hintFor(error.code);
  return new AwsRefusedError(`STS refused AssumeRole with ${which}: ${error.code}: ${error.stsMessage} (${where}, caller ${which})`, hint);
}

/** Maps StsRefusal to exit 4 and StsUnreachable to exit 5, naming the action and where. */
export function stsError(error: unknown, action: string, target: StsTarget, where: string): unknown {
  if (error instanceof StsRefusal) {
    return new AwsRefusedError(`STS refused ${action}: ${error.code}: ${error.stsMessage} (${where})`, hintFor(error.code));
  }
  if (error instanceof StsUnreachable) {
    const endpoint = `STS at ${target.endpoint.value}`;
    const from = describeSource(target.endpoint.source);
    switch (error.kind) {
      case 'not-sts':
        return new AwsUnreachableError(
          `${endpoint} did not answer like STS: ${error.reason} (${where})`,
          target.endpoint.source.kind === 'default'
            ? `check the network, where a proxy or captive portal may answer instead (the endpoint is the ${from}; AWS_ENDPOINT_URL_STS sets another)`
            : `check ${from}, which sets the endpoint, and the network, where a proxy or captive portal may answer instead`,
        );
      case 'failing':
        return new AwsUnreachableError(`${endpoint} is unreachable or failing: ${error.reason} (${where})`, 'AWS is failing to answer: try again in a moment');
      default:
        return new AwsUnreachableError(`${endpoint} could not be reached: ${error.reason} (${where})`, `the endpoint comes from ${from}`);
    }
  }
  return error;
}

function hintFor(code: string): string | undefined {
  switch (code) {
    case 'AccessDenied':
      return "check the role's trust policy, the external id, the MFA code, and the caller's permission to sts:AssumeRole";
    case 'InvalidClientTokenId':
    case 'SignatureDoesNotMatch':
      return 'the source credentials are not valid: check the access key and secret';
    case 'ExpiredToken':
      return 'the source credentials have expired: refresh them';
    default:
      return undefined;
  }
}

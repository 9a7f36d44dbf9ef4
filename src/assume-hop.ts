import type { Credentials } from './credentials.js';
import { AwsRefusedError, AwsUnreachableError } from './errors.js';
import type { AssumeRoleStep, StsTarget } from './plan/types.js';
import { describeSource } from './plan/where.js';
import { StsRefusal, StsUnreachable, type AssumedRole, type AssumeRoleRequest, type StsCaller } from './sts/types.js';

/** Where a hop sits in its chain, for messages that name it. */
export interface HopPlace {
  hop: number;
  of: number;
  /** Who is calling: an assumed-role ARN, or masked keys with their profile. */
  caller: string;
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
    throw stsError(error, 'AssumeRole', step.sts, `profile "${step.profile}", hop ${place.hop} of ${place.of}, role ${step.roleArn.value}, caller ${place.caller}`);
  }
}

/** Maps StsRefusal to exit 4 and StsUnreachable to exit 5, naming the action and where. */
export function stsError(error: unknown, action: string, target: StsTarget, where: string): unknown {
  if (error instanceof StsRefusal) {
    return new AwsRefusedError(`STS refused ${action}: ${error.code}: ${error.stsMessage} (${where})`, hintFor(error.code));
  }
  if (error instanceof StsUnreachable) {
    return new AwsUnreachableError(
      `STS at ${target.endpoint.value} could not be reached: ${error.reason} (${where})`,
      `the endpoint comes from ${describeSource(target.endpoint.source)}`,
    );
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

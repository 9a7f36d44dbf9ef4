import type { Credentials } from '../run/credentials.js';
import type { StsTarget } from '../plan/types.js';

export interface AssumeRoleRequest {
  roleArn: string;
  sessionName: string;
  externalId?: string;
  durationSeconds?: number;
  mfaSerial?: string;
  mfaCode?: string;
}

export interface AssumedRole {
  credentials: Credentials & { sessionToken: string; expiration: Date };
  /** arn:aws:sts::<account>:assumed-role/<role>/<session> */
  assumedRoleArn: string;
}

export interface CallerIdentity {
  account: string;
  arn: string;
  userId: string;
}

export interface SessionTokenRequest {
  mfaSerial: string;
  mfaCode: string;
  durationSeconds: number;
}

export interface WebIdentityRequest {
  roleArn: string;
  sessionName: string;
  /** The OIDC token itself: a secret, never logged. */
  token: string;
  durationSeconds?: number;
}

/** The STS calls awsrole makes, as an effect the executor receives (tests can pass their own). */
export interface StsCaller {
  assumeRole(target: StsTarget, credentials: Credentials, request: AssumeRoleRequest): Promise<AssumedRole>;
  /** AssumeRoleWithWebIdentity: sent unsigned, the token is the proof. */
  assumeRoleWithWebIdentity(target: StsTarget, request: WebIdentityRequest): Promise<AssumedRole>;
  /** An MFA session (GetSessionToken) for long-term IAM user keys. */
  getSessionToken(target: StsTarget, credentials: Credentials, request: SessionTokenRequest): Promise<AssumedRole['credentials']>;
  getCallerIdentity(target: StsTarget, credentials: Credentials): Promise<CallerIdentity>;
}

/** STS answered with an error code. */
export class StsRefusal extends Error {
  constructor(
    readonly code: string,
    readonly stsMessage: string,
  ) {
    super(`${code}: ${stsMessage}`);
  }
}

/**
 * No usable answer from STS: none at all (refused, reset, DNS, no answer in time), one that is not
 * STS's (an HTML page, an empty or cut-off body, a redirect), or STS failing (5xx). Exit 5.
 */
export class StsUnreachable extends Error {
  constructor(
    readonly reason: string,
    readonly kind: 'no-answer' | 'not-sts' | 'failing' = 'no-answer',
  ) {
    super(reason);
  }
}

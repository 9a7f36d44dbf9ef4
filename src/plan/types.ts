import type { Origin } from '../config/types.js';
import type { UserRegion } from '../environment/user-region.js';

/**
 * Where a planned value came from: a file line, a command-line flag, an environment variable,
 * or a built-in default. `explain` prints it next to the value.
 */
export type ValueSource =
  | { kind: 'file'; origin: Origin }
  | { kind: 'flag'; flag: string }
  | { kind: 'env'; variable: string }
  | { kind: 'default'; reason: string };

export interface Planned<T> {
  value: T;
  source: ValueSource;
}

/** Where the STS calls of a plan go. Every hop uses the top profile's settings, as botocore does. */
export interface StsTarget {
  /** The region used to sign (and, without a custom endpoint, to pick the regional endpoint). */
  region: Planned<string>;
  /** The full endpoint URL. */
  endpoint: Planned<string>;
}

/** Long-term keys written in a profile. The plan carries them; `explain` never prints the secret. */
export interface StaticKeysStep {
  kind: 'static-keys';
  profile: string;
  accessKeyId: Planned<string>;
  secretAccessKey: Planned<string>;
  sessionToken?: Planned<string>;
}

/** `credential_source = Environment`: the AWS_* credential variables at run time. */
export interface EnvironmentStep {
  kind: 'environment';
  profile: string;
  source: ValueSource;
}

/** One STS AssumeRole call made with the credentials of the step before it. */
export interface AssumeRoleStep {
  kind: 'assume-role';
  profile: string;
  roleArn: Planned<string>;
  sessionName: Planned<string>;
  externalId?: Planned<string>;
  durationSeconds?: Planned<number>;
  mfaSerial?: Planned<string>;
  /** A command that prints the MFA code (`mfa_process`), for YubiKey and password-manager users. */
  mfaProcess?: Planned<string>;
  sts: StsTarget;
}

/** `web_identity_token_file` + `role_arn`: AssumeRoleWithWebIdentity (unsigned) with an OIDC token. */
export interface WebIdentityStep {
  kind: 'web-identity';
  profile: string;
  roleArn: Planned<string>;
  tokenFile: Planned<string>;
  sessionName: Planned<string>;
  durationSeconds?: Planned<number>;
  sts: StsTarget;
}

/** `credential_process`: a command whose stdout is the credentials as JSON (run without a shell). */
export interface ProcessStep {
  kind: 'process';
  profile: string;
  command: Planned<string>;
}

/**
 * Long-term keys in awsrole's keystore, named by awsrole's own helper in `credential_process`
 * (own-keys-helper.ts): read directly, without running the helper.
 */
export interface KeystoreStep {
  kind: 'keystore';
  profile: string;
  /** The profile whose stored keys are used (the helper's argument), from the credential_process line. */
  entry: Planned<string>;
}

/** `credential_source = Ec2InstanceMetadata`: the instance role, through IMDS (v2 token first). */
export interface InstanceMetadataStep {
  kind: 'instance-metadata';
  profile: string;
  source: ValueSource;
}

/** `credential_source = EcsContainer`: the task role, from the container credentials endpoint. */
export interface ContainerStep {
  kind: 'container';
  profile: string;
  source: ValueSource;
}

/** IAM Identity Center: role credentials for an account and role, with a token from `login`. */
export interface SsoStep {
  kind: 'sso';
  profile: string;
  accountId: Planned<string>;
  roleName: Planned<string>;
  startUrl: Planned<string>;
  /** The region of the SSO portal (`sso_region`). */
  ssoRegion: Planned<string>;
  /** The `[sso-session NAME]` in use; absent for the legacy form with `sso_start_url` in the profile. */
  sessionName?: string;
  /** `sso_registration_scopes` of the sso-session, for `login`. */
  registrationScopes?: Planned<string>;
}

/**
 * `login_session` (from `aws login`): the console sign-in's short-lived credentials, cached by the
 * AWS CLI and refreshed through the sign-in service (botocore's LoginProvider).
 */
export interface LoginSessionStep {
  kind: 'login-session';
  profile: string;
  /** The login session's name: the signed-in identity's ARN, as `aws login` writes it. */
  session: Planned<string>;
  /** `<login cache directory>/<sha256 hex of the name>.json`. */
  tokenFile: Planned<string>;
  /**
   * Where a refresh goes (CreateOAuth2Token): botocore creates the `signin` client from the
   * session, so the top profile's region and endpoint settings. Absent when neither a region nor
   * an endpoint is configured: a cached token still serves, a refresh is a configuration error.
   */
  signin?: SigninTarget;
}

/** The sign-in service's endpoint and the region that picked it. */
export interface SigninTarget {
  endpoint: Planned<string>;
  region?: Planned<string>;
}

export type SourceStep = StaticKeysStep | EnvironmentStep | WebIdentityStep | ProcessStep | KeystoreStep | InstanceMetadataStep | ContainerStep | SsoStep | LoginSessionStep;

export type Step = SourceStep | AssumeRoleStep;

/**
 * What resolving a profile decides, before anything runs: the first step produces credentials,
 * every later step is an AssumeRole with the previous step's credentials.
 */
export interface Plan {
  profile: string;
  steps: [Step, ...Step[]];
  /** The region handed on to the shell or command, when one is known. */
  region?: Planned<string>;
  /** The user's own region variables (src/plan/hand-on-region.ts). */
  userRegion?: UserRegion;
}

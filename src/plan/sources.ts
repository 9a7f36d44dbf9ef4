import type { IniSection, LoadedConfig, Profile, Setting } from '../config/types.js';
import type { Env } from '../env.js';
import { ConfigError } from '../errors.js';
import type { Planned, SsoStep, StsTarget, WebIdentityStep } from './types.js';
import { checkRoleArn, checkSessionName, parseDuration } from './validate.js';
import { formatOrigin, fromSetting } from './where.js';

/** The environment variables CI systems set for web identity (GitHub Actions, GitLab, EKS). */
const WEB_IDENTITY_ENV = {
  tokenFile: 'AWS_WEB_IDENTITY_TOKEN_FILE',
  roleArn: 'AWS_ROLE_ARN',
  sessionName: 'AWS_ROLE_SESSION_NAME',
} as const;

export interface WebIdentityInputs {
  env: Env;
  sts: StsTarget;
  defaultSessionName: Planned<string>;
  /** botocore lets the environment override the profile asked for, never a source profile. */
  environmentOverrides: boolean;
}

/**
 * A web-identity step from a profile's `web_identity_token_file` + `role_arn`, with the CI
 * variables taking precedence for the profile asked for (botocore's AssumeRoleWithWebIdentity
 * provider reads them first).
 */
export function webIdentityStep(profile: Profile, inputs: WebIdentityInputs): WebIdentityStep {
  const pick = (key: string, variable: string): Planned<string> | undefined => {
    const fromEnv = inputs.environmentOverrides ? inputs.env[variable] : undefined;
    if (fromEnv) return { value: fromEnv, source: { kind: 'env', variable } };
    const setting = profile.settings.get(key);
    return setting?.value ? fromSetting(setting) : undefined;
  };
  const roleArn = pick('role_arn', WEB_IDENTITY_ENV.roleArn);
  const tokenFile = pick('web_identity_token_file', WEB_IDENTITY_ENV.tokenFile);
  if (!roleArn || !tokenFile) {
    throw new ConfigError(`profile "${profile.name}" needs both role_arn and web_identity_token_file for web identity`);
  }
  return finishWebIdentity(profile, roleArn, tokenFile, pick('role_session_name', WEB_IDENTITY_ENV.sessionName), inputs);
}

/**
 * `credential_source = Environment` without keys in the environment: the CI variables for web
 * identity, when they are set. An awsrole extension (botocore reads only keys there), so that a
 * CI job needs nothing but the OIDC token the platform gives it.
 */
export function webIdentityFromEnvironment(profile: Profile, inputs: WebIdentityInputs): WebIdentityStep | undefined {
  const { env } = inputs;
  const roleArnValue = env[WEB_IDENTITY_ENV.roleArn];
  const tokenFileValue = env[WEB_IDENTITY_ENV.tokenFile];
  if (!roleArnValue || !tokenFileValue) return undefined;
  const sessionNameValue = env[WEB_IDENTITY_ENV.sessionName];
  return finishWebIdentity(
    profile,
    { value: roleArnValue, source: { kind: 'env', variable: WEB_IDENTITY_ENV.roleArn } },
    { value: tokenFileValue, source: { kind: 'env', variable: WEB_IDENTITY_ENV.tokenFile } },
    sessionNameValue ? { value: sessionNameValue, source: { kind: 'env', variable: WEB_IDENTITY_ENV.sessionName } } : undefined,
    { ...inputs, environmentOverrides: false },
  );
}

function finishWebIdentity(
  profile: Profile,
  roleArn: Planned<string>,
  tokenFile: Planned<string>,
  sessionName: Planned<string> | undefined,
  inputs: WebIdentityInputs,
): WebIdentityStep {
  checkRoleArn(profile.name, roleArn);
  const name = sessionName ?? inputs.defaultSessionName;
  checkSessionName(profile.name, name);
  const step: WebIdentityStep = { kind: 'web-identity', profile: profile.name, roleArn, tokenFile, sessionName: name, sts: inputs.sts };
  const duration = profile.settings.get('duration_seconds');
  if (duration?.value) step.durationSeconds = parseDuration(profile.name, fromSetting(duration));
  return step;
}

/**
 * An SSO step, botocore's two forms: `sso_session = NAME` naming an `[sso-session NAME]` section
 * with `sso_start_url` and `sso_region`; or the legacy `sso_start_url` / `sso_region` in the
 * profile. Either way the profile names `sso_account_id` and `sso_role_name`.
 */
export function ssoStep(profile: Profile, config: LoadedConfig): SsoStep {
  const require = (settings: Map<string, Setting> | ReadonlyMap<string, Setting>, key: string, where: string): Planned<string> => {
    const setting = settings.get(key);
    if (!setting?.value) throw new ConfigError(`profile "${profile.name}" uses SSO but ${key} is missing (${where})`, `add ${key} = … to ${where}`);
    return fromSetting(setting);
  };
  const here = profileWhere(profile);
  const accountId = require(profile.settings, 'sso_account_id', here);
  const roleName = require(profile.settings, 'sso_role_name', here);
  const sessionSetting = profile.settings.get('sso_session');
  if (sessionSetting) {
    const section: IniSection | undefined = config.ssoSessions.get(sessionSetting.value);
    if (!section) {
      throw new ConfigError(
        `profile "${profile.name}": sso_session "${sessionSetting.value}" has no [sso-session ${sessionSetting.value}] section (${formatOrigin(sessionSetting.origin)})`,
      );
    }
    const where = formatOrigin(section.origin);
    const step: SsoStep = {
      kind: 'sso',
      profile: profile.name,
      accountId,
      roleName,
      startUrl: require(section.settings, 'sso_start_url', where),
      ssoRegion: require(section.settings, 'sso_region', where),
      sessionName: sessionSetting.value,
    };
    const scopes = section.settings.get('sso_registration_scopes');
    if (scopes?.value) step.registrationScopes = fromSetting(scopes);
    return step;
  }
  return {
    kind: 'sso',
    profile: profile.name,
    accountId,
    roleName,
    startUrl: require(profile.settings, 'sso_start_url', here),
    ssoRegion: require(profile.settings, 'sso_region', here),
  };
}

function profileWhere(profile: Profile): string {
  const section = profile.fromConfig ?? profile.fromCredentials;
  return section ? formatOrigin(section.origin) : `profile ${profile.name}`;
}

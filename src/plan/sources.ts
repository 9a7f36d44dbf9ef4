import type { IniSection, LoadedConfig, Profile, Setting } from '../config/types.js';
import type { Env } from '../environment/env.js';
import { ConfigError } from '../errors/errors.js';
import type { Planned, SsoStep, StsTarget, WebIdentityStep } from './types.js';
import { checkRoleArn, checkSessionName, parseDuration } from './validate.js';
import { formatOrigin, fromSetting } from './where.js';

/** The environment variables CI systems set for web identity (GitHub Actions, GitLab, EKS); see webIdentityFromEnvironment. */
const WEB_IDENTITY_ENV = {
  tokenFile: 'AWS_WEB_IDENTITY_TOKEN_FILE',
  roleArn: 'AWS_ROLE_ARN',
  sessionName: 'AWS_ROLE_SESSION_NAME',
} as const;

export interface WebIdentityInputs {
  sts: StsTarget;
  defaultSessionName: Planned<string>;
}

/**
 * A web-identity step from a profile's `web_identity_token_file` + `role_arn`. The CI variables
 * (AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_SESSION_NAME) do not apply: botocore reads
 * them only when no profile is named (`disable_env_vars`), and naming one is what awsrole does.
 * As in botocore's AssumeRoleWithWebIdentityProvider, a token file without role_arn is an error.
 */
export function webIdentityStep(profile: Profile, inputs: WebIdentityInputs): WebIdentityStep {
  const tokenFile = fromSetting(profile.settings.get('web_identity_token_file')!);
  const roleArn = profile.settings.get('role_arn');
  if (!roleArn?.value) {
    throw new ConfigError(
      `profile "${profile.name}" has web_identity_token_file but ${roleArn ? 'an empty' : 'no'} role_arn (${formatOrigin((roleArn ?? profile.settings.get('web_identity_token_file')!).origin)})`,
      'web identity needs the role to assume: add role_arn = arn:aws:iam::<account>:role/<name>',
    );
  }
  // botocore generates a session name for an empty one, as for a missing one.
  const sessionName = profile.settings.get('role_session_name');
  return finishWebIdentity(profile, fromSetting(roleArn), tokenFile, sessionName?.value ? fromSetting(sessionName) : undefined, inputs);
}

/**
 * `credential_source = Environment` without keys in the environment: the CI variables for web
 * identity, when they are set. An awsrole extension (botocore reads only keys there), so that a
 * CI job needs nothing but the OIDC token the platform gives it.
 */
export function webIdentityFromEnvironment(profile: Profile, env: Env, inputs: WebIdentityInputs): WebIdentityStep | undefined {
  const roleArnValue = env[WEB_IDENTITY_ENV.roleArn];
  const tokenFileValue = env[WEB_IDENTITY_ENV.tokenFile];
  if (!roleArnValue || !tokenFileValue) return undefined;
  const sessionNameValue = env[WEB_IDENTITY_ENV.sessionName];
  return finishWebIdentity(
    profile,
    { value: roleArnValue, source: { kind: 'env', variable: WEB_IDENTITY_ENV.roleArn } },
    { value: tokenFileValue, source: { kind: 'env', variable: WEB_IDENTITY_ENV.tokenFile } },
    sessionNameValue ? { value: sessionNameValue, source: { kind: 'env', variable: WEB_IDENTITY_ENV.sessionName } } : undefined,
    inputs,
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
    if (!setting?.value) {
      throw new ConfigError(`profile "${profile.name}" uses SSO but ${key} is ${setting ? 'empty' : 'missing'} (${setting ? formatOrigin(setting.origin) : where})`, `add ${key} = … to ${where}`);
    }
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
    checkAgreesWithSession(profile, sessionSetting.value, section);
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

/**
 * botocore's `_resolve_sso_session_reference`: a setting that both the profile and its
 * [sso-session] have (sso_start_url, sso_region, …) must have the same value there, or the
 * configuration is invalid; neither side silently wins.
 */
function checkAgreesWithSession(profile: Profile, sessionName: string, section: IniSection): void {
  for (const [key, inSession] of section.settings) {
    const inProfile = profile.settings.get(key);
    if (inProfile && inProfile.value !== inSession.value) {
      throw new ConfigError(
        `profile "${profile.name}": ${key} "${inProfile.value}" disagrees with [sso-session ${sessionName}], which says "${inSession.value}" (${formatOrigin(inProfile.origin)}, ${formatOrigin(inSession.origin)})`,
        `remove ${key} from the profile (the sso-session's value applies), or make the two equal`,
      );
    }
  }
}

function profileWhere(profile: Profile): string {
  const section = profile.fromConfig ?? profile.fromCredentials;
  return section ? formatOrigin(section.origin) : `profile ${profile.name}`;
}

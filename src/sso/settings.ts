import type { LoadedConfig, Profile, Setting } from '../config/types.js';
import { ConfigError } from '../errors/errors.js';
import type { SsoStep } from '../plan/types.js';
import { formatOrigin } from '../plan/where.js';
import type { TokenName } from './token-cache.js';

/** What a login and a token lookup need: which IAM Identity Center, and which cached token. */
export interface SsoSettings {
  /** The profile that configures SSO, for messages and hints. */
  profile: string;
  startUrl: string;
  /** `sso_region`: where the portal and OIDC services are. */
  region: string;
  /** `[sso-session NAME]`; undefined for the legacy form (sso_start_url in the profile). */
  sessionName?: string;
  /** `sso_registration_scopes` of the sso-session, parsed; undefined when not configured. */
  scopes?: string[];
}

/** The scope every sso-session login asks for unless sso_registration_scopes says otherwise; it allows refresh tokens. */
export const DEFAULT_SSO_SCOPES = ['sso:account:access'];

/** The AWS CLI's parse_sso_registration_scopes: comma-separated, blanks dropped. */
export function parseScopes(raw: string): string[] {
  return raw.split(',').map((scope) => scope.trim()).filter((scope) => scope !== '');
}

export function settingsFromStep(step: SsoStep): SsoSettings {
  const settings: SsoSettings = { profile: step.profile, startUrl: step.startUrl.value, region: step.ssoRegion.value };
  if (step.sessionName !== undefined) settings.sessionName = step.sessionName;
  if (step.registrationScopes) {
    const scopes = parseScopes(step.registrationScopes.value);
    if (scopes.length > 0) settings.scopes = scopes;
  }
  return settings;
}

/** Whether the profile itself configures IAM Identity Center (either form). */
export function configuresSso(profile: Profile): boolean {
  return profile.settings.has('sso_session') || profile.settings.has('sso_start_url');
}

/**
 * The SSO settings of a profile for `login`, by the AWS CLI's rules (BaseSSOCommand._get_sso_config):
 * `sso_session = NAME` → `[sso-session NAME]` with `sso_start_url`, `sso_region` and optionally
 * `sso_registration_scopes`; otherwise `sso_start_url` and `sso_region` in the profile. Unlike
 * getting credentials, a login needs no sso_account_id or sso_role_name.
 */
export function readSsoSettings(profile: Profile, config: LoadedConfig): SsoSettings {
  const sessionSetting = profile.settings.get('sso_session');
  if (sessionSetting) {
    const name = sessionSetting.value;
    const section = config.ssoSessions.get(name);
    if (!section) {
      throw new ConfigError(
        `profile "${profile.name}": sso_session "${name}" has no [sso-session ${name}] section (${formatOrigin(sessionSetting.origin)})`,
        `add [sso-session ${name}] with sso_start_url and sso_region to ${config.configFile}`,
      );
    }
    const where = `[sso-session ${name}] at ${formatOrigin(section.origin)}`;
    const settings: SsoSettings = {
      profile: profile.name,
      startUrl: required(section.settings, 'sso_start_url', where),
      region: required(section.settings, 'sso_region', where),
      sessionName: name,
    };
    const scopes = section.settings.get('sso_registration_scopes');
    if (scopes?.value) {
      const parsed = parseScopes(scopes.value);
      if (parsed.length > 0) settings.scopes = parsed;
    }
    return settings;
  }
  const section = profile.fromConfig ?? profile.fromCredentials;
  const where = `profile "${profile.name}"${section ? ` at ${formatOrigin(section.origin)}` : ''}`;
  return {
    profile: profile.name,
    startUrl: required(profile.settings, 'sso_start_url', where),
    region: required(profile.settings, 'sso_region', where),
  };
}

function required(settings: ReadonlyMap<string, Setting>, key: string, where: string): string {
  const value = settings.get(key)?.value;
  if (!value) throw new ConfigError(`${key} is missing for IAM Identity Center (${where})`, `add ${key} = … there`);
  return value;
}

/** Which cached token these settings use: the sso-session's, or the start URL's (legacy form). */
export function tokenName(settings: SsoSettings): TokenName {
  return settings.sessionName !== undefined ? { startUrl: settings.startUrl, sessionName: settings.sessionName } : { startUrl: settings.startUrl };
}

/** How the token is named in messages: `sso-session "corp"`, or the start URL for the legacy form. */
export function describeLogin(settings: SsoSettings): string {
  return settings.sessionName !== undefined ? `sso-session "${settings.sessionName}"` : settings.startUrl;
}

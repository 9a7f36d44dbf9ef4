import type { Profile } from '../config/types.js';
import { ownKeysHelperProfile } from './own-keys-helper.js';

export type ProfileKind = 'role' | 'credential_source' | 'web identity' | 'sso' | 'static keys' | 'login session' | 'keystore' | 'process' | 'none';

/**
 * What a profile gets its credentials from, in botocore's order for the profile asked for:
 * assume-role, web identity, SSO, credentials-file keys, login_session (`aws login`),
 * credential_process, config-file keys.
 */
export function profileKind(profile: Profile, settings = profile.settings): ProfileKind {
  // (No closure: `list` asks this of every profile, giving the settings it read.)
  if (settings.has('role_arn') && !settings.has('web_identity_token_file')) {
    return settings.has('credential_source') && !settings.has('source_profile') ? 'credential_source' : 'role';
  }
  // botocore: an empty token file path is no web identity; SSO is sso_account_id or sso_role_name.
  if (settings.get('web_identity_token_file')?.value) return 'web identity';
  if (settings.has('sso_account_id') || settings.has('sso_role_name')) return 'sso';
  if (profile.fromCredentials?.settings.has('aws_access_key_id')) return 'static keys';
  if (settings.has('login_session')) return 'login session';
  // awsrole's own helper (keys add / keys import): long-term keys in its keystore.
  if (settings.has('credential_process')) return ownKeysHelperProfile(settings.get('credential_process')!.value) ? 'keystore' : 'process';
  if (profile.fromConfig?.settings.has('aws_access_key_id')) return 'static keys';
  return 'none';
}

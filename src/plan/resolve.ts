import type { IniSection, LoadedConfig, Profile } from '../config/types.js';
import type { Env } from '../env.js';
import { ConfigError, UsageError } from '../errors.js';
import { didYouMean } from '../suggest.js';
import { defaultSessionName } from './session-name.js';
import { handOnRegion } from './hand-on-region.js';
import { resolveRegion, resolveStsTarget } from './sts-target.js';
import { ssoStep, webIdentityFromEnvironment, webIdentityStep, type WebIdentityInputs } from './sources.js';
import type { AssumeRoleStep, Plan, Planned, SourceStep, StaticKeysStep, Step, StsTarget } from './types.js';
import { checkExternalId, checkRoleArn, checkSessionName, parseDuration } from './validate.js';
import { formatOrigin, fromSetting } from './where.js';

/** Flags from the command line. They apply to the profile asked for, i.e. the last hop. */
export interface ResolveOptions {
  region?: string;
  durationSeconds?: string;
  sessionName?: string;
  externalId?: string;
}

export interface ResolveContext {
  config: LoadedConfig;
  env: Env;
  /** The local user name, for the default session name (os.userInfo in the CLI). */
  localUser: () => string;
}

const CREDENTIAL_SOURCES = ['Environment', 'Ec2InstanceMetadata', 'EcsContainer'] as const;

/**
 * Turns a profile name into a plan, following botocore's rules for which credentials a profile
 * uses. Pure: reads only the loaded files and the given environment, and calls nothing.
 */
export function resolvePlan(context: ResolveContext, name: string, options: ResolveOptions = {}): Plan {
  const top = lookUpProfile(context.config, name);
  const stsRegion = resolveRegion(top, context.env, options.region);
  const resolver = new ChainResolver(context, resolveStsTarget(context.config, top, context.env, stsRegion), options);
  const steps = resolver.resolveTop(top);
  const { region, userRegion } = handOnRegion(top, context.env, options.region);
  return region ? { profile: name, steps, region, userRegion } : { profile: name, steps, userRegion };
}

export function lookUpProfile(config: LoadedConfig, name: string): Profile {
  const profile = config.profiles.get(name);
  if (profile) return profile;
  const suggestion = didYouMean(name, config.profiles.keys());
  const known = config.profiles.size === 0 ? `no profiles in ${config.configFile} or ${config.credentialsFile}` : undefined;
  throw new UsageError(`unknown profile "${name}"`, suggestion ?? (known && `there are ${known}`) ?? 'awsrole list shows every profile');
}

class ChainResolver {
  /** Profiles entered through source_profile so far, top first: the path a cycle error names. */
  private readonly visited: string[] = [];

  constructor(
    private readonly context: ResolveContext,
    private readonly sts: StsTarget,
    private readonly options: ResolveOptions,
  ) {}

  /** botocore's order for the profile asked for: assume-role before any keys the profile has. */
  resolveTop(profile: Profile): [Step, ...Step[]] {
    this.visited.push(profile.name);
    if (hasAssumeRoleSettings(profile)) return this.resolveAssumeRole(profile, true);
    return [this.resolveSourceCredentials(profile, 'profile', true)];
  }

  /**
   * A source profile with static keys uses them even if it also has role_arn (botocore's
   * `_resolve_credentials_from_profile`, same in the JS SDK); otherwise its role is assumed.
   */
  private resolveSource(profile: Profile): [Step, ...Step[]] {
    if (hasStaticKeys(profile) || !hasAssumeRoleSettings(profile)) {
      return [this.resolveSourceCredentials(profile, 'source profile')];
    }
    this.visited.push(profile.name);
    return this.resolveAssumeRole(profile, false);
  }

  private resolveAssumeRole(profile: Profile, isTop: boolean): [Step, ...Step[]] {
    const sourceProfile = profile.settings.get('source_profile');
    const credentialSource = profile.settings.get('credential_source');
    if (sourceProfile && credentialSource) {
      throw new ConfigError(
        `profile "${profile.name}" has both source_profile and credential_source (${formatOrigin(sourceProfile.origin)}, ${formatOrigin(credentialSource.origin)})`,
        'keep one: source_profile names a profile, credential_source names where the credentials come from',
      );
    }
    const hop = this.assumeRoleStep(profile, isTop);
    if (credentialSource) {
      const source = credentialSource.value;
      const origin = { kind: 'file', origin: credentialSource.origin } as const;
      switch (source) {
        case 'Environment': {
          const fromCi = this.context.env.AWS_ACCESS_KEY_ID ? undefined : webIdentityFromEnvironment(profile, this.webIdentityInputs(false));
          return [fromCi ?? { kind: 'environment', profile: profile.name, source: origin }, hop];
        }
        case 'Ec2InstanceMetadata':
          return [{ kind: 'instance-metadata', profile: profile.name, source: origin }, hop];
        case 'EcsContainer':
          return [{ kind: 'container', profile: profile.name, source: origin }, hop];
      }
      throw new ConfigError(
        `profile "${profile.name}": credential_source "${source}" is not one of ${CREDENTIAL_SOURCES.join(', ')} (${formatOrigin(credentialSource.origin)})`,
        'the names are case-sensitive',
      );
    }
    if (!sourceProfile) {
      const roleArn = profile.settings.get('role_arn');
      throw new ConfigError(
        `profile "${profile.name}" has role_arn but neither source_profile nor credential_source (${roleArn ? formatOrigin(roleArn.origin) : profile.name})`,
        'add source_profile = <profile with credentials>, or credential_source = Environment',
      );
    }
    const sourceName = sourceProfile.value;
    const source = this.context.config.profiles.get(sourceName);
    if (!source) {
      const suggestion = didYouMean(sourceName, this.context.config.profiles.keys());
      throw new ConfigError(
        `profile "${profile.name}": source_profile "${sourceName}" does not exist (${formatOrigin(sourceProfile.origin)})`,
        suggestion,
      );
    }
    if (this.visited.includes(sourceName)) {
      // A profile may source itself only to use its own static keys (botocore allows exactly this).
      const selfWithKeys = sourceName === profile.name && hasStaticKeys(source);
      if (!selfWithKeys) {
        const path = [...this.visited, sourceName].join(' → ');
        throw new ConfigError(
          `source_profile cycle: profile ${path} (${formatOrigin(sourceProfile.origin)})`,
          sourceName === profile.name ? `a profile may name itself as source_profile only when it has static keys` : undefined,
        );
      }
      return [this.resolveSourceCredentials(source, 'source profile'), hop];
    }
    return [...this.resolveSource(source), hop];
  }

  private webIdentityInputs(environmentOverrides: boolean): WebIdentityInputs {
    return { env: this.context.env, sts: this.sts, defaultSessionName: this.defaultSessionName(), environmentOverrides };
  }

  private defaultSessionName(): Planned<string> {
    return {
      value: defaultSessionName(this.context.env, this.context.localUser),
      source: { kind: 'default', reason: 'no role_session_name: awsrole-<local user>' },
    };
  }

  private assumeRoleStep(profile: Profile, isTop: boolean): AssumeRoleStep {
    const flags = isTop ? this.options : {};
    const roleArn = fromSetting(profile.settings.get('role_arn')!);
    checkRoleArn(profile.name, roleArn);

    const sessionName: Planned<string> = flags.sessionName
      ? { value: flags.sessionName, source: { kind: 'flag', flag: '--session-name' } }
      : settingOr(profile, 'role_session_name') ?? this.defaultSessionName();
    checkSessionName(profile.name, sessionName);

    const step: AssumeRoleStep = { kind: 'assume-role', profile: profile.name, roleArn, sessionName, sts: this.sts };

    const externalId = flags.externalId
      ? { value: flags.externalId, source: { kind: 'flag', flag: '--external-id' } as const }
      : settingOr(profile, 'external_id');
    if (externalId) {
      checkExternalId(profile.name, externalId);
      step.externalId = externalId;
    }

    const duration = flags.durationSeconds
      ? { value: flags.durationSeconds, source: { kind: 'flag', flag: '--duration' } as const }
      : settingOr(profile, 'duration_seconds');
    if (duration) step.durationSeconds = parseDuration(profile.name, duration);

    const mfaSerial = settingOr(profile, 'mfa_serial');
    if (mfaSerial) step.mfaSerial = mfaSerial;
    const mfaProcess = settingOr(profile, 'mfa_process');
    if (mfaSerial && mfaProcess) step.mfaProcess = mfaProcess;
    return step;
  }

  /**
   * A profile's own credentials, in botocore's order (its ProfileProviderBuilder): web identity,
   * SSO, credentials-file keys, credential_process, config-file keys. For the profile asked
   * for, the CI variables override its web-identity settings, as in botocore. Keys are never mixed across
   * the two files: the file holding aws_access_key_id must hold the secret too.
   */
  private resolveSourceCredentials(profile: Profile, role: 'profile' | 'source profile', isTop = false): SourceStep {
    if (profile.settings.has('web_identity_token_file') && profile.settings.has('role_arn')) {
      return webIdentityStep(profile, this.webIdentityInputs(isTop));
    }
    if (profile.settings.has('sso_session') || profile.settings.has('sso_start_url')) return ssoStep(profile, this.context.config);
    const fromCredentialsFile = staticKeysIn(profile.name, profile.fromCredentials);
    if (fromCredentialsFile) return fromCredentialsFile;
    const process = profile.settings.get('credential_process');
    if (process?.value) return { kind: 'process', profile: profile.name, command: fromSetting(process) };
    const fromConfigFile = staticKeysIn(profile.name, profile.fromConfig);
    if (fromConfigFile) return fromConfigFile;
    throw new ConfigError(
      `${role} "${profile.name}" has no credentials (${describeProfileLocation(profile)})`,
      'give it aws_access_key_id and aws_secret_access_key, or role_arn with a source_profile',
    );
  }
}

function hasAssumeRoleSettings(profile: Profile): boolean {
  // botocore: role_arn means assume-role unless web_identity_token_file makes it web identity.
  return profile.settings.has('role_arn') && !profile.settings.has('web_identity_token_file');
}

/** botocore's `_has_static_credentials`: either key, in either file, counts. */
function hasStaticKeys(profile: Profile): boolean {
  return profile.settings.has('aws_access_key_id') || profile.settings.has('aws_secret_access_key');
}

function staticKeysIn(profile: string, section: IniSection | undefined): StaticKeysStep | undefined {
  const accessKeyId = section?.settings.get('aws_access_key_id');
  if (!section || !accessKeyId) return undefined;
  const secret = section.settings.get('aws_secret_access_key');
  if (!secret?.value) {
    throw new ConfigError(
      `profile "${profile}" has aws_access_key_id but no aws_secret_access_key in the same file (${formatOrigin(accessKeyId.origin)})`,
      'botocore does not combine keys from the config and credentials files; put both in one',
    );
  }
  if (!accessKeyId.value) {
    throw new ConfigError(`profile "${profile}": aws_access_key_id is empty (${formatOrigin(accessKeyId.origin)})`);
  }
  const step: StaticKeysStep = {
    kind: 'static-keys',
    profile,
    accessKeyId: fromSetting(accessKeyId),
    secretAccessKey: fromSetting(secret),
  };
  // aws_security_token is the name boto2 used; botocore still reads it.
  const token = section.settings.get('aws_session_token') ?? section.settings.get('aws_security_token');
  if (token?.value) step.sessionToken = fromSetting(token);
  return step;
}

function settingOr(profile: Profile, key: string): Planned<string> | undefined {
  const setting = profile.settings.get(key);
  return setting && setting.value !== '' ? fromSetting(setting) : undefined;
}

function describeProfileLocation(profile: Profile): string {
  const section = profile.fromConfig ?? profile.fromCredentials;
  return section ? formatOrigin(section.origin) : profile.name;
}

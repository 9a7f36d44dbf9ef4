import type { IniSection, LoadedConfig, Profile, Setting } from '../config/types.js';
import { envFlag, type Env } from '../environment/env.js';
import { ConfigError, UsageError } from '../errors/errors.js';
import { forPeople } from '../output/for-people.js';
import { didYouMean } from './suggest.js';
import { defaultSessionName } from './session-name.js';
import { handOnRegion } from './hand-on-region.js';
import { resolveRegion, resolveStsTarget } from './sts-target.js';
import { loginSessionStep } from './login-session.js';
import { ssoStep, webIdentityFromEnvironment, webIdentityStep, type WebIdentityInputs } from './sources.js';
import type { AssumeRoleStep, Plan, Planned, SourceStep, StaticKeysStep, Step, StsTarget } from './types.js';
import { checkExternalId, checkMfaSerial, checkRegion, checkRoleArn, checkSessionName, parseDuration } from './validate.js';
import { formatOrigin, fromSetting } from './where.js';
import { ownKeysHelperProfile } from './own-keys-helper.js';

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
  if (stsRegion) checkRegion(name, stsRegion);
  const resolver = new ChainResolver(context, resolveStsTarget(context.config, top, context.env, stsRegion), options, { top, region: stsRegion });
  const steps = resolver.resolveTop(top);
  const { region, userRegion } = handOnRegion(top, context.env, options.region);
  return region ? { profile: name, steps, region, userRegion } : { profile: name, steps, userRegion };
}

export function lookUpProfile(config: LoadedConfig, name: string): Profile {
  const profile = config.profiles.get(name);
  if (profile) return profile;
  const suggestion = didYouMean(name, config.profiles.keys());
  const known = config.profiles.size === 0 ? `no profiles in ${config.configFile} or ${config.credentialsFile}` : undefined;
  throw new UsageError(`unknown profile "${forPeople(name)}"`, suggestion ?? (known && `there are ${known}`) ?? 'awsrole list shows every profile');
}

class ChainResolver {
  /** Profiles entered through source_profile so far, top first: the path a cycle error names. */
  private readonly visited: string[] = [];
  private readonly visitedSet = new Set<string>();

  constructor(
    private readonly context: ResolveContext,
    private readonly sts: StsTarget,
    private readonly options: ResolveOptions,
    /** The profile asked for and its session region: botocore's clients (sign-in too) take theirs. */
    private readonly session: { top: Profile; region: Planned<string> | undefined },
  ) {}

  /**
   * botocore's order for the profile asked for: assume-role before any keys the profile has.
   * A loop, not recursion, so that a chain of thousands of hops (or a cycle through thousands
   * of profiles) is resolved or refused like a short one.
   */
  resolveTop(top: Profile): [Step, ...Step[]] {
    const hops: AssumeRoleStep[] = [];
    this.visit(top.name);
    if (!hasAssumeRoleSettings(top)) return [this.resolveSourceCredentials(top, 'profile', true)];
    let profile = top;
    for (;;) {
      const hop = this.assumeRoleStep(profile, profile === top);
      hops.push(hop);
      const next = this.sourceOf(profile);
      if (next.kind === 'step') return [next.step, ...hops.reverse()];
      // A source profile with static keys uses them even if it also has role_arn (botocore's
      // `_resolve_credentials_from_profile`, same in the JS SDK); otherwise its role is assumed.
      const source = next.profile;
      if (next.self || hasStaticKeys(source) || !hasAssumeRoleSettings(source)) {
        return [this.resolveSourceCredentials(source, 'source profile'), ...hops.reverse()];
      }
      profile = source;
    }
  }

  private visit(name: string): void {
    this.visited.push(name);
    this.visitedSet.add(name);
  }

  /** Where an assume-role profile's source credentials come from: a credential_source step, or a profile. */
  private sourceOf(profile: Profile): { kind: 'step'; step: SourceStep } | { kind: 'profile'; profile: Profile; self: boolean } {
    const sourceProfile = profile.settings.get('source_profile');
    const credentialSource = profile.settings.get('credential_source');
    if (sourceProfile && credentialSource) {
      throw new ConfigError(
        `profile "${profile.name}" has both source_profile and credential_source (${formatOrigin(sourceProfile.origin)}, ${formatOrigin(credentialSource.origin)})`,
        'keep one: source_profile names a profile, credential_source names where the credentials come from',
      );
    }
    if (credentialSource) return { kind: 'step', step: this.credentialSourceStep(profile, credentialSource) };
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
    if (this.visitedSet.has(sourceName)) {
      // A profile may source itself only to use its own static keys (botocore allows exactly this).
      if (sourceName === profile.name && hasStaticKeys(source)) return { kind: 'profile', profile: source, self: true };
      throw new ConfigError(
        `source_profile cycle: profile ${describeCycle(this.visited, sourceName)} (${formatOrigin(sourceProfile.origin)})`,
        sourceName === profile.name ? `a profile may name itself as source_profile only when it has static keys` : undefined,
      );
    }
    this.visit(sourceName);
    return { kind: 'profile', profile: source, self: false };
  }

  private credentialSourceStep(profile: Profile, credentialSource: Setting): SourceStep {
    const origin = { kind: 'file', origin: credentialSource.origin } as const;
    switch (credentialSource.value) {
      case 'Environment': {
        const fromCi = this.context.env.AWS_ACCESS_KEY_ID ? undefined : webIdentityFromEnvironment(profile, this.context.env, this.webIdentityInputs());
        return fromCi ?? { kind: 'environment', profile: profile.name, source: origin };
      }
      case 'Ec2InstanceMetadata':
        return { kind: 'instance-metadata', profile: profile.name, source: origin };
      case 'EcsContainer':
        return { kind: 'container', profile: profile.name, source: origin };
    }
    throw new ConfigError(
      `profile "${profile.name}": credential_source "${credentialSource.value}" is not one of ${CREDENTIAL_SOURCES.join(', ')} (${formatOrigin(credentialSource.origin)})`,
      'the names are case-sensitive',
    );
  }

  private webIdentityInputs(): WebIdentityInputs {
    return { sts: this.sts, defaultSessionName: this.defaultSessionName() };
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

    // An empty role_session_name gets the default name, as botocore generates one for it; any
    // other empty value is still a value (botocore sends it and STS refuses it): each check below
    // reports it with its file and line instead of dropping it.
    const sessionName: Planned<string> = flags.sessionName
      ? { value: flags.sessionName, source: { kind: 'flag', flag: '--session-name' } }
      : nonEmptySetting(profile, 'role_session_name') ?? this.defaultSessionName();
    checkSessionName(profile.name, sessionName);

    const step: AssumeRoleStep = { kind: 'assume-role', profile: profile.name, roleArn, sessionName, sts: this.sts };

    const externalId = flags.externalId
      ? { value: flags.externalId, source: { kind: 'flag', flag: '--external-id' } as const }
      : setting(profile, 'external_id');
    if (externalId) {
      checkExternalId(profile.name, externalId);
      step.externalId = externalId;
    }

    const duration = flags.durationSeconds
      ? { value: flags.durationSeconds, source: { kind: 'flag', flag: '--duration' } as const }
      : setting(profile, 'duration_seconds');
    if (duration) step.durationSeconds = parseDuration(profile.name, duration);

    const mfaSerial = setting(profile, 'mfa_serial');
    if (mfaSerial) {
      checkMfaSerial(profile.name, mfaSerial);
      step.mfaSerial = mfaSerial;
    }
    // mfa_process is awsrole's own setting: empty means none.
    const mfaProcess = nonEmptySetting(profile, 'mfa_process');
    if (mfaSerial && mfaProcess) step.mfaProcess = mfaProcess;
    return step;
  }

  /**
   * A profile's own credentials, in botocore's order (its ProfileProviderBuilder): web identity,
   * SSO, credentials-file keys, login_session, credential_process, config-file keys. The environment never
   * overrides them: a profile named explicitly switches botocore's environment providers off
   * (`disable_env_vars` in `create_credential_resolver`), and a source profile always does.
   * Keys are never mixed across the two files: the file holding aws_access_key_id must hold the
   * secret too. The profile asked for, with none of these, falls through to the default chain's
   * container and instance-metadata providers; a source profile must have credentials.
   */
  private resolveSourceCredentials(profile: Profile, role: 'profile' | 'source profile', isTop = false): SourceStep {
    // botocore's AssumeRoleWithWebIdentityProvider: an empty token file path is no web identity.
    if (profile.settings.get('web_identity_token_file')?.value) return webIdentityStep(profile, this.webIdentityInputs());
    if (isSsoProfile(profile)) return ssoStep(profile, this.context.config);
    const fromCredentialsFile = staticKeysIn(profile.name, profile.fromCredentials);
    if (fromCredentialsFile) return fromCredentialsFile;
    if (profile.settings.has('login_session')) {
      return loginSessionStep(profile, this.context.config, this.session.top, this.context.env, this.session.region);
    }
    const process = profile.settings.get('credential_process');
    if (process) {
      // botocore runs an empty command too, and crashes.
      if (!process.value.trim()) throw new ConfigError(`profile "${profile.name}": credential_process is empty (${formatOrigin(process.origin)})`);
      const keysOf = ownKeysHelperProfile(process.value);
      if (keysOf) return { kind: 'keystore', profile: profile.name, entry: { value: keysOf, source: fromSetting(process).source } };
      return { kind: 'process', profile: profile.name, command: fromSetting(process) };
    }
    const fromConfigFile = staticKeysIn(profile.name, profile.fromConfig);
    if (fromConfigFile) return fromConfigFile;
    const fallThrough = isTop ? defaultChainStep(profile, this.context.env) : undefined;
    if (fallThrough) return fallThrough;
    throw new ConfigError(
      `${role} "${profile.name}" has no credentials (${describeProfileLocation(profile)})`,
      'give it aws_access_key_id and aws_secret_access_key, or role_arn with a source_profile' +
        (isTop ? '; otherwise only a container or instance role can serve it (AWS_EC2_METADATA_DISABLED=true rules that out)' : ''),
    );
  }
}

/**
 * botocore's default chain ends, after the profile's own providers, with the container provider
 * (when AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or _FULL_URI is set) and then the instance
 * metadata service (unless AWS_EC2_METADATA_DISABLED=true). A profile with no credentials of its
 * own (only a region, say) gets the task's or the instance's role that way.
 */
function defaultChainStep(profile: Profile, env: Env): SourceStep | undefined {
  const reason = `profile "${profile.name}" has no credentials of its own: the default chain's`;
  if (env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI || env.AWS_CONTAINER_CREDENTIALS_FULL_URI) {
    return { kind: 'container', profile: profile.name, source: { kind: 'default', reason: `${reason} container provider` } };
  }
  if (envFlag(env, 'AWS_EC2_METADATA_DISABLED')) return undefined;
  return { kind: 'instance-metadata', profile: profile.name, source: { kind: 'default', reason: `${reason} instance metadata provider` } };
}

/** botocore's SSOProvider: a profile is SSO when it names sso_account_id or sso_role_name. */
export function isSsoProfile(profile: Profile): boolean {
  return profile.settings.has('sso_account_id') || profile.settings.has('sso_role_name');
}

/** `a → b → … → a`, shortened in the middle when the cycle is long. */
function describeCycle(visited: readonly string[], repeated: string): string {
  const path = [...visited, repeated];
  if (path.length <= 12) return path.join(' → ');
  return [...path.slice(0, 5), `… ${path.length - 10} more …`, ...path.slice(-5)].join(' → ');
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

function setting(profile: Profile, key: string): Planned<string> | undefined {
  const found = profile.settings.get(key);
  return found ? fromSetting(found) : undefined;
}

function nonEmptySetting(profile: Profile, key: string): Planned<string> | undefined {
  const found = profile.settings.get(key);
  return found?.value ? fromSetting(found) : undefined;
}

function describeProfileLocation(profile: Profile): string {
  const section = profile.fromConfig ?? profile.fromCredentials;
  return section ? formatOrigin(section.origin) : profile.name;
}

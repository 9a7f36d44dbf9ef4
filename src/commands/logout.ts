import { userInfo } from 'node:os';
import { join } from 'node:path';
import { awsCliCacheKey, removeAwsCliSessionsWrittenBy } from '../cache/aws-cli-cache.js';
import { awsCliArgs } from '../cache/keys.js';
import { SessionCache } from '../cache/sessions.js';
import { loadConfig } from '../config/load.js';
import type { LoadedConfig } from '../config/types.js';
import { awsCliCacheDirectory, cacheDirectory } from '../environment/env.js';
import { UsageError } from '../errors/errors.js';
import { forPeople } from '../output/for-people.js';
import { lookUpProfile, resolvePlan } from '../plan/resolve.js';
import type { LoginSessionStep, Plan, SsoStep } from '../plan/types.js';
import { loginCacheDirectory } from '../login/cache-path.js';
import { configuresSso, describeLogin, readSsoSettings, settingsFromStep, tokenName, type SsoSettings } from '../sso/settings.js';
import { awsCliSsoCredentialsKey, portalLogout, removeFile, sweepable, tokenInFile } from '../sso/sign-out.js';
import { readToken, ssoCacheDirectory, tokenFilePath, type SsoToken } from '../sso/token-cache.js';
import type { CommandContext } from './context.js';

export interface LogoutOptions {
  /** --all: every IAM Identity Center login in the cache, not one profile's. */
  all?: boolean;
}

/** What was removed, one line each, for the person (and the test) to check. */
interface Removal {
  path: string;
  what: string;
}

/**
 * `awsrole logout <profile>`: signs out of the IAM Identity Center login the profile uses (its
 * own sso-session or start URL, or the one its role chain starts from): the portal's Logout for
 * the token, the token file, and what was obtained with it — the AWS CLI's cached SSO role
 * credentials of every profile on that login, and the role sessions chained on them in awsrole's
 * cache and in the AWS CLI's. `--all`: every token in ~/.aws/sso/cache (as `aws sso logout`) and
 * everything obtained with any. Each file removed is named on stderr.
 */
export async function logoutCommand(profile: string | undefined, options: LogoutOptions, context: CommandContext): Promise<void> {
  if (options.all && profile !== undefined) throw new UsageError('name a profile or give --all, not both');
  if (!options.all && profile === undefined) throw new UsageError('name the profile to log out, or give --all', 'awsrole logout <profile>   ·   awsrole logout --all');
  const { env } = context;
  const config = loadConfig(env);
  const plans = resolvedPlans(config, context);
  const chosenLogin = profile !== undefined ? loginOf(profile, config, context) : undefined;
  const chosen = chosenLogin?.kind === 'sso' ? [chosenLogin.settings] : undefined;
  const logins = chosenLogin ? chosen ?? [] : distinctLogins(plans);
  const awsLogins = chosenLogin ? (chosenLogin.kind === 'aws-login' ? [chosenLogin.step] : []) : distinctAwsLogins(plans);
  const removed: Removal[] = [];
  const now = new Date();
  const dir = ssoCacheDirectory(env);

  const signOut = async (token: SsoToken, what: string) => {
    const outcome = await portalLogout(token, env, now);
    if (outcome.kind === 'signed-out') context.info(`signed out of IAM Identity Center: ${what}`);
    else if (outcome.kind === 'skipped') context.debug(`no Logout call for ${what}: ${outcome.why}`);
    else context.warn(`could not sign out at IAM Identity Center for ${what}: ${outcome.why}; the token is removed here all the same`);
  };

  for (const settings of logins) {
    const what = describeLogin(settings);
    const lookup = readToken(dir, tokenName(settings));
    if (lookup.status === 'found') await signOut(lookup.token, what);
    if (removeFile(lookup.path)) removed.push({ path: lookup.path, what: `the IAM Identity Center token of ${what}` });
    else context.debug(`no token for ${what} at ${lookup.path}`);
  }
  if (options.all) {
    // Tokens of logins no profile here names (another config, a deleted profile): `aws sso logout` removes them too.
    for (const file of sweepable(dir, (value) => typeof value.accessToken === 'string')) {
      const startUrl = file.value.startUrl;
      const what = `the IAM Identity Center token of ${typeof startUrl === 'string' ? forPeople(startUrl) : 'an unnamed login'}`;
      const token = tokenInFile(file.text);
      if (token) await signOut(token, what);
      if (removeFile(file.path)) removed.push({ path: file.path, what });
    }
  }

  // `aws login` sessions: only the token file, where botocore's LoginTokenLoader reads it.
  for (const step of awsLogins) {
    if (removeFile(step.tokenFile.value)) removed.push({ path: step.tokenFile.value, what: `the aws login token of ${forPeople(step.session.value, 200)}` });
    else context.debug(`no aws login token for ${step.session.value} at ${step.tokenFile.value}`);
  }
  if (options.all) {
    // Tokens of login sessions no profile here names: every file of that cache that is one (a DPoP key and credentials).
    let dir: string | undefined;
    try {
      dir = loginCacheDirectory(env).value;
    } catch (error) {
      context.debug(`no sweep of the aws login cache: ${(error as Error).message}`);
    }
    for (const file of dir ? sweepable(dir, (value) => typeof value.dpopKey === 'string' && typeof value.accessToken === 'object') : []) {
      if (removeFile(file.path)) removed.push({ path: file.path, what: 'an aws login token' });
    }
  }

  const derived = derivedFrom(logins, awsLogins, plans);
  removed.push(...removeDerived(derived, Boolean(options.all), context));

  for (const { path, what } of removed) context.info(`removed ${forPeople(path, 500)} (${what})`);
  if (removed.length === 0) {
    context.info(
      chosenLogin?.kind === 'sso' ? `nothing to remove: not logged in to ${describeLogin(chosenLogin.settings)} (no token at ${tokenFilePath(dir, tokenName(chosenLogin.settings))})`
      : chosenLogin?.kind === 'aws-login' ? `nothing to remove: no aws login token for ${forPeople(chosenLogin.step.session.value, 200)} (${chosenLogin.step.tokenFile.value})`
      : `nothing to remove: no IAM Identity Center or aws login token`,
    );
  }
}

/** Every profile's plan that resolves (a broken profile elsewhere does not stop a logout). */
function resolvedPlans(config: LoadedConfig, context: CommandContext): Plan[] {
  return [...config.profiles.keys()].flatMap((name) => {
    try {
      return [resolvePlan({ config, env: context.env, localUser: () => userInfo().username }, name)];
    } catch (error) {
      context.debug(`logout: skipping profile ${name}: ${(error as Error).message}`);
      return [];
    }
  });
}

type Login = { kind: 'sso'; settings: SsoSettings } | { kind: 'aws-login'; step: LoginSessionStep };

/**
 * The login `logout <profile>` ends: the profile's own SSO settings, or those its chain starts
 * from; or the `aws login` session (login_session) it or its chain's source uses.
 */
function loginOf(name: string, config: LoadedConfig, context: CommandContext): Login {
  const profile = lookUpProfile(config, name);
  if (configuresSso(profile)) return { kind: 'sso', settings: readSsoSettings(profile, config) };
  const plan = resolvePlan({ config, env: context.env, localUser: () => userInfo().username }, name);
  const first = plan.steps[0];
  if (first.kind === 'sso') return { kind: 'sso', settings: settingsFromStep(first) };
  if (first.kind === 'login-session') return { kind: 'aws-login', step: first };
  throw new UsageError(
    `profile "${name}" does not sign in to IAM Identity Center or with aws login (its credentials come from ${first.kind === 'assume-role' ? 'a role' : first.kind} of profile "${first.profile}"): there is no login to log out of`,
    'logout is for profiles with sso_session = NAME (or sso_start_url) or login_session, or roles whose source profile has them; awsrole cache clear removes cached sessions',
  );
}

function distinctAwsLogins(plans: Plan[]): LoginSessionStep[] {
  const seen = new Map<string, LoginSessionStep>();
  for (const plan of plans) {
    const first = plan.steps[0];
    if (first.kind === 'login-session' && !seen.has(first.tokenFile.value)) seen.set(first.tokenFile.value, first);
  }
  return [...seen.values()];
}

function distinctLogins(plans: Plan[]): SsoSettings[] {
  const seen = new Map<string, SsoSettings>();
  for (const plan of plans) {
    const first = plan.steps[0];
    if (first.kind !== 'sso') continue;
    const settings = settingsFromStep(first);
    const key = JSON.stringify(tokenName(settings));
    if (!seen.has(key)) seen.set(key, settings);
  }
  return [...seen.values()];
}

/** The plans whose source is one of these logins: their SSO steps, and the plans with role hops on top. */
function derivedFrom(logins: SsoSettings[], awsLogins: LoginSessionStep[], plans: Plan[]): { sso: SsoStep[]; hopPlans: Plan[] } {
  const names = new Set(logins.map((settings) => JSON.stringify(tokenName(settings))));
  const tokenFiles = new Set(awsLogins.map((step) => step.tokenFile.value));
  const onLogin = plans.filter((plan) => {
    const first = plan.steps[0];
    return (first.kind === 'sso' && names.has(JSON.stringify(tokenName(settingsFromStep(first))))) || (first.kind === 'login-session' && tokenFiles.has(first.tokenFile.value));
  });
  return { sso: onLogin.flatMap((plan) => (plan.steps[0].kind === 'sso' ? [plan.steps[0]] : [])), hopPlans: onLogin.filter((plan) => plan.steps.length > 1) };
}

/**
 * What was obtained with the logins: the AWS CLI's SSO role credentials (its key, per account
 * and role), awsrole's cached role sessions of the hop profiles, the AWS CLI cache entries awsrole
 * wrote for them, and the AWS CLI's own entry for each role profile.
 */
function removeDerived(derived: { sso: SsoStep[]; hopPlans: Plan[] }, all: boolean, context: CommandContext): Removal[] {
  const removed: Removal[] = [];
  const cliDir = awsCliCacheDirectory(context.env);
  if (cliDir) {
    for (const step of derived.sso) {
      const path = join(cliDir, `${awsCliSsoCredentialsKey({ accountId: step.accountId.value, roleName: step.roleName.value, startUrl: step.startUrl.value, ...(step.sessionName !== undefined ? { sessionName: step.sessionName } : {}) })}.json`);
      if (removeFile(path)) removed.push({ path, what: `the AWS CLI's SSO credentials for ${step.roleName.value} in ${step.accountId.value}` });
    }
    if (all) {
      // SSOCredentialSweeper: every entry with ProviderType sso, whoever's.
      for (const { path } of sweepable(cliDir, (value) => value.ProviderType === 'sso')) {
        if (removeFile(path)) removed.push({ path, what: "the AWS CLI's SSO credentials" });
      }
    }
  }
  const hopProfiles = new Set(derived.hopPlans.flatMap((plan) => plan.steps.slice(1).map((step) => step.profile)));
  if (hopProfiles.size === 0) return removed;
  const cache = new SessionCache({ dir: cacheDirectory(context.env), awsCliDir: cliDir, now: () => new Date(), debug: context.debug, warn: context.warn });
  for (const { key, entry } of cache.entries()) {
    if (entry.kind !== 'assume-role' || !hopProfiles.has(entry.profile)) continue;
    if (cache.remove(key)) removed.push({ path: join(cacheDirectory(context.env), `${key}.json`), what: `awsrole's session of profile ${forPeople(entry.profile)}` });
  }
  if (cliDir) {
    for (const name of hopProfiles) {
      removeAwsCliSessionsWrittenBy(cliDir, name, (path) => removed.push({ path, what: `the AWS CLI's session of profile ${forPeople(name)}` }));
    }
    for (const plan of derived.hopPlans) {
      const last = plan.steps.at(-1)!;
      if (last.kind !== 'assume-role' || last.profile !== plan.profile) continue;
      const path = join(cliDir, `${awsCliCacheKey(awsCliArgs(last))}.json`);
      if (removeFile(path)) removed.push({ path, what: `the AWS CLI's session of profile ${forPeople(plan.profile)}` });
    }
  }
  return removed;
}

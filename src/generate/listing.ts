import type { LoadedConfig, Profile } from '../config/types.js';
import { UsageError } from '../errors/errors.js';
import { withSpinner } from '../output/spinner.js';
import { didYouMean } from '../plan/suggest.js';
import type { Env } from '../environment/env.js';
import type { Session } from '../run/credentials.js';
import { requestTimeoutMs } from '../sso/endpoints.js';
import { configuresSso, readSsoSettings, type SsoSettings } from '../sso/settings.js';
import { listOrganizationAccounts, organizationsEndpoint } from './organization.js';
import { listSsoAssignments } from './sso-listing.js';
import type { Assignment } from './types.js';

// What `generate` lists, from either source, and the settings of a profile for each assignment.

/** The options of `generate` that the listing uses. */
export interface ListingOptions {
  quiet?: boolean;
  includeManagementAccount?: boolean;
}

/** What the listing needs of the command's context: the environment and the people-text streams. */
export interface ListingContext {
  env: Env;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  debug: (message: string) => void;
  info: (message: string) => void;
}

export interface Listing {
  assignments: Assignment[];
  settingsFor: (assignment: Assignment) => Array<[string, string]>;
  /** Why the listing may be empty, for the warning. */
  empty: string;
}

/** Every ACTIVE account of the organization, listed with `session` (the credentials of profile `profileName`), times `roles`. */
export async function organizationAssignments(
  profileName: string,
  session: Session,
  roles: string[],
  options: ListingOptions,
  config: LoadedConfig,
  context: ListingContext,
): Promise<Listing> {
  const profile = config.profiles.get(profileName)!;
  const endpoint = organizationsEndpoint(config, profile, context.env);
  if (endpoint) context.debug(`Organizations at ${endpoint.url} (${endpoint.source})`);
  let progress = 'listing the organization\'s accounts';
  const list = () => listOrganizationAccounts({
    credentials: session.credentials,
    region: session.region ?? 'us-east-1',
    ...(endpoint ? { endpoint: endpoint.url } : {}),
    timeoutMs: requestTimeoutMs(context.env),
    caller: `profile "${profileName}"`,
    onPage: (pages, accounts) => {
      progress = `listing the organization's accounts: ${accounts} in ${pages} page(s)`;
      context.debug(progress);
    },
  });
  const accounts = options.quiet ? await list() : await withSpinner(context.stderr, () => progress, list, { env: context.env });
  let active = accounts.filter((account) => account.state === 'ACTIVE');
  context.info(`the organization lists ${accounts.length} account(s), ${active.length} active`);
  const management = active.find((account) => account.management);
  if (management && !options.includeManagementAccount) {
    // Organizations creates OrganizationAccountAccessRole in the accounts it creates, and
    // StackSets do not deploy to the management account: a role profile there would not work.
    active = active.filter((account) => account !== management);
    context.info(`the management account ${management.id} ("${management.name}") is left out: --include-management-account adds it`);
  }
  const partitionOf = new Map(active.map((account) => [account.id, account.partition]));
  return {
    assignments: active.flatMap((account) => roles.map((roleName) => ({ accountId: account.id, accountName: account.name, roleName }))),
    settingsFor: (a) => [
      ['role_arn', `arn:${partitionOf.get(a.accountId) ?? 'aws'}:iam::${a.accountId}:role/${a.roleName}`],
      ['source_profile', profileName],
    ],
    empty: 'the organization lists no active account',
  };
}

/** Every account and role of the IAM Identity Center login of `name` (an sso-session, or an SSO profile). */
export async function ssoAssignments(name: string, options: ListingOptions, config: LoadedConfig, context: ListingContext): Promise<Listing> {
  const settings = ssoSettingsFor(name, config);
  let progress = 'listing your IAM Identity Center accounts';
  const list = () => listSsoAssignments(settings, {
    env: context.env,
    now: () => new Date(),
    debug: context.debug,
    onProgress: (accounts, done, roles) => {
      progress = `listing roles: ${done} of ${accounts} account(s), ${roles} role(s)`;
    },
  });
  const assignments = options.quiet ? await list() : await withSpinner(context.stderr, () => progress, list, { env: context.env });
  context.info(`IAM Identity Center lists ${new Set(assignments.map((a) => a.accountId)).size} account(s) with ${assignments.length} role(s)`);
  const session = settings.sessionName;
  return {
    assignments,
    settingsFor: (a) => [
      ...(session !== undefined ? [['sso_session', session] as [string, string]] : [['sso_start_url', settings.startUrl], ['sso_region', settings.region]] as Array<[string, string]>),
      ['sso_account_id', a.accountId],
      ['sso_role_name', a.roleName],
    ],
    empty: 'the signed-in user has no account with a role',
  };
}

/** `--from-sso NAME`: the `[sso-session NAME]`, else the SSO settings of profile NAME. */
function ssoSettingsFor(name: string, config: LoadedConfig): SsoSettings {
  if (config.ssoSessions.has(name)) {
    const section = config.ssoSessions.get(name)!;
    // Whose login to name in a hint: a profile that uses this sso-session (login takes a profile).
    const user = [...config.profiles.values()].find((p) => p.settings.get('sso_session')?.value === name);
    const stand: Profile = { name: user?.name ?? name, settings: new Map([['sso_session', { value: name, origin: section.origin }]]) };
    return readSsoSettings(stand, config);
  }
  const profile = config.profiles.get(name);
  if (profile && configuresSso(profile)) return readSsoSettings(profile, config);
  const known = [...config.ssoSessions.keys(), ...[...config.profiles.values()].filter(configuresSso).map((p) => p.name)];
  throw new UsageError(
    profile ? `profile "${name}" has no IAM Identity Center settings (sso_session or sso_start_url)` : `no [sso-session ${name}] and no profile "${name}"`,
    didYouMean(name, known) ?? (known.length > 0 ? `there are ${known.slice(0, 5).map((k) => `"${k}"`).join(', ')}` : 'add an [sso-session NAME] section (aws configure sso-session)'),
  );
}

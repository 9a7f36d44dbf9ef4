import { buildProfiles, loadConfig } from '../config/load.js';
import { parseIni } from '../config/ini.js';
import type { LoadedConfig, Profile } from '../config/types.js';
import { configFilePath } from '../environment/env.js';
import { UsageError } from '../errors/errors.js';
import { withSpinner } from '../output/spinner.js';
import { findBlock, lineBreakOf, placeBlock, withoutBlock } from '../generate/block.js';
import { composeBlock, type ComposedProfile } from '../generate/compose.js';
import { unifiedDiff } from '../generate/diff.js';
import { checkTemplate, DEFAULT_TEMPLATE } from '../generate/names.js';
import { profilesInBlock } from '../generate/render.js';
import type { Assignment } from '../generate/types.js';
import { listOrganizationAccounts, organizationsEndpoint } from '../generate/organization.js';
import { listSsoAssignments } from '../generate/sso-listing.js';
import { readConfigFile, writeConfigFile } from '../generate/write-config.js';
import { didYouMean } from '../plan/suggest.js';
import { requestTimeoutMs } from '../sso/endpoints.js';
import { configuresSso, readSsoSettings, type SsoSettings } from '../sso/settings.js';
import type { CommandContext } from './context.js';
import { obtainSession } from './obtain-session.js';

export interface GenerateOptions {
  fromSso?: string;
  fromOrganization?: string;
  role?: string[];
  excludeAccount?: string[];
  includeManagementAccount?: boolean;
  name?: string;
  region?: string;
  set?: string[];
  prune?: boolean;
  dryRun?: boolean;
  json?: boolean;
  quiet?: boolean;
  // For the --from-organization profile's own credentials:
  mfaCode?: string;
  mfaCommand?: string;
  cache?: boolean;
}

// Keys generate writes itself: --set may not replace them (--region is its own flag).
const OWN_KEYS = new Set(['role_arn', 'source_profile', 'credential_source', 'sso_session', 'sso_account_id', 'sso_role_name', 'sso_start_url', 'sso_region', 'region']);
const SECRET_KEYS = new Set(['aws_access_key_id', 'aws_secret_access_key', 'aws_session_token', 'aws_security_token']);
const ROLE_NAME = /^[\w+=,.@/-]{1,512}$/;

/**
 * `awsrole generate`: a profile for every account and role of an AWS Organization or of an SSO
 * login, written into this source's marked block of the config file; the rest of the file is
 * never touched (src/generate/block.ts).
 */
export async function generateCommand(options: GenerateOptions, context: CommandContext): Promise<void> {
  const { env } = context;
  const request = checkOptions(options);
  const config = loadConfig(env); // a malformed file stops here (exit 3), before any AWS call
  const path = configFilePath(env);
  const read = readConfigFile(path);
  const span = findBlock(read.text, request.source, path);
  const previous = span ? profilesInBlock(read.text.slice(span.start, span.end), path) : [];
  const taken = namesOutside(withoutBlock(read.text, span), path, config);

  const listing = request.kind === 'organization'
    ? await organizationAssignments(request.name, request.roles, options, config, context)
    : await ssoAssignments(request.name, options, config, context);
  const lineBreak = lineBreakOf(read.text);
  const composed = composeBlock({
    source: request.source,
    commandLine: commandLine(request, options),
    assignments: selected(listing.assignments, request, options),
    template: request.template,
    settingsFor: (a) => [...listing.settingsFor(a), ...(options.region ? [['region', options.region] as [string, string]] : []), ...request.extra],
    taken,
    previous,
    prune: options.prune ?? false,
    lineBreak,
  });
  for (const profile of composed.profiles) {
    if (profile.status === 'skipped') context.warn(`skipped profile "${profile.name}": ${profile.reason}`);
  }
  const written = composed.profiles.filter((p) => p.status !== 'skipped' && p.status !== 'pruned');
  const text = span || written.length > 0 ? placeBlock(read.text, span, composed.text, lineBreak) : read.text;
  checkResult(text, path, written);

  const changed = text !== read.text;
  if (options.dryRun) {
    if (options.json) context.stdout.write(`${JSON.stringify(report(path, request.source, false, composed.profiles))}\n`);
    else context.stdout.write(unifiedDiff(read.text, text, path, `${path} (awsrole generate)`));
    context.info(`dry run: ${summary(composed.profiles)}; ${changed ? 'nothing written' : 'the file would not change'}`);
    return;
  }
  if (written.length === 0 && !span) {
    context.warn(`no profiles to write: ${listing.empty}`);
  } else if (!changed) {
    context.info(`${path} is up to date: ${summary(composed.profiles)}`);
  } else {
    const { backup } = writeConfigFile(read, text);
    context.info(`wrote ${path}: ${summary(composed.profiles)}${backup ? `; the previous file is ${backup}` : ''}`);
  }
  const keptCount = composed.profiles.filter((p) => p.status === 'kept').length;
  if (keptCount > 0) context.info(`${keptCount} profile(s) no longer listed are kept: --prune drops them`);
  if (options.json) context.stdout.write(`${JSON.stringify(report(path, request.source, changed, composed.profiles))}\n`);
}

/** Without the --exclude-account accounts (by id or name); with --from-sso and --role, only those roles. */
function selected(assignments: readonly Assignment[], request: Request, options: GenerateOptions): Assignment[] {
  const excluded = new Set(options.excludeAccount?.flatMap((value) => value.split(',')).map((value) => value.trim()).filter(Boolean));
  const roles = request.kind === 'sso' && request.roles.length > 0 ? new Set(request.roles) : undefined;
  return assignments.filter((a) => !excluded.has(a.accountId) && !excluded.has(a.accountName) && (!roles || roles.has(a.roleName)));
}

interface Request {
  kind: 'organization' | 'sso';
  /** The profile (or sso-session) named on the command line. */
  name: string;
  /** The block's marker. */
  source: string;
  roles: string[];
  template: string;
  extra: Array<[string, string]>;
}

function checkOptions(options: GenerateOptions): Request {
  if ((options.fromSso === undefined) === (options.fromOrganization === undefined)) {
    throw new UsageError('generate needs one of --from-sso <sso-session or profile> and --from-organization <profile>', 'awsrole generate --help shows both');
  }
  const roles = [...new Set((options.role ?? []).flatMap((value) => value.split(',')).map((value) => value.trim()).filter(Boolean))];
  for (const role of roles) {
    if (!ROLE_NAME.test(role)) throw new UsageError(`--role "${role}" is not an IAM role name`, 'letters, digits and + = , . @ _ - (and / for a path)');
  }
  if (options.fromOrganization !== undefined && roles.length === 0) {
    throw new UsageError('--from-organization needs --role <RoleName>: the role to assume in every account', 'e.g. --role OrganizationAccountAccessRole');
  }
  const template = options.name ?? DEFAULT_TEMPLATE;
  checkTemplate(template);
  if (options.region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(options.region)) {
    throw new UsageError(`--region "${options.region}" is not a region name`, 'e.g. --region eu-west-1');
  }
  const extra: Array<[string, string]> = [];
  for (const pair of options.set ?? []) {
    const equals = pair.indexOf('=');
    const key = equals > 0 ? pair.slice(0, equals).trim() : '';
    if (!/^[a-z][a-z0-9_]*$/.test(key)) throw new UsageError(`--set "${pair}" is not key=value with a lower-case key`, 'e.g. --set output=json');
    if (OWN_KEYS.has(key)) throw new UsageError(`--set ${key}: generate writes ${key} itself`, key === 'region' ? 'use --region' : undefined);
    if (SECRET_KEYS.has(key)) throw new UsageError(`--set ${key}: generate does not copy a secret into every generated profile`, 'keep keys in the source profile, which every generated profile uses');
    if (extra.some(([k]) => k === key)) throw new UsageError(`--set ${key} is given twice`);
    extra.push([key, pair.slice(equals + 1).trim()]);
  }
  const kind = options.fromOrganization !== undefined ? 'organization' : 'sso';
  const name = (options.fromOrganization ?? options.fromSso)!;
  return { kind, name, source: `${kind === 'organization' ? 'from-organization' : 'from-sso'} ${name}`, roles, template, extra };
}

/** The command line that makes this block again, for its comment; built from the options (argv may hold an MFA code). */
function commandLine(request: Request, options: GenerateOptions): string {
  const words = ['awsrole', 'generate', request.kind === 'organization' ? '--from-organization' : '--from-sso', request.name];
  for (const role of request.roles) words.push('--role', role);
  for (const account of options.excludeAccount ?? []) words.push('--exclude-account', account);
  if (options.includeManagementAccount) words.push('--include-management-account');
  if (options.name !== undefined && options.name !== DEFAULT_TEMPLATE) words.push('--name', options.name);
  if (options.region !== undefined) words.push('--region', options.region);
  for (const [key, value] of request.extra) words.push('--set', `${key}=${value}`);
  return words.map(shellWord).join(' ');
}

function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Names of the profiles defined outside this block: in the rest of the config file, and in the credentials file. */
function namesOutside(outsideText: string, path: string, config: LoadedConfig): Set<string> {
  let outside: LoadedConfig;
  try {
    outside = buildProfiles(parseIni(outsideText, path), { path: config.credentialsFile, sections: [] });
  } catch {
    // Only the block's removal could make it unparsable (a value continued across it): every name then counts.
    outside = config;
  }
  const names = new Set(outside.profiles.keys());
  for (const profile of config.profiles.values()) if (profile.fromCredentials) names.add(profile.name);
  return names;
}

interface Listing {
  assignments: Assignment[];
  settingsFor: (assignment: Assignment) => Array<[string, string]>;
  /** Why the listing may be empty, for the warning. */
  empty: string;
}

async function organizationAssignments(profileName: string, roles: string[], options: GenerateOptions, config: LoadedConfig, context: CommandContext): Promise<Listing> {
  const session = await obtainSession(profileName, { mfaCode: options.mfaCode, mfaCommand: options.mfaCommand, cache: options.cache, quiet: options.quiet }, context);
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

async function ssoAssignments(name: string, options: GenerateOptions, config: LoadedConfig, context: CommandContext): Promise<Listing> {
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

/**
 * The new file must read back as botocore reads it, with every written profile exactly as
 * composed: a guard against writing a file that no longer parses. Failing it is a bug (exit 1).
 */
function checkResult(text: string, path: string, written: readonly ComposedProfile[]): void {
  const parsed = buildProfiles(parseIni(text, path), { path: '', sections: [] });
  for (const profile of written) {
    const found = parsed.profiles.get(profile.name);
    const same = found && found.settings.size === profile.settings.length && profile.settings.every(([key, value]) => found.settings.get(key)?.value === value);
    if (!same) throw new Error(`generate: profile "${profile.name}" would not read back as written; nothing was written`);
  }
}

function summary(profiles: readonly ComposedProfile[]): string {
  const counts = new Map<string, number>();
  for (const profile of profiles) counts.set(profile.status, (counts.get(profile.status) ?? 0) + 1);
  const written = profiles.filter((p) => p.status !== 'skipped' && p.status !== 'pruned').length;
  const parts = (['new', 'changed', 'unchanged', 'kept', 'pruned', 'skipped'] as const).flatMap((status) => (counts.get(status) ? [`${counts.get(status)} ${status}`] : []));
  return `${written} profile(s) in the block${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`;
}

function report(path: string, source: string, written: boolean, profiles: readonly ComposedProfile[]) {
  return {
    file: path,
    source,
    written,
    profiles: profiles.map((p) => ({
      name: p.name,
      status: p.status,
      accountId: p.assignment?.accountId ?? null,
      accountName: p.assignment?.accountName ?? null,
      roleName: p.assignment?.roleName ?? null,
      settings: Object.fromEntries(p.settings),
      ...(p.reason ? { reason: p.reason } : {}),
    })),
  };
}

import { buildProfiles, loadConfig } from '../config/load.js';
import { parseIni } from '../config/ini.js';
import type { LoadedConfig } from '../config/types.js';
import { configFilePath } from '../environment/env.js';
import { UsageError } from '../errors/errors.js';
import { findBlock, lineBreakOf, placeBlock, withoutBlock } from '../generate/block.js';
import { composeBlock, type ComposedProfile } from '../generate/compose.js';
import { unifiedDiff } from '../generate/diff.js';
import { checkTemplate, DEFAULT_TEMPLATE } from '../generate/names.js';
import { profilesInBlock } from '../generate/render.js';
import type { Assignment } from '../generate/types.js';
import { organizationAssignments, ssoAssignments } from '../generate/listing.js';
import { readConfigFile, writeConfigFile } from '../generate/write-config.js';
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
    ? await organizationAssignments(request.name, await obtainSession(request.name, sourceCredentialOptions(options), context), request.roles, options, config, context)
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

/** The flags that obtain the --from-organization profile's own credentials, as `use` would. */
function sourceCredentialOptions(options: GenerateOptions) {
  return { mfaCode: options.mfaCode, mfaCommand: options.mfaCommand, cache: options.cache, quiet: options.quiet };
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

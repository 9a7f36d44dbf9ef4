import { loadConfig } from '../config/load.js';
import type { Profile } from '../config/types.js';
import { profileKind, type ProfileKind } from '../plan/kind.js';
import { palette, useColour, type Palette } from '../output/colour.js';
import { forPeople } from '../output/for-people.js';
import { alignColumns } from '../output/table.js';
import type { CommandContext } from './context.js';

export interface ProfileSummary {
  name: string;
  kind: ProfileKind;
  roleArn: string | null;
  /** The 12-digit account of the role ARN, or sso_account_id of an SSO profile. */
  account: string | null;
  /** The role name in the role ARN (without its path), or sso_role_name of an SSO profile. */
  roleName: string | null;
  /** source_profile, or `credential_source:<name>` */
  source: string | null;
  region: string | null;
}

export function summarize(profile: Profile): ProfileSummary {
  // No closure over `profile` here, nor arrays in parseRoleArn: `list` runs this for every
  // profile, and short-lived allocations are most of what it costs (see parseRoleArn).
  const settings = profile.readSettings?.() ?? profile.settings; // (not kept: see readSettings)
  const kind = profileKind(profile, settings);
  const roleArn = settings.get('role_arn')?.value || null;
  const credentialSource = settings.get('credential_source')?.value || null;
  let role: { account: string | null; roleName: string | null } | undefined;
  if (roleArn) role = parseRoleArn(roleArn);
  else if (kind === 'sso') {
    role = { account: settings.get('sso_account_id')?.value || null, roleName: settings.get('sso_role_name')?.value || null };
  }
  return {
    name: profile.name,
    kind,
    roleArn,
    account: role?.account ?? null,
    roleName: role?.roleName ?? null,
    source: settings.get('source_profile')?.value || (credentialSource ? `credential_source:${credentialSource}` : null),
    region: settings.get('region')?.value || null,
  };
}

/** `arn:aws:iam::123456789012:role/path/Name` → its account and `Name`; null for what is not there. */
export function parseRoleArn(arn: string): { account: string | null; roleName: string | null } {
  // The fields between the first five colons, found with indexOf rather than split (which made an
  // array and six strings of each ARN), and held in variables rather than an array.
  const c0 = arn.indexOf(':');
  const c1 = c0 < 0 ? -1 : arn.indexOf(':', c0 + 1);
  const c2 = c1 < 0 ? -1 : arn.indexOf(':', c1 + 1);
  const c3 = c2 < 0 ? -1 : arn.indexOf(':', c2 + 1);
  const c4 = c3 < 0 ? -1 : arn.indexOf(':', c3 + 1);
  const isArn = c0 === 3 && arn.startsWith('arn');
  const account = c3 < 0 ? undefined : arn.slice(c3 + 1, c4 < 0 ? arn.length : c4);
  // The resource, `role/path/Name`, is everything after the fifth colon.
  const isRole = c4 >= 0 && arn.startsWith('role/', c4 + 1);
  const isIam = c2 >= 0 && c2 - c1 === 4 && arn.startsWith('iam', c1 + 1);
  return {
    account: isArn && account !== undefined && TWELVE_DIGITS.test(account) ? account : null,
    roleName: isArn && isIam && isRole ? arn.slice(arn.lastIndexOf('/') + 1) || null : null,
  };
}

// Outside the function: a regular expression literal is a new object each time it is evaluated.
const TWELVE_DIGITS = /^\d{12}$/;

/** Long enough for the longest generated names (`<account>-<permission set>-<env>`). */
const LIST_CELL_LIMIT = 100;

const KIND_COLOUR: Record<ProfileKind, keyof Palette> = {
  role: 'cyan',
  credential_source: 'blue',
  'web identity': 'magenta',
  sso: 'green',
  'static keys': 'yellow',
  // Long-term keys still, but out of the plaintext file: not the warning colour of 'static keys'.
  keystore: 'green',
  'login session': 'green',
  process: 'red',
  none: 'dim',
};

export function listCommand(options: { json?: boolean }, context: CommandContext): void {
  const config = loadConfig(context.env);
  // By name in character-code order, natively sorted: the same on every machine (as `generate`
  // sorts), where a locale's order was not, and without ICU's collation data, whose loading cost
  // every `list` 8 ms.
  const names = [...config.profiles.keys()].sort();
  const summaries = names.map((name) => summarize(config.profiles.get(name)!));
  if (options.json) {
    context.stdout.write(`${JSON.stringify(summaries, null, 2)}\n`);
    return;
  }
  // Colour for a person at a terminal only; the columns are measured without it.
  const paint = palette(useColour(context.stdout, context.env));
  // Names and values from the files, escaped and bounded for the terminal (--json has them whole).
  const cell = (text: string | null) => (text === null ? paint.dim('-') : forPeople(text, LIST_CELL_LIMIT));
  const header = ['PROFILE', 'KIND', 'ACCOUNT', 'ROLE', 'REGION', 'SOURCE'].map(paint.bold);
  const rows = summaries.map((s) => [
    cell(s.name),
    paint[KIND_COLOUR[s.kind]](s.kind),
    cell(s.account),
    cell(s.roleName),
    cell(s.region),
    cell(s.source),
  ]);
  context.stdout.write(alignColumns([header, ...rows]));
}

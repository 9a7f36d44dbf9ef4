import { loadConfig } from '../config/load.js';
import type { Profile } from '../config/types.js';
import { profileKind, type ProfileKind } from '../plan/kind.js';
import { alignColumns } from '../output/table.js';
import type { CommandContext } from './context.js';

export interface ProfileSummary {
  name: string;
  kind: ProfileKind;
  roleArn: string | null;
  /** source_profile, or `credential_source:<name>` */
  source: string | null;
  region: string | null;
}

export function summarize(profile: Profile): ProfileSummary {
  const value = (key: string) => profile.settings.get(key)?.value || null;
  const credentialSource = value('credential_source');
  return {
    name: profile.name,
    kind: profileKind(profile),
    roleArn: value('role_arn'),
    source: value('source_profile') ?? (credentialSource ? `credential_source:${credentialSource}` : null),
    region: value('region'),
  };
}

export function listCommand(options: { json?: boolean }, context: CommandContext): void {
  const config = loadConfig(context.env);
  const summaries = [...config.profiles.values()].map(summarize).sort((a, b) => a.name.localeCompare(b.name));
  if (options.json) {
    context.stdout.write(`${JSON.stringify(summaries, null, 2)}\n`);
    return;
  }
  const header = ['PROFILE', 'KIND', 'ROLE', 'SOURCE', 'REGION'];
  const rows = summaries.map((s) => [s.name, s.kind, s.roleArn ?? '-', s.source ?? '-', s.region ?? '-']);
  context.stdout.write(alignColumns([header, ...rows]));
}

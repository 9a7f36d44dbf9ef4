import { nameAssignments } from './names.js';
import { renderBlock, writable } from './render.js';
import type { Assignment, GeneratedProfile } from './types.js';

/**
 * What happens to each profile: `new`, `changed` or `unchanged` against the previous block;
 * `kept` (in the previous block, no longer listed, kept without --prune); `pruned` (dropped by
 * --prune); `skipped` (not written: the name is a hand-written profile's, or a value cannot be
 * written).
 */
export type ProfileStatus = 'new' | 'changed' | 'unchanged' | 'kept' | 'pruned' | 'skipped';

export interface ComposedProfile extends GeneratedProfile {
  status: ProfileStatus;
  /** Why it was skipped. */
  reason?: string;
}

export interface ComposeInput {
  /** The marker's source: `from-organization mgmt`. */
  source: string;
  /** The command line for the block's comment (no secrets: built from the options, not argv). */
  commandLine: string;
  assignments: readonly Assignment[];
  template: string;
  /** The settings of one generated profile, in the order written. */
  settingsFor: (assignment: Assignment) => Array<[string, string]>;
  /** Profile names defined outside this block (the config file's others, the credentials file's). */
  taken: ReadonlySet<string>;
  /** The profiles of this source's block as it is now. */
  previous: readonly GeneratedProfile[];
  prune: boolean;
  lineBreak: string;
}

export interface ComposedBlock {
  /** The new block's text; its profiles are those whose status is new, changed, unchanged or kept. */
  text: string;
  profiles: ComposedProfile[];
}

/** The new block for one source, and what became of every profile. Pure. */
export function composeBlock(input: ComposeInput): ComposedBlock {
  const previous = new Map(input.previous.map((profile) => [profile.name, profile]));
  const profiles: ComposedProfile[] = [];
  const generated = new Set<string>();
  for (const { name, assignment } of nameAssignments(input.assignments, input.template)) {
    generated.add(name);
    const settings = input.settingsFor(assignment);
    const bad = settings.find(([, value]) => !writable(value));
    if (bad) {
      profiles.push({ name, settings, assignment, status: 'skipped', reason: `its ${bad[0]} cannot be written to the file as it is` });
    } else if (input.taken.has(name)) {
      profiles.push({ name, settings, assignment, status: 'skipped', reason: 'a profile of that name is already defined outside the block' });
    } else {
      const before = previous.get(name);
      const status = !before ? 'new' : sameSettings(before.settings, settings) ? 'unchanged' : 'changed';
      profiles.push({ name, settings, assignment, status });
    }
  }
  for (const before of input.previous) {
    if (generated.has(before.name)) continue;
    if (input.prune) profiles.push({ ...before, status: 'pruned' });
    // A hand-written profile took its name since: two sections of one name would break the file.
    else if (input.taken.has(before.name)) profiles.push({ ...before, status: 'skipped', reason: 'a profile of that name is now defined outside the block' });
    else profiles.push({ ...before, status: 'kept' });
  }
  const written = profiles.filter((profile) => profile.status !== 'skipped' && profile.status !== 'pruned');
  return { text: renderBlock(input.source, input.commandLine, written, input.lineBreak), profiles };
}

function sameSettings(a: ReadonlyArray<[string, string]>, b: ReadonlyArray<[string, string]>): boolean {
  return a.length === b.length && a.every(([key, value], index) => b[index]![0] === key && b[index]![1] === value);
}

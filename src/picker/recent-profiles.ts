/**
 * The profiles used most recently, most recent first, so that the picker of `awsrole use` offers
 * them at the top. A JSON list of profile names (never a secret) in `<state dir>/recent.json`,
 * written like the session cache (atomic, 0600 in a 0700 directory). It only orders a list: a
 * corrupt or unreadable file reads as empty, and a failed write is not an error (--debug says it).
 */
import { join } from 'node:path';
import { makePrivateDirectories, readFileIfPresent, writeFileAtomic } from '../cache/atomic-file.js';
import { stateDirectory, type Env } from '../environment/env.js';

/** How many names are kept. */
export const RECENT_LIMIT = 50;

export function recentProfilesFile(env: Env): string {
  return join(stateDirectory(env), 'recent.json');
}

/** The names in the file, most recent first; [] when it is missing, unreadable or not a list of names. */
export function readRecentProfiles(env: Env, debug: (message: string) => void = () => {}): string[] {
  const path = recentProfilesFile(env);
  try {
    const text = readFileIfPresent(path); // never follows a symlink, never blocks on a FIFO
    if (text === undefined) return [];
    const value: unknown = JSON.parse(text);
    if (!Array.isArray(value)) throw new Error('not a JSON list');
    return unique(value.filter((name): name is string => typeof name === 'string' && name !== '')).slice(0, RECENT_LIMIT);
  } catch (error) {
    debug(`recent profiles: ignoring ${path}: ${error instanceof Error ? error.message : String(error)}`);
    return [];
  }
}

/** Puts `profile` first in the file (moving it up if it was there), keeping RECENT_LIMIT names. */
export function recordRecentProfile(env: Env, profile: string, debug: (message: string) => void = () => {}): void {
  const path = recentProfilesFile(env);
  try {
    const recent = readRecentProfiles(env, debug);
    // Switching to the same profile again changes nothing: no write (and no fsync) on that path.
    if (recent[0] === profile) return;
    const names = unique([profile, ...recent]).slice(0, RECENT_LIMIT);
    makePrivateDirectories(stateDirectory(env));
    writeFileAtomic(path, `${JSON.stringify(names)}\n`);
  } catch (error) {
    // Only the order of a list is lost; the command itself succeeded.
    debug(`recent profiles: could not write ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

/**
 * The order the picker offers `names` in: the recently used ones that still exist, most recent
 * first, then the others alphabetically.
 */
export function orderByRecent(names: Iterable<string>, recent: readonly string[]): string[] {
  const existing = new Set(names);
  const first = unique(recent.filter((name) => existing.has(name)));
  const taken = new Set(first);
  const rest = [...existing].filter((name) => !taken.has(name)).sort((a, b) => a.localeCompare(b));
  return [...first, ...rest];
}

function unique(names: readonly string[]): string[] {
  return [...new Set(names)];
}

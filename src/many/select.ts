/**
 * Which profiles `awsrole run` runs in: patterns from `--profiles` (comma-separated) and
 * `--from-file` (one a line, `#` comments), each an exact profile name or a glob. Pure.
 */
import { UsageError } from '../errors/errors.js';
import { forPeople } from '../output/for-people.js';
import { didYouMean } from '../plan/suggest.js';

/** The words of a `--profiles` value: `prod-*,audit` → `prod-*`, `audit` (blanks around commas ignored). */
export function splitProfileList(value: string): string[] {
  return value.split(',').map((word) => word.trim()).filter((word) => word !== '');
}

/** The patterns of a `--from-file` file: one per line; blank lines and `#` comments ignored. */
export function parseProfileFile(text: string): string[] {
  return text.split(/\r?\n/).flatMap((line) => {
    const word = line.replace(/(^|\s)#.*$/, '').trim();
    return word === '' ? [] : [word];
  });
}

const GLOB_CHARACTERS = /[*?[]/;

export function isGlob(pattern: string): boolean {
  return GLOB_CHARACTERS.test(pattern);
}

/**
 * A glob as a whole-name regular expression: `*` any run of characters (`/` included: profile
 * names are not paths), `?` one character, `[abc]` / `[a-z]` / `[!abc]` one of a set. Everything
 * else, and an unclosed `[`, stands for itself. Python's fnmatch rules, which the tests hold it to.
 */
export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*') source += '.*';
    else if (ch === '?') source += '.';
    else if (ch === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close < 0) {
        source += '\\[';
        continue;
      }
      let set = glob.slice(i + 1, close);
      const negated = set.startsWith('!');
      if (negated) set = set.slice(1);
      source += `[${negated ? '^' : ''}${set.replace(/[\\\]^]/g, '\\$&')}]`;
      i = close;
    } else source += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'su');
}

/**
 * The profiles the patterns name, each once, in the order of the patterns; a glob's matches in
 * the order of `names` (the files' order). A name that is no profile, or a glob that matches
 * none, is a usage error: a typo must not quietly shrink an audit.
 */
export function selectProfiles(patterns: readonly string[], names: readonly string[]): string[] {
  if (patterns.length === 0) throw new UsageError('no profiles given', "awsrole run --profiles 'prod-*,audit' -- <command>");
  const known = new Set(names);
  const chosen = new Set<string>();
  for (const pattern of patterns) {
    if (!isGlob(pattern)) {
      if (!known.has(pattern)) {
        throw new UsageError(`unknown profile "${forPeople(pattern)}"`, didYouMean(pattern, names) ?? 'awsrole list shows every profile');
      }
      chosen.add(pattern);
      continue;
    }
    const glob = globToRegExp(pattern);
    const matches = names.filter((name) => glob.test(name));
    if (matches.length === 0) throw new UsageError(`no profile matches "${forPeople(pattern)}"`, 'awsrole list shows every profile');
    for (const name of matches) chosen.add(name);
  }
  return [...chosen];
}

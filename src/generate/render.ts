import { parseIni } from '../config/ini.js';
import { beginMarker, endMarker } from './block.js';
import { compare } from './names.js';
import type { GeneratedProfile } from './types.js';

// The block's sections are written here by hand rather than with the `ini` package: `ini`
// quotes values that contain `;`, `#`, `=` or quotes, and botocore would keep those quotes as
// part of the value. What is written instead is only what botocore reads back unchanged (checked
// by `writable` below, and by the parse of the whole new file before it is written).

const CONTROLS = /[\x00-\x1f\x7f\u0085\u2028\u2029]/;

/**
 * Whether botocore reads `key = value` back as exactly this value: no line breaks or other
 * control characters (a line break would end the value, or start a continuation), no space at
 * either end (configparser strips it).
 */
export function writable(value: string): boolean {
  return !CONTROLS.test(value) && value === value.trim();
}

/** The block for `source`: the markers, a line for people, and the profiles sorted by name, each after a blank line. */
export function renderBlock(source: string, command: string, profiles: readonly GeneratedProfile[], lineBreak: string): string {
  // The command line is the user's words: a line break in one must not end the comment.
  const lines = [beginMarker(source), `# Written by: ${command.replace(new RegExp(CONTROLS.source, 'g'), ' ')}`, '# Every run replaces this block: edit outside it (your own profiles go there).'];
  for (const profile of [...profiles].sort((a, b) => compare(a.name, b.name))) {
    lines.push('', `[profile ${profile.name}]`);
    for (const [key, value] of profile.settings) lines.push(`${key} = ${value}`);
  }
  lines.push('', endMarker(source));
  return lines.map((line) => line + lineBreak).join('');
}

/**
 * The profiles of an earlier block, as written there: kept when their account or role is no
 * longer listed (unless --prune). A block that no longer parses (hand-edited) yields what parses
 * up to the damage; the caller has parsed the whole file already, so this does not throw.
 */
export function profilesInBlock(blockText: string, path: string): GeneratedProfile[] {
  let sections;
  try {
    sections = parseIni(blockText, path).sections;
  } catch {
    return [];
  }
  const found: GeneratedProfile[] = [];
  for (const section of sections) {
    const match = /^profile\s+(\S+)$/.exec(section.header);
    if (!match) continue;
    found.push({ name: match[1]!, settings: [...section.settings].map(([key, setting]) => [key, setting.value]) });
  }
  return found;
}

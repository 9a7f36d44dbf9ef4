import { readFileSync } from 'node:fs';
import { type Env, configFilePath, credentialsFilePath } from '../environment/env.js';
import { ConfigError } from '../errors/errors.js';
import { parseIni } from './ini.js';
import type { IniFile, IniSection, LoadedConfig, Profile } from './types.js';

/** Reads both files once (synchronously: this runs on every invocation, before anything else). */
export function loadConfig(env: Env): LoadedConfig {
  return buildProfiles(
    readIni(configFilePath(env), 'config', 'AWS_CONFIG_FILE'),
    readIni(credentialsFilePath(env), 'credentials', 'AWS_SHARED_CREDENTIALS_FILE'),
  );
}

/**
 * Profiles as botocore's `Session.full_config` builds them (`configloader.build_profile_map`,
 * then the credentials file merged in):
 *
 * - config file: a header starting with `profile` is split like a shell (`shlex.split`) and is a
 *   profile when it gives exactly two words: `[profile "a b"]` is `a b`, `[profile  x]` is `x`,
 *   and (botocore only checks the prefix) `[profiles x]` is `x` too. `[default]` is `default`.
 *   Headers starting with `sso-session` and `services` are split the same way. Anything else is
 *   ignored. When two headers give the same name, the later one replaces the earlier one whole:
 *   so of `[default]` and `[profile default]`, the later in the file wins.
 * - credentials file: `[NAME]` is the profile NAME verbatim (`[profile x]` is `profile x`).
 * - a profile in both: the credentials file wins key by key (a nested setting as a whole).
 */
export function buildProfiles(config: IniFile, credentials: IniFile): LoadedConfig {
  const configProfiles = new Map<string, IniSection>();
  const ssoSessions = new Map<string, IniSection>();
  const services = new Map<string, IniSection>();
  for (const section of config.sections) {
    const { header } = section;
    const target = header.startsWith('profile') ? configProfiles
      : header.startsWith('sso-session') ? ssoSessions
      : header.startsWith('services') ? services
      : undefined;
    if (target) {
      const words = shellSplit(header);
      if (words?.length === 2) target.set(words[1]!, section);
    } else if (header === 'default') {
      configProfiles.set('default', section);
    }
  }

  // A profile found in one file shares that section's settings (no copy: this runs on every
  // invocation, over thousands of profiles); only a profile in both files gets a merged map.
  const profiles = new Map<string, Profile>();
  for (const [name, section] of configProfiles) {
    profiles.set(name, { name, settings: section.settings, fromConfig: section });
  }
  for (const section of credentials.sections) {
    const name = section.header;
    const profile = profiles.get(name);
    if (!profile) {
      profiles.set(name, { name, settings: section.settings, fromCredentials: section });
      continue;
    }
    const merged = new Map(profile.settings);
    for (const [key, setting] of section.settings) merged.set(key, setting);
    profile.settings = merged;
    profile.fromCredentials = section;
  }
  return { configFile: config.path, credentialsFile: credentials.path, profiles, services, ssoSessions };
}

// Python decodes the file as UTF-8 (strictly: a bad byte is a ConfigParseError) and keeps a BOM
// as a character; parseIni reports the BOM.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function readIni(path: string, which: string, variable: string): IniFile {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // botocore also treats a directory or an unreadable file as missing; we say what is wrong.
    if (code === 'ENOENT') return { path, sections: [] };
    const reason = code === 'EISDIR' ? 'it is a directory'
      : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
      : code === 'ENOTDIR' ? 'a parent of it is not a directory'
      : (error as Error).message;
    throw new ConfigError(`cannot read the ${which} file: ${reason} (${path})`,
      `Fix the file or its permissions, or point ${variable} at another file.`);
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new ConfigError(`the ${which} file is not valid UTF-8 (${path})`,
      'botocore cannot read it either: save it as UTF-8.');
  }
  return parseIni(text, path);
}

/**
 * Python's `shlex.split(s)` (POSIX mode, no comments), or undefined where it raises ValueError
 * (an unclosed quote, a trailing backslash). Words split at space, tab, CR and LF; quotes and
 * backslashes glue and escape; `''` is an empty word; in double quotes a backslash escapes only
 * `"` and `\`; in single quotes nothing is escaped.
 */
function shellSplit(s: string): string[] | undefined {
  if (!/["'\\]/.test(s)) return s.split(/[ \t\r\n]+/).filter((w) => w !== ''); // the usual case
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      continue;
    }
    inWord = true;
    if (ch === '\\') {
      if (++i === s.length) return undefined;
      word += s[i];
    } else if (ch === "'" || ch === '"') {
      for (i++; s[i] !== ch; i++) {
        if (i >= s.length) return undefined;
        if (ch === '"' && s[i] === '\\') {
          if (++i === s.length) return undefined;
          if (s[i] !== '"' && s[i] !== '\\') word += '\\';
        }
        word += s[i];
      }
    } else {
      word += ch;
    }
  }
  if (inWord) words.push(word);
  return words;
}

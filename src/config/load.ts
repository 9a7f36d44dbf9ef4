import { readFileSync } from 'node:fs';
import { type Env, configFilePath, credentialsFilePath } from '../environment/env.js';
import { ConfigError } from '../errors/errors.js';
import { parseIni } from './ini.js';
import type { IniFile, IniSection, LoadedConfig, Profile, Setting } from './types.js';

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
  const profiles = new Map<string, Profile>();
  const ssoSessions = new Map<string, IniSection>();
  const services = new Map<string, IniSection>();
  // Index loops, not for…of with destructuring: this runs over thousands of sections on every
  // run, and each iteration of those allocates (an iterator result, an entry array).
  const { sections } = config;
  for (let i = 0; i < sections.length; i++) {
    const section = sections[i]!;
    const { header } = section;
    if (header.startsWith('profile')) {
      const name = secondWord(header);
      // A later header of the same name replaces the profile (Map.set keeps its first place).
      if (name !== undefined) profiles.set(name, new LoadedProfile(name, section, undefined));
    } else if (header.startsWith('sso-session')) {
      const name = secondWord(header);
      if (name !== undefined) ssoSessions.set(name, section);
    } else if (header.startsWith('services')) {
      const name = secondWord(header);
      if (name !== undefined) services.set(name, section);
    } else if (header === 'default') {
      profiles.set('default', new LoadedProfile('default', section, undefined));
    }
  }
  const fromCredentials = credentials.sections;
  for (let i = 0; i < fromCredentials.length; i++) {
    const section = fromCredentials[i]!;
    const name = section.header;
    const profile = profiles.get(name);
    if (profile) profile.fromCredentials = section;
    else profiles.set(name, new LoadedProfile(name, undefined, section));
  }
  return { configFile: config.path, credentialsFile: credentials.path, profiles, services, ssoSessions };
}

/** The second word of a header split as shellSplit splits it, when it splits into exactly two. */
function secondWord(header: string): string | undefined {
  // The usual case, `profile NAME`, without shellSplit's arrays: this runs for every header.
  const space = header.indexOf(' ');
  if (space > 0 && space < header.length - 1 && header.indexOf(' ', space + 1) < 0 && !/[\t\r\n"'\\]/.test(header)) {
    return header.slice(space + 1);
  }
  const words = shellSplit(header);
  return words?.length === 2 ? words[1] : undefined;
}

/**
 * A profile whose settings are made when first asked for: a section's own map when only one file
 * has the profile (no copy), else the two merged. `use` of one profile among thousands then
 * builds the settings of its chain alone (config/ini.ts reads a section's lines on demand).
 */
class LoadedProfile implements Profile {
  #settings: Map<string, Setting> | undefined;

  constructor(
    readonly name: string,
    public fromConfig: IniSection | undefined,
    public fromCredentials: IniSection | undefined,
  ) {}

  get settings(): Map<string, Setting> {
    if (!this.#settings) {
      const { fromConfig, fromCredentials } = this;
      if (fromConfig && fromCredentials) {
        // The credentials file wins key by key (a nested setting as a whole).
        const merged = new Map(fromConfig.settings);
        for (const [key, setting] of fromCredentials.settings) merged.set(key, setting);
        this.#settings = merged;
      } else {
        this.#settings = (fromConfig ?? fromCredentials)!.settings;
      }
    }
    return this.#settings;
  }
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
  if (!/["'\\]/.test(s)) return s.split(/[ \t\r\n]+/).filter((w) => w !== ''); // no quotes
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

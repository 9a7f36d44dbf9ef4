import { readFileSync } from 'node:fs';
import { type Env, configFilePath, credentialsFilePath } from '../environment/env.js';
import { ConfigError } from '../errors/errors.js';
import { ParsedIni, parseIni } from './ini.js';
import type { IniFile, IniSection, LoadedConfig, Profile, ProfileMap, Setting } from './types.js';

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
  const configIndex = indexed(config);
  const ssoSessions = new Map<string, IniSection>();
  const services = new Map<string, IniSection>();
  // Profiles whose header is not `profile NAME` spelt plainly, by name: the rest are found by
  // their header (ConfigProfiles.get). Index loops: this runs over thousands of headers.
  const unusual = new Map<string, number>();
  for (let i = 0; i < configIndex.count; i++) {
    const header = configIndex.header(i);
    if (header.startsWith('profile')) {
      if (isPlainProfileHeader(header)) continue;
      const name = secondWord(header);
      if (name !== undefined) unusual.set(name, i); // a later header of the name replaces it
    } else if (header.startsWith('sso-session')) {
      const name = secondWord(header);
      if (name !== undefined) ssoSessions.set(name, configIndex.section(i));
    } else if (header.startsWith('services')) {
      const name = secondWord(header);
      if (name !== undefined) services.set(name, configIndex.section(i));
    }
  }
  const profiles = new ConfigProfiles(configIndex, indexed(credentials), unusual);
  return { configFile: config.path, credentialsFile: credentials.path, profiles, services, ssoSessions };
}

/** What buildProfiles needs of a file: its headers, and a section made only when asked for. */
interface IndexedFile {
  count: number;
  header(i: number): string;
  indexOf(header: string): number | undefined;
  section(i: number): IniSection;
}

/** parseIni's result as it is; any other IniFile (tests, `generate`'s pieces) indexed here. */
function indexed(file: IniFile): IndexedFile {
  if (file instanceof ParsedIni) return file;
  const { sections } = file;
  const byHeader = new Map(sections.map((section, i) => [section.header, i]));
  return {
    count: sections.length,
    header: (i) => sections[i]!.header,
    indexOf: (header) => byHeader.get(header),
    section: (i) => sections[i]!,
  };
}

const MANY_LOOKUPS = 64;

/**
 * The profiles of the two files by name, each made when first asked for: a `use` of one profile
 * among thousands makes the few of its chain. Whatever asks for all of them (`keys()`, `size`,
 * iterating…) gets what buildProfiles' rules give, in the order a Map filled by them would have
 * (a name where it first appears, in config order then credentials order).
 */
class ConfigProfiles extends Map<string, Profile> implements ProfileMap {
  /** Profiles made by get() before the map was filled (and names it found none for). */
  readonly #made = new Map<string, Profile | undefined>();
  #allNames: string[] | undefined;
  #complete = false;

  constructor(
    private readonly config: IndexedFile,
    private readonly credentials: IndexedFile,
    private readonly unusual: Map<string, number>,
  ) {
    super();
  }

  override get(name: string): Profile | undefined {
    // After many lookups (`list` asks for each profile by name), filling the map once costs less
    // than a second map of what was made.
    if (!this.#complete && this.#made.size >= MANY_LOOKUPS) this.#fill();
    if (this.#complete) return super.get(name);
    if (this.#made.has(name)) return this.#made.get(name);
    const profile = this.#find(name);
    this.#made.set(name, profile);
    return profile;
  }

  override has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  override get size(): number {
    this.#fill();
    return super.size;
  }

  override keys(): MapIterator<string> {
    // The names alone (TAB wants no more): no profile is made for them.
    // (An array's iterator: what callers do with keys(), iterate or spread, it does as well.)
    return this.#complete ? super.keys() : (this.#names().values() as unknown as MapIterator<string>);
  }

  override values(): MapIterator<Profile> {
    this.#fill();
    return super.values();
  }

  override entries(): MapIterator<[string, Profile]> {
    this.#fill();
    return super.entries();
  }

  override [Symbol.iterator](): MapIterator<[string, Profile]> {
    this.#fill();
    return super.entries();
  }

  override forEach(callback: (value: Profile, key: string, map: Map<string, Profile>) => void, thisArg?: unknown): void {
    this.#fill();
    super.forEach(callback, thisArg);
  }

  override set(name: string, profile: Profile): this {
    this.#fill();
    return super.set(name, profile);
  }

  override delete(name: string): boolean {
    this.#fill();
    return super.delete(name);
  }

  override clear(): void {
    this.#fill();
    super.clear();
  }

  /** The section of the config file that gives the profile (the last of the name), and the credentials file's. */
  #find(name: string): Profile | undefined {
    const { config, credentials } = this;
    let best = -1;
    const plainHeader = `profile ${name}`;
    if (isPlainProfileHeader(plainHeader)) best = config.indexOf(plainHeader) ?? -1;
    const unusual = this.unusual.get(name);
    if (unusual !== undefined && unusual > best) best = unusual;
    if (name === 'default') {
      const index = config.indexOf('default');
      if (index !== undefined && index > best) best = index;
    }
    const fromCredentials = credentials.indexOf(name);
    if (best < 0 && fromCredentials === undefined) return undefined;
    return new LoadedProfile(name,
      best < 0 ? undefined : config.section(best),
      fromCredentials === undefined ? undefined : credentials.section(fromCredentials));
  }

  /** The names starting with `prefix`, in the order keys() gives them, without the others' strings. */
  namesStartingWith(prefix: string): string[] {
    if (this.#complete || this.#allNames) return [...this.keys()].filter((name) => name.startsWith(prefix));
    return this.#names(prefix);
  }

  /**
   * Every name (starting with `prefix`), where it first appears (as Map.set keeps it): config
   * order, then credentials.
   */
  #names(prefix = ''): string[] {
    if (this.#allNames && prefix === '') return this.#allNames;
    const { config, credentials } = this;
    const names: string[] = [];
    // Headers spelt `profile NAME` plainly give names no other such header gives (a header
    // appears once in a file); only the few other headers can repeat a name: those are
    // remembered, not every name. `before` is where in the config file a name must have
    // appeared to be there already.
    const others = new Set<string>();
    const addOther = (name: string, before: number) => {
      if (!name.startsWith(prefix) || others.has(name)) return;
      others.add(name);
      const plainHeader = `profile ${name}`;
      const plain = isPlainProfileHeader(plainHeader) ? config.indexOf(plainHeader) : undefined;
      if (plain === undefined || plain > before) names.push(name);
    };
    for (let i = 0; i < config.count; i++) {
      const header = config.header(i);
      if (isPlainProfileHeader(header)) {
        if (!header.startsWith(prefix, 8)) continue;
        const name = header.slice(8);
        if (!others.has(name)) names.push(name);
      } else if (header === 'default') {
        addOther(header, i);
      } else if (header.startsWith('profile')) {
        const name = secondWord(header);
        if (name !== undefined) addOther(name, i);
      }
    }
    for (let i = 0; i < credentials.count; i++) addOther(credentials.header(i), config.count);
    if (prefix === '') this.#allNames = names;
    return names;
  }

  /** Fills this map with every profile, once; from then on it is a plain Map. */
  #fill(): void {
    if (this.#complete) return;
    const names = this.#names();
    for (let i = 0; i < names.length; i++) super.set(names[i]!, this.#made.get(names[i]!) ?? this.#find(names[i]!)!);
    this.#complete = true;
    this.#made.clear();
    this.#allNames = undefined;
  }
}

/** Characters that make shellSplit differ from splitting at one space (a regular expression literal
 * inside a function would be a new object for every header). */
const SHELL_SPECIAL = /[\t\r\n"'\\]/;

/** The second word of a header split as shellSplit splits it, when it splits into exactly two. */
function secondWord(header: string): string | undefined {
  const words = shellSplit(header);
  return words?.length === 2 ? words[1] : undefined;
}

/**
 * Whether the header is `profile NAME` spelt plainly (one space, nothing shlex would change), so
 * that NAME is all that follows `profile `.
 */
function isPlainProfileHeader(header: string): boolean {
  return header.startsWith('profile ') && header.length > 8 && header.indexOf(' ', 8) < 0 && !SHELL_SPECIAL.test(header);
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
    readonly fromConfig: IniSection | undefined,
    readonly fromCredentials: IniSection | undefined,
  ) {}

  get settings(): Map<string, Setting> {
    return (this.#settings ??= this.#merge((section) => section.settings));
  }

  readSettings(): Map<string, Setting> {
    return this.#settings ?? this.#merge((section) => section.readSettings?.() ?? section.settings);
  }

  #merge(settingsOf: (section: IniSection) => Map<string, Setting>): Map<string, Setting> {
    const fromConfig = this.fromConfig && settingsOf(this.fromConfig);
    const fromCredentials = this.fromCredentials && settingsOf(this.fromCredentials);
    if (!fromConfig || !fromCredentials) return (fromConfig ?? fromCredentials)!;
    // The credentials file wins key by key (a nested setting as a whole).
    const merged = new Map(fromConfig);
    for (const [key, setting] of fromCredentials) merged.set(key, setting);
    return merged;
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

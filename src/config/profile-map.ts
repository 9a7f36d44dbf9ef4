import { isPlainProfileHeader, secondWord } from './header-names.js';
import { ParsedIni } from './ini.js';
import type { IniFile, IniSection, Profile, ProfileMap, Setting } from './types.js';

/** What buildProfiles needs of a file: its headers, and a section made only when asked for. */
export interface IndexedFile {
  count: number;
  header(i: number): string;
  indexOf(header: string): number | undefined;
  section(i: number): IniSection;
}

/** parseIni's result as it is; any other IniFile (tests, `generate`'s pieces) indexed here. */
export function indexed(file: IniFile): IndexedFile {
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
export class ConfigProfiles extends Map<string, Profile> implements ProfileMap {
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

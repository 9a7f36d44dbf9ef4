/** Where a value was read: the file's path as given and the 1-based line number. */
export interface Origin {
  file: string;
  line: number;
}

/**
 * One `key = value` line. Keys are lowercased (botocore's configparser does that). A key whose
 * value is empty and followed by indented `k = v` lines is a nested sub-section (`s3 =` in a
 * profile, `sts =` in a `[services x]` section): `nested` then holds those lines and `value` is ''.
 */
export interface Setting {
  value: string;
  origin: Origin;
  nested?: Map<string, Setting>;
}

/** A `[header]` of one file with its settings, in file order. */
export interface IniSection {
  /**
   * The header text between the brackets as configparser takes it, e.g. `profile dev` or
   * `default`: the line is trimmed, the text inside the brackets is not (`[ a ]` is ` a `).
   */
  header: string;
  origin: Origin;
  settings: Map<string, Setting>;
  /** `settings`, not kept if made now (see Profile.readSettings). */
  readSettings?(): Map<string, Setting>;
}

/** One parsed file. A missing file parses to no sections. */
export interface IniFile {
  path: string;
  sections: IniSection[];
}

/**
 * A profile as botocore sees it: config-file section merged with the credentials-file section of
 * the same name, the credentials file winning key by key. `files` keeps each file's own settings,
 * because static keys are never mixed across files (botocore's partial-credentials rule).
 */
export interface Profile {
  name: string;
  /** Read-only: when only one file has the profile, this is that section's own map. */
  settings: Map<string, Setting>;
  /**
   * The same settings, made afresh and not kept if `settings` was not asked for yet: for one
   * pass over thousands of profiles (`list`), whose settings, all kept, made most of what the
   * garbage collector copied.
   */
  readSettings?(): Map<string, Setting>;
  fromConfig?: IniSection;
  fromCredentials?: IniSection;
}

/** The profiles by name. */
export interface ProfileMap extends Map<string, Profile> {
  /** The names starting with `prefix`, in keys() order (TAB asks no more, of thousands). */
  namesStartingWith(prefix: string): string[];
}

/** Everything read from the two files, once. */
export interface LoadedConfig {
  configFile: string;
  credentialsFile: string;
  profiles: ProfileMap;
  /** `[services NAME]` sections of the config file, by NAME. */
  services: Map<string, IniSection>;
  /** `[sso-session NAME]` sections of the config file, by NAME. */
  ssoSessions: Map<string, IniSection>;
}

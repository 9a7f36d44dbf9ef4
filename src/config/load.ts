import { readFileSync } from 'node:fs';
import { type Env, configFilePath, credentialsFilePath } from '../environment/env.js';
import { ConfigError } from '../errors/errors.js';
import { isPlainProfileHeader, secondWord } from './header-names.js';
import { parseIni } from './ini.js';
import { ConfigProfiles, indexed } from './profile-map.js';
import type { IniFile, IniSection, LoadedConfig } from './types.js';

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

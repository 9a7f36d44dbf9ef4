/** The `export --format` names and the dispatch from a name to its formatter. */
import type { Session } from '../run/credentials.js';
import { ENV_DIALECTS, envScript } from './env-formats.js';
import { credentialsIni } from './ini.js';
import { processJson, sessionJson } from './json-formats.js';
import { sessionVariables } from './variables.js';

export type FormatName =
  | 'env'
  | 'env-no-export'
  | 'fish'
  | 'powershell'
  | 'windows-cmd'
  | 'dotenv'
  | 'docker'
  | 'process'
  | 'json'
  | 'ini';

/** The canonical names, in the order help lists them. */
export const FORMAT_NAMES: readonly FormatName[] = [
  'env',
  'env-no-export',
  'fish',
  'powershell',
  'windows-cmd',
  'dotenv',
  'docker',
  'process',
  'json',
  'ini',
];

/** Other names accepted for a format (`credential-process` is the command's name for `process`). */
export const FORMAT_ALIASES: Readonly<Record<string, FormatName>> = { 'credential-process': 'process' };

/** The format a name or alias stands for; undefined when it is neither. Names are exact (lower case). */
export function parseFormatName(name: string): FormatName | undefined {
  if ((FORMAT_NAMES as readonly string[]).includes(name)) return name as FormatName;
  return Object.hasOwn(FORMAT_ALIASES, name) ? FORMAT_ALIASES[name] : undefined;
}

/** The session as text in the format; throws an AwsroleError when a value cannot be written in it. */
export function formatSession(format: FormatName, session: Session, options: { section?: string } = {}): string {
  switch (format) {
    case 'process':
      return processJson(session);
    case 'json':
      return sessionJson(session);
    case 'ini':
      return credentialsIni(session, options.section);
    default:
      return envScript(ENV_DIALECTS[format], sessionVariables(session));
  }
}

/**
 * `ini`: one section of a shared credentials file (`~/.aws/credentials`), read the same way by
 * botocore (Python's configparser) and the JS SDK. What either would read differently is refused.
 */
import type { Session } from '../run/credentials.js';
import { assertWritable, unrepresentable } from './unrepresentable.js';

const HINT = 'use --format json or --format process instead';

/** How the JS SDK recognises `[type name]` sections (a word, one space, a name, maybe quoted). */
const TWO_WORDS = /^[\w-]+\s(["']?)[\w\-@+.%:/]+\1$/;

/**
 * Why a section name cannot be written, or undefined when it can. The reasons, by reader:
 * - both: a line break ends the header; leading or trailing whitespace is stripped; `[` or `]`
 *   inside the name is refused: configparser and the JS SDK happen to read `[a]b]` as `a]b`, but
 *   INI readers that stop at the first `]` (and people) read `a`;
 * - configparser: `[DEFAULT]` is its defaults section, whose keys apply to every profile and
 *   which is not itself a profile;
 * - JS SDK: `#` or `;` after whitespace starts a comment; `__proto__` is refused;
 *   a name of two words (`[a b]`, `[profile x]`) is taken for a typed section: `[profile x]`
 *   becomes the profile `x` (botocore: `profile x`) and any other pair is dropped.
 */
export function sectionNameProblem(name: string): string | undefined {
  if (name === '') return 'the profile name is empty';
  if (/[\r\n]/.test(name)) return 'the profile name contains a line break';
  if (/[[\]]/.test(name)) return 'the profile name contains [ or ]';
  if (/^\s|\s$/.test(name)) return 'the profile name starts or ends with whitespace';
  if (name === 'DEFAULT') return 'configparser reads [DEFAULT] as defaults for every section, not as a profile';
  if (/\s[#;]/.test(name)) return 'the profile name contains # or ; after a space, which the JS SDK reads as a comment';
  if (name === '__proto__') return 'the JS SDK refuses the profile name __proto__';
  if (TWO_WORDS.test(name)) {
    return 'the JS SDK reads a two-word section name as a typed section like [profile x] and does not find the profile';
  }
  return undefined;
}

/**
 * Why a value cannot be written, or undefined when it can: both readers strip surrounding
 * whitespace and end the value at a line break; an empty value starts a nested sub-section; the
 * JS SDK cuts the line at `#` or `;` that follows whitespace (including the one after `=`).
 */
function valueProblem(value: string): string | undefined {
  if (value === '') return 'the value is empty';
  if (/[\r\n]/.test(value)) return 'the value contains a line break';
  if (/^\s|\s$/.test(value)) return 'the value starts or ends with whitespace';
  if (/^[#;]|\s[#;]/.test(value)) return 'the value contains # or ; at its start or after a space, which the JS SDK reads as a comment';
  return undefined;
}

/** The section is named after the profile, or `section` (`export --section`, checked by the caller). */
export function credentialsIni(session: Session, section = session.profile): string {
  const { credentials } = session;
  assertWritable(section, 'the profile name', 'ini', HINT);
  const nameProblem = sectionNameProblem(section);
  if (nameProblem) throw unrepresentable(`the profile name ${JSON.stringify(section)}`, 'ini', nameProblem, `${HINT}, or name the section: --section NAME`);

  const entries: Array<readonly [string, string]> = [
    ['aws_access_key_id', credentials.accessKeyId],
    ['aws_secret_access_key', credentials.secretAccessKey],
  ];
  if (credentials.sessionToken) entries.push(['aws_session_token', credentials.sessionToken]);

  const lines = [`[${section}]`];
  for (const [key, value] of entries) {
    assertWritable(value, key, 'ini', HINT);
    const problem = valueProblem(value);
    if (problem) throw unrepresentable(key, 'ini', problem, HINT);
    lines.push(`${key} = ${value}`);
  }
  return lines.map((line) => `${line}\n`).join('');
}

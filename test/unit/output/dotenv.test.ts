/**
 * dotenv read-back. The npm `dotenv` package is not a dependency of this project and is not added
 * for a test, so the reader is python-dotenv (`dotenv_values`, interpolation on, as by default)
 * when python3 can import it; otherwise a small reference parser written here from the rule
 * documented at quoteDotenv (`K='v'`, v taken literally). Which one ran is in the test name.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Session } from '../../../src/run/credentials.js';
import { AwsroleError } from '../../../src/errors/errors.js';
import { formatSession } from '../../../src/output/formats.js';
import { pythonHas, roleSession, run, tempDir } from './helpers.js';

const dir = tempDir('dotenv');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const havePythonDotenv = pythonHas('dotenv');
const reader = havePythonDotenv ? 'python-dotenv' : 'the reference parser (python-dotenv not installed)';

/**
 * The documented rule, read back: one `NAME='value'` per line, nothing inside the quotes special,
 * or `NAME=value` bare when the value is made of letters, digits and `_ . / + = : @ , -` only.
 */
function referenceParse(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(?:'([^'\r\n]*)'|([\w./+=:@,-]*))$/.exec(line);
    if (!match) throw new Error(`unreadable line: ${line}`);
    values[match[1]!] = match[2] ?? match[3]!;
  }
  return values;
}

function readBack(text: string, { allowWarnings = false } = {}): Record<string, string> {
  if (!havePythonDotenv) return referenceParse(text);
  const path = join(dir, `${Math.random().toString(36).slice(2)}.env`);
  writeFileSync(path, text);
  const script = 'import json, sys\nfrom dotenv import dotenv_values\nprint(json.dumps(dotenv_values(sys.argv[1])))';
  const result = run('python3', ['-c', script, path], {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: dir,
    LANG: 'C.UTF-8',
    PYTHONIOENCODING: 'utf-8',
  });
  if (!allowWarnings) expect(result.stderr).toBe('');
  return JSON.parse(result.stdout) as Record<string, string>;
}

/** Awkward values the documented rule allows. */
const ALLOWED: Array<[label: string, value: string]> = [
  ['an ordinary secret', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY+=='],
  ['double quotes', 'say "hi"'],
  ['hash, as a comment would start', 'a #b'],
  ['spaces around', '  padded  '],
  ['a lone backslash and a \\n sequence', 'a\\b\\nc'],
  ['equals signs', 'a=b=='],
  ['backticks', '`x`'],
  ['unicode', 'héllo 中文 🙂'],
  ['a leading dash', '-e'],
  ['export-like text', 'export X=1'],
  ['a tab', 'a\tb'],
  ['empty', ''],
  ['base64 that needs no quotes', 'a+b/c=='],
  ['a timestamp', '2026-11-28T10:00:00Z'],
  ['a profile name with @ and a comma', 'me@corp,dev.admin'],
];

function sessionWith(value: string): Session {
  return {
    profile: value,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIA', secretAccessKey: value, sessionToken: value, expiration: new Date('2030-01-01T00:00:00Z') },
  };
}

describe(`dotenv read back by ${reader}`, () => {
  it('reads an assumed role back', () => {
    expect(readBack(formatSession('dotenv', roleSession))).toEqual({
      AWS_ACCESS_KEY_ID: 'ASIAEXAMPLEKEY123456',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      AWS_SESSION_TOKEN: 'FwoGZXIvYXdzEJr//////////wEaDH+tok=',
      AWS_CREDENTIAL_EXPIRATION: '2026-11-28T10:00:00Z',
      AWS_SESSION_EXPIRATION: '2026-11-28T10:00:00Z',
      AWS_REGION: 'eu-west-1',
      AWS_DEFAULT_REGION: 'eu-west-1',
      AWSROLE_PROFILE: 'prod-admin',
    });
  });

  it.each(ALLOWED)('round-trips %s', (_, value) => {
    const values = readBack(formatSession('dotenv', sessionWith(value)));
    expect(values.AWS_SECRET_ACCESS_KEY).toBe(value);
    expect(values.AWSROLE_PROFILE).toBe(value);
    expect(values.AWS_REGION).toBe('eu-west-1');
  });
});

describe('dotenv refuses what the parsers would read differently', () => {
  it.each([
    ['a single quote', `it's`],
    ['${NAME}, which python-dotenv expands', '${HOME}'],
    ['$NAME, which dotenv-expand expands', '$HOME'],
    ['a newline', 'a\nb'],
    ['a carriage return', 'a\rb'],
    ['a double backslash, which python-dotenv halves', 'a\\\\b'],
    ['a final backslash, which escapes the quote for python-dotenv', 'ab\\'],
  ])('%s', (_, value) => {
    expect(() => formatSession('dotenv', sessionWith(value))).toThrow(AwsroleError);
    expect(() => formatSession('dotenv', sessionWith(value))).toThrow(/AWS_SECRET_ACCESS_KEY/);
  });

  it.runIf(havePythonDotenv)('python-dotenv really misreads them (so the refusals are needed)', () => {
    const misread = (value: string) => readBack(`K='${value}'\nNEXT='x'\n`, { allowWarnings: true }).K;
    expect(misread('${HOME}')).not.toBe('${HOME}');
    expect(misread('a\\\\b')).toBe('a\\b');
    expect(misread('ab\\')).not.toBe('ab\\');
  });
});

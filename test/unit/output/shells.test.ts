/**
 * The use/unset scripts evaluated by real shells: bash, zsh -f, /bin/sh (dash) and
 * fish --no-config, each spawned directly (no shell in between) with the script on stdin,
 * followed by `env -0`, which prints the exported environment NUL-separated. Present with an
 * empty value and absent are told apart there; a canary file shows whether anything ran.
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { Session } from '../../../src/run/credentials.js';
import { formatSession } from '../../../src/output/formats.js';
import { unsetScript, useScript, type ShellName } from '../../../src/output/use-script.js';
import { run, tempDir } from './helpers.js';

interface Shell {
  label: string;
  shell: ShellName;
  command: string;
  args: string[];
}

const SHELLS: Shell[] = [
  { label: 'bash', shell: 'bash', command: '/usr/bin/bash', args: ['--norc', '--noprofile', '-s'] },
  { label: 'zsh -f', shell: 'zsh', command: '/usr/bin/zsh', args: ['-f', '-s'] },
  { label: '/bin/sh (dash)', shell: 'sh', command: '/bin/sh', args: ['-s'] },
  { label: 'fish --no-config', shell: 'fish', command: '/usr/bin/fish', args: ['--no-config'] },
];

const home = tempDir('shell-home');
const canaryDir = tempDir('canary');
const canary = join(canaryDir, 'pwned');
beforeEach(() => rmSync(canary, { force: true })); // each test answers for its own side effects
afterAll(() => {
  rmSync(home, { recursive: true, force: true });
  rmSync(canaryDir, { recursive: true, force: true });
});

/** What an earlier `use` or the user left behind. */
const BEFORE: Record<string, string> = {
  AWS_PROFILE: 'old-profile',
  AWS_DEFAULT_PROFILE: 'old-profile',
  AWS_SECURITY_TOKEN: 'old-token',
  AWS_SESSION_TOKEN: 'old-token',
  AWS_CREDENTIAL_EXPIRATION: '2000-01-01T00:00:00Z',
  AWS_SESSION_EXPIRATION: '2000-01-01T00:00:00Z',
  AWS_REGION: 'users-own-region',
  AWS_DEFAULT_REGION: 'users-own-region',
};

function baseEnv(): Record<string, string> {
  return {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local/share'),
    LANG: 'C.UTF-8',
    ...BEFORE,
  };
}

/** Runs `script` then `env -0` in the shell; returns the exported variables (AWS ones only). */
function evaluate(shell: Shell, script: string, env = baseEnv()): Record<string, string> {
  const result = run(shell.command, shell.args, env, `${script}env -0\n`);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  const variables: Record<string, string> = {};
  for (const entry of result.stdout.split('\0').slice(0, -1)) {
    const equals = entry.indexOf('=');
    const name = entry.slice(0, equals);
    if (name.startsWith('AWS')) variables[name] = entry.slice(equals + 1);
  }
  return variables;
}

const LONG = `${"'\\\"$(x)`\n%!é ".repeat(2_500)}end`; // ~40 000 characters

/** Values that would break or exploit naive quoting, in any of the four shells. */
const NASTY: Array<[label: string, value: string]> = [
  ['single quote', `it's`],
  ['double quotes', 'say "hi"'],
  ['spaces, leading and trailing', '  two  spaces  '],
  ['$HOME', '$HOME ${HOME} $'],
  ['command substitution', `$(touch ${canary})`],
  ['backticks', `\`touch ${canary}\``],
  ['fish command substitution', `(touch ${canary})`],
  ['backslashes', 'a\\b\\\\c\\'],
  ['backslash-quote', `\\'`],
  ['quote-escape-quote', `'\\''`],
  ['breaking out of single quotes', `'; touch ${canary}; echo '`],
  ['breaking out of fish quotes', `\\'; touch ${canary}; echo \\'`],
  ['newlines', 'line one\nline two\n'],
  ['newline then command', `x\ntouch ${canary}\n`],
  ['percent', '%PATH% 100%'],
  ['exclamation marks', '!! !$ !-1 hi!'],
  ['operators', 'a;b&c|d>e<f&&g||h'],
  ['globs and tilde', '* ? [a-z] ~root ~'],
  ['unicode', 'héllo 中文 🙂 \u2018\u2019\u201A\u201B \u00A0'],
  ['fish private-use code points', '\uF600\uF6FF\uFDD0'],
  ['tab and carriage return', 'a\tb\rc'],
  ['leading dash', '-e'],
  ['double dash', '--'],
  ['dash option lookalike', '-gx'],
  ['very long', LONG],
];

/** A session carrying `value` in the secret, the token, the region and the profile name. */
function nastySession(value: string): Session {
  return {
    profile: value,
    region: value,
    credentials: {
      accessKeyId: 'ASIANASTY',
      secretAccessKey: value,
      sessionToken: value,
      expiration: new Date('2031-05-06T07:08:09Z'),
    },
  };
}

describe.each(SHELLS)('use script in $label', (shell) => {
  it.each(NASTY)('round-trips %s exactly, with no side effect', (_, value) => {
    const variables = evaluate(shell, useScript(shell.shell, nastySession(value)));
    expect(variables).toEqual({
      AWS_ACCESS_KEY_ID: 'ASIANASTY',
      AWS_SECRET_ACCESS_KEY: value,
      AWS_SESSION_TOKEN: value,
      AWS_CREDENTIAL_EXPIRATION: '2031-05-06T07:08:09Z',
      AWS_SESSION_EXPIRATION: '2031-05-06T07:08:09Z',
      AWS_REGION: value,
      AWS_DEFAULT_REGION: value,
      AWSROLE_PROFILE: value,
    });
    expect(existsSync(canary)).toBe(false);
  });

  it('an empty secret is set to empty, not unset', () => {
    const session: Session = { profile: 'p', credentials: { accessKeyId: 'AKIA', secretAccessKey: '' } };
    const variables = evaluate(shell, useScript(shell.shell, session));
    expect(Object.hasOwn(variables, 'AWS_SECRET_ACCESS_KEY')).toBe(true);
    expect(variables.AWS_SECRET_ACCESS_KEY).toBe('');
  });

  it('static keys: clears the profile, the legacy token, the old token and expirations; keeps the own region', () => {
    const session: Session = { profile: 'dev', credentials: { accessKeyId: 'AKIADEV', secretAccessKey: 'sec' } };
    expect(evaluate(shell, useScript(shell.shell, session))).toEqual({
      AWS_ACCESS_KEY_ID: 'AKIADEV',
      AWS_SECRET_ACCESS_KEY: 'sec',
      AWS_REGION: 'users-own-region',
      AWS_DEFAULT_REGION: 'users-own-region',
      AWSROLE_PROFILE: 'dev',
    });
  });

  it.each(NASTY)("a session without a region of its own sets the user's region variables back exactly and remembers them: %s", (_, value) => {
    // An earlier use set both variables to its profile's region; the user had only one, and `value` in it.
    const env = { ...baseEnv(), AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-1' };
    const session: Session = {
      profile: 'dev',
      credentials: { accessKeyId: 'AKIADEV', secretAccessKey: 'sec' },
      region: value,
      userRegion: { variables: { AWS_DEFAULT_REGION: value }, handedOn: true },
    };
    const variables = evaluate(shell, useScript(shell.shell, session), env);
    expect(variables).toEqual({
      AWS_ACCESS_KEY_ID: 'AKIADEV',
      AWS_SECRET_ACCESS_KEY: 'sec',
      AWS_DEFAULT_REGION: value,
      AWSROLE_PROFILE: 'dev',
      AWSROLE_USER_REGION: JSON.stringify({ AWS_DEFAULT_REGION: value }),
    });
    expect(existsSync(canary)).toBe(false);
  });

  it('unset clears every variable use set, and leaves the others', () => {
    const env = { ...baseEnv(), AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y', AWSROLE_PROFILE: 'z' };
    expect(evaluate(shell, unsetScript(shell.shell), env)).toEqual({
      AWS_PROFILE: 'old-profile',
      AWS_DEFAULT_PROFILE: 'old-profile',
      AWS_SECURITY_TOKEN: 'old-token',
      AWS_REGION: 'users-own-region',
      AWS_DEFAULT_REGION: 'users-own-region',
    });
  });

  it.each(NASTY)('unset sets the remembered region variables back exactly: %s', (_, value) => {
    const env = { ...baseEnv(), AWS_ACCESS_KEY_ID: 'x', AWSROLE_PROFILE: 'z', AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-1' };
    expect(evaluate(shell, unsetScript(shell.shell, { AWS_DEFAULT_REGION: value }), env)).toEqual({
      AWS_PROFILE: 'old-profile',
      AWS_DEFAULT_PROFILE: 'old-profile',
      AWS_SECURITY_TOKEN: 'old-token',
      AWS_DEFAULT_REGION: value,
    });
    expect(existsSync(canary)).toBe(false);
  });
});

/** POSIX shell code that prints NAME=value\0 for each named shell variable that is set. */
function posixPrinter(names: readonly string[]): string {
  return names.map((name) => `if [ "\${${name}+set}" = set ]; then printf '%s=%s\\0' ${name} "$${name}"; fi\n`).join('');
}

describe.each(SHELLS.filter((shell) => shell.shell !== 'fish'))('env-no-export in $label', (shell) => {
  it.each(NASTY)('assigns %s exactly, as shell variables', (_, value) => {
    const names = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_REGION', 'AWSROLE_PROFILE'];
    const script = formatSession('env-no-export', nastySession(value)) + posixPrinter(names);
    const result = run(shell.command, shell.args, baseEnv(), script);
    expect(result.stderr).toBe('');
    expect(result.stdout.split('\0').slice(0, -1)).toEqual([
      'AWS_ACCESS_KEY_ID=ASIANASTY',
      `AWS_SECRET_ACCESS_KEY=${value}`,
      `AWS_SESSION_TOKEN=${value}`,
      `AWS_REGION=${value}`,
      `AWSROLE_PROFILE=${value}`,
    ]);
    expect(existsSync(canary)).toBe(false);
  });
});

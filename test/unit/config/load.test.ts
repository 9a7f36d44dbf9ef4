import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runBuiltAsNobody } from '../../support/as-nobody.js';
import { parseIni } from '../../../src/config/ini.js';
import { buildProfiles, loadConfig } from '../../../src/config/load.js';
import type { IniSection, LoadedConfig, Setting } from '../../../src/config/types.js';
import { configFilePath, credentialsFilePath } from '../../../src/environment/env.js';
import { ConfigError } from '../../../src/errors/errors.js';

type Plain = Record<string, Record<string, string | Record<string, string>>>;

function plain(settings: Map<string, Setting>): Plain[string] {
  return Object.fromEntries([...settings].map(([k, s]) => [k, s.nested ? Object.fromEntries([...s.nested].map(([n, v]) => [n, v.value])) : s.value]));
}

const profilesOf = (loaded: LoadedConfig): Plain =>
  Object.fromEntries([...loaded.profiles].map(([name, p]) => [name, plain(p.settings)]));
const sectionsOf = (map: Map<string, IniSection>): Plain =>
  Object.fromEntries([...map].map(([name, s]) => [name, plain(s.settings)]));

const build = (config: string, credentials = '') =>
  buildProfiles(parseIni(config, '/c/config'), parseIni(credentials, '/c/credentials'));

describe(buildProfiles.name, () => {
  it('readSettings gives what settings gives, without keeping it until settings is asked for', () => {
    const { profiles } = build('[profile both]\nregion = a\nk = 1\n[profile one]\nregion = b\n', '[both]\nk = 2\n');
    for (const name of ['both', 'one']) {
      const profile = profiles.get(name)!;
      const fresh = profile.readSettings!();
      expect(profile.readSettings!(), name).not.toBe(fresh); // made again: nothing kept
      expect(plain(fresh), name).toEqual(plain(profile.settings));
      expect(profile.readSettings!(), name).toBe(profile.settings); // once kept, that one
    }
    expect(plain(profiles.get('both')!.settings)).toEqual({ region: 'a', k: '2' });
  });

  it.each<[string, string, string, Plain]>([
    ['[profile NAME]', '[profile dev]\nk = 1', '', { dev: { k: '1' } }],
    ['[default]', '[default]\nk = 1', '', { default: { k: '1' } }],
    ['quoted name', '[profile "a b"]\n[profile \'c d\']', '', { 'a b': {}, 'c d': {} }],
    ['extra spaces and tabs after profile', '[profile  x]\n[profile\ty]\n[profile z ]', '', { x: {}, y: {}, z: {} }],
    ['shell escapes', '[profile a\\ b]\n[profile "c\\"d"]\n[profile "e\\f"]\n[profile g"h i"]', '', { 'a b': {}, 'c"d': {}, 'e\\f': {}, 'gh i': {} }],
    ['empty quoted name', '[profile ""]', '', { '': {} }],
    ['three words: not a profile', '[profile a b]', '', {}],
    ['unclosed quote: not a profile', '[profile "a]\n[profile \'b]', '', {}],
    ['trailing backslash: not a profile', '[profile a\\]', '', {}],
    ['bare [profile]: not a profile', '[profile]', '', {}],
    ['only the prefix is checked', '[profilex a]\n[profiles b]', '', { a: {}, b: {} }],
    ['leading space: not a profile', '[ profile a]\n[ default]', '', {}],
    ['other sections are not profiles', '[foo]\n[Default]\n[Profile a]\n[sso-session s]\n[services v]', '', {}],
    ['[default] then [profile default]: later wins', '[default]\nk = 1\n[profile default]\nj = 2', '', { default: { j: '2' } }],
    ['[profile default] then [default]: later wins', '[profile default]\nj = 2\n[default]\nk = 1', '', { default: { k: '1' } }],
    ['same name twice: later wins whole', '[profile a]\nk = 1\n[profile "a"]\nj = 2', '', { a: { j: '2' } }],
    ['credentials [NAME] verbatim', '', '[dev]\n[profile foo]\n[ a ]\n[a b]', { dev: {}, 'profile foo': {}, ' a ': {}, 'a b': {} }],
    ['credentials [default]', '', '[default]\nk = 1', { default: { k: '1' } }],
    ['merged, credentials win per key', '[profile a]\nregion = x\nk = config', '[a]\nk = creds\nj = 1', { a: { region: 'x', k: 'creds', j: '1' } }],
    ['nested replaced whole', '[profile a]\ns3 =\n  x = 1', '[a]\ns3 =\n  y = 2', { a: { s3: { y: '2' } } }],
    ['[default] merged with credentials [default]', '[default]\nregion = x', '[default]\nk = 1', { default: { region: 'x', k: '1' } }],
    ['[DEFAULT] of each file', '[DEFAULT]\nregion = x\n[profile a]', '[DEFAULT]\nk = 1\n[b]', { a: { region: 'x' }, b: { k: '1' } }],
  ])('%s', (_name, config, credentials, expected) => {
    expect(profilesOf(build(config, credentials))).toEqual(expected);
  });

  it('keeps each file\'s own section and the origin of every merged value', () => {
    const loaded = build('[profile a]\nregion = x\nk = 1', '[a]\nk = 2');
    const a = loaded.profiles.get('a')!;
    expect(a.fromConfig?.header).toBe('profile a');
    expect(a.fromCredentials?.header).toBe('a');
    expect(a.settings.get('region')?.origin).toEqual({ file: '/c/config', line: 2 });
    expect(a.settings.get('k')?.origin).toEqual({ file: '/c/credentials', line: 2 });
    expect(a.fromConfig?.settings.get('k')?.value).toBe('1');
    expect(build('', '[b]').profiles.get('b')?.fromConfig).toBeUndefined();
    expect(build('[profile c]').profiles.get('c')?.fromCredentials).toBeUndefined();
  });

  it('keeps the file paths', () => {
    expect(build('')).toMatchObject({ configFile: '/c/config', credentialsFile: '/c/credentials' });
  });

  it('reads [sso-session NAME] and [services NAME] from the config file, split like profiles', () => {
    const loaded = build('[sso-session corp]\nsso_start_url = https://x\n[sso-session "a b"]\n[services  local]\nsts =\n  endpoint_url = http://127.0.0.1:5000\n[sso-session]\n[services a b]\n[sso-sessions s]',
      '[sso-session corp]\nk = 1');
    expect(sectionsOf(loaded.ssoSessions)).toEqual({ corp: { sso_start_url: 'https://x' }, 'a b': {}, s: {} });
    expect(sectionsOf(loaded.services)).toEqual({ local: { sts: { endpoint_url: 'http://127.0.0.1:5000' } } });
    // In the credentials file it is just a profile with that name.
    expect(profilesOf(loaded)).toEqual({ 'sso-session corp': { k: '1' } });
  });
});

describe(loadConfig.name, () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'awsrole-load-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const envFor = (extra: Record<string, string> = {}) => ({
    HOME: dir,
    AWS_CONFIG_FILE: join(dir, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
    ...extra,
  });
  const refusal = (env: Record<string, string>): ConfigError => {
    try {
      loadConfig(env);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).exitCode).toBe(3);
      return error as ConfigError;
    }
    throw new Error('loadConfig did not refuse');
  };

  it('reads both files named by the environment', () => {
    writeFileSync(join(dir, 'config'), '[profile a]\nregion = x\n');
    writeFileSync(join(dir, 'credentials'), '[a]\nk = 1\n');
    const loaded = loadConfig(envFor());
    expect(profilesOf(loaded)).toEqual({ a: { region: 'x', k: '1' } });
    expect(loaded.configFile).toBe(join(dir, 'config'));
    expect(loaded.profiles.get('a')?.settings.get('k')?.origin).toEqual({ file: join(dir, 'credentials'), line: 2 });
  });

  it('defaults to ~/.aws/config and ~/.aws/credentials under HOME', () => {
    mkdirSync(join(dir, '.aws'));
    writeFileSync(join(dir, '.aws', 'config'), '[default]\nregion = x\n');
    writeFileSync(join(dir, '.aws', 'credentials'), '[default]\nk = 1\n');
    const loaded = loadConfig({ HOME: dir });
    expect(profilesOf(loaded)).toEqual({ default: { region: 'x', k: '1' } });
    expect(loaded.credentialsFile).toBe(join(dir, '.aws', 'credentials'));
  });

  it('expands ~ in AWS_CONFIG_FILE', () => {
    writeFileSync(join(dir, 'cfg'), '[profile a]\n');
    expect([...loadConfig(envFor({ AWS_CONFIG_FILE: '~/cfg' })).profiles.keys()]).toEqual(['a']);
  });

  it('treats missing files as empty', () => {
    const loaded = loadConfig(envFor());
    expect(loaded.profiles.size).toBe(0);
    expect(loaded.services.size + loaded.ssoSessions.size).toBe(0);
    expect(loadConfig({ HOME: join(dir, 'nowhere') }).profiles.size).toBe(0);
  });

  it('refuses a directory, naming it', () => {
    mkdirSync(join(dir, 'config'));
    const error = refusal(envFor());
    expect(error.message).toBe(`cannot read the config file: it is a directory (${join(dir, 'config')})`);
    expect(error.hint).toContain('AWS_CONFIG_FILE');
  });

  it('refuses a credentials path whose parent is a file', () => {
    writeFileSync(join(dir, 'file'), '');
    const error = refusal(envFor({ AWS_SHARED_CREDENTIALS_FILE: join(dir, 'file', 'credentials') }));
    expect(error.message).toContain('cannot read the credentials file');
    expect(error.hint).toContain('AWS_SHARED_CREDENTIALS_FILE');
  });

  it('refuses a file it may not read', () => {
    writeFileSync(join(dir, 'credentials'), '[a]\n');
    chmodSync(join(dir, 'credentials'), 0o000);
    const expected = `cannot read the credentials file: permission denied (${join(dir, 'credentials')})`;
    if (process.getuid?.() !== 0) {
      expect(refusal(envFor()).message).toBe(expected);
      return;
    }
    // root reads any file, so the reader runs as `nobody` (test/support/as-nobody.ts).
    chmodSync(dir, 0o755);
    const script = (loader: string) => `import(${JSON.stringify(loader)}).then((m) => { try { m.loadConfig(JSON.parse(process.argv[1])); } catch (e) { process.stdout.write(e.message); } })`;
    const child = runBuiltAsNobody('config/load.js', script, [JSON.stringify(envFor())]);
    expect(child.stderr).toBe('');
    expect(child.stdout).toBe(expected);
  });

  it('refuses a file that is not UTF-8', () => {
    writeFileSync(join(dir, 'config'), Buffer.from([0x5b, 0x61, 0x5d, 0x0a, 0x6b, 0x3d, 0xff, 0x0a]));
    expect(refusal(envFor()).message).toBe(`the config file is not valid UTF-8 (${join(dir, 'config')})`);
  });

  it('refuses a file with a byte-order mark, at line 1 of that file', () => {
    writeFileSync(join(dir, 'credentials'), '\ufeff[a]\nk = 1\n');
    expect(refusal(envFor()).message).toContain(`(${join(dir, 'credentials')}:1)`);
  });

  it('names the file and line of a parse error', () => {
    writeFileSync(join(dir, 'config'), '[profile a]\nk = 1\n\nk = 2\n');
    expect(refusal(envFor()).message).toBe(`key "k" appears twice in section [profile a] (${join(dir, 'config')}:4)`);
  });
});

describe('the file paths: $VAR, ${VAR} and ~ as botocore expands them (expandvars, then expanduser)', () => {
  const env = { HOME: '/home/u', DIR: '/srv/aws', EMPTY: '', 'A.B': 'dotted' };
  const paths = ['$DIR/config', '${DIR}/config', '~/x/$DIR', '$UNSET/config', '${UNSET}/c', '$EMPTY/c', '$/c', '${A.B}/c', '$DIR$DIR', 'a$', '${DIR', '~', '~/.aws/config'];

  it('matches Python on every path', () => {
    const script = 'import json, os, sys\nprint(json.dumps([os.path.expanduser(os.path.expandvars(p)) for p in json.load(sys.stdin)]))';
    const python = spawnSync('python3', ['-c', script], { input: JSON.stringify(paths), encoding: 'utf8', env: { PATH: process.env.PATH, ...env } });
    expect(python.stderr).toBe('');
    const expected = JSON.parse(python.stdout) as string[];
    expect(paths.map((path) => configFilePath({ ...env, AWS_CONFIG_FILE: path }))).toEqual(expected);
    expect(paths.map((path) => credentialsFilePath({ ...env, AWS_SHARED_CREDENTIALS_FILE: path }))).toEqual(expected);
  });
});

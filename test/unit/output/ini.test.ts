/**
 * The `ini` format written to a temporary credentials file and read back by botocore
 * (`botocore.session.Session().full_config`) and by the JS SDK's loader
 * (@smithy/shared-ini-file-loader), with HOME and both AWS files pointed at temporary files.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSharedConfigFiles } from '@smithy/shared-ini-file-loader';
import { afterAll, describe, expect, it } from 'vitest';
import type { Session } from '../../../src/run/credentials.js';
import { AwsroleError, ExitCode } from '../../../src/errors/errors.js';
import { formatSession } from '../../../src/output/formats.js';
import { isolatedAwsEnv, pythonHas, run, tempDir } from './helpers.js';

const dir = tempDir('ini');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileCount = 0;

function session(profile: string, secret = 'se/cr+et=', token: string | null = 'to+k/en=='): Session {
  const credentials = { accessKeyId: 'ASIAINI', secretAccessKey: secret };
  return { profile, credentials: token === null ? credentials : { ...credentials, sessionToken: token } };
}

function writeCredentials(text: string): { config: string; credentials: string } {
  fileCount += 1;
  const credentials = join(dir, `credentials-${fileCount}`);
  writeFileSync(credentials, text);
  return { config: join(dir, 'no-config'), credentials };
}

function botocoreProfiles(files: { config: string; credentials: string }): Record<string, Record<string, string>> {
  const script = 'import json, botocore.session\nprint(json.dumps(botocore.session.Session().full_config["profiles"]))';
  const result = run('python3', ['-c', script], { ...isolatedAwsEnv(dir, files), PYTHONIOENCODING: 'utf-8' });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return JSON.parse(result.stdout) as Record<string, Record<string, string>>;
}

async function jsProfiles(files: { config: string; credentials: string }) {
  const loaded = await loadSharedConfigFiles({ filepath: files.credentials, configFilepath: files.config, ignoreCache: true });
  return loaded.credentialsFile;
}

const NAMES = ['prod-admin', 'default', 'a b c', 'a  b', 'team/prod@acme.example', 'x=y:z', '%HOME%', '#not-a-comment', 'café', 'profile'];

describe.runIf(pythonHas('botocore'))('ini read back by botocore and the JS SDK', () => {
  it.each(NAMES)('profile %j', async (name) => {
    const files = writeCredentials(formatSession('ini', session(name)));
    const expected = { aws_access_key_id: 'ASIAINI', aws_secret_access_key: 'se/cr+et=', aws_session_token: 'to+k/en==' };
    expect(botocoreProfiles(files)[name]).toEqual(expected);
    expect((await jsProfiles(files))[name]).toEqual(expected);
  });

  it('--section names the section instead of the profile', async () => {
    const files = writeCredentials(formatSession('ini', session('prod-admin'), { section: 'ci-deploy' }));
    const expected = { aws_access_key_id: 'ASIAINI', aws_secret_access_key: 'se/cr+et=', aws_session_token: 'to+k/en==' };
    expect(botocoreProfiles(files)).toEqual({ 'ci-deploy': expected });
    expect(await jsProfiles(files)).toEqual({ 'ci-deploy': expected });
  });

  it('static keys: no session token line', async () => {
    const files = writeCredentials(formatSession('ini', session('dev', 'static=', null)));
    expect(botocoreProfiles(files)).toEqual({ dev: { aws_access_key_id: 'ASIAINI', aws_secret_access_key: 'static=' } });
    expect(await jsProfiles(files)).toEqual({ dev: { aws_access_key_id: 'ASIAINI', aws_secret_access_key: 'static=' } });
  });

  it('values with #, ; and = inside (not after a space) survive', async () => {
    const secret = 'a#b;c=d%e';
    const files = writeCredentials(formatSession('ini', session('p', secret)));
    expect(botocoreProfiles(files).p?.aws_secret_access_key).toBe(secret);
    expect((await jsProfiles(files)).p?.aws_secret_access_key).toBe(secret);
  });
});

function iniError(s: Session): AwsroleError {
  try {
    formatSession('ini', s);
  } catch (error) {
    expect(error).toBeInstanceOf(AwsroleError);
    return error as AwsroleError;
  }
  throw new Error('expected the ini format to refuse this session');
}

describe('ini refuses what a reader would misread', () => {
  it.each([
    ['an empty name', ''],
    ['a newline in the name', 'a\nb'],
    ['a ] in the name', 'a]b'],
    ['a [ in the name', 'a[b'],
    ['a leading space', ' a'],
    ['a trailing space', 'a '],
    ["configparser's DEFAULT section", 'DEFAULT'],
    ['a comment after a space (JS SDK)', 'a #b'],
    ['__proto__ (JS SDK)', '__proto__'],
    ['a typed section name (JS SDK)', 'profile x'],
    ['two words, which the JS SDK drops', 'a b'],
    ['two words, one quoted', 'a "b"'],
  ])('profile name: %s', (_, name) => {
    const error = iniError(session(name));
    expect(error.exitCode).toBe(ExitCode.unexpected);
    expect(error.message).toContain('profile name');
    expect(error.hint).toMatch(/json/);
  });

  it.each([
    ['a newline', 'a\nb'],
    ['a carriage return', 'a\rb'],
    ['leading whitespace', ' ab'],
    ['trailing whitespace', 'ab\t'],
    ['a leading #', '#ab'],
    ['a ; after a space', 'a ;b'],
    ['nothing', ''],
  ])('secret: %s, naming the key and not the value', (_, secret) => {
    const error = iniError(session('p', secret));
    expect(error.message).toContain('aws_secret_access_key');
    if (secret.trim().length > 1) expect(error.message).not.toContain(secret.trim());
  });

  it.runIf(pythonHas('botocore'))('botocore and the JS SDK really misread them (so the refusals are needed)', async () => {
    const text = '[DEFAULT]\naws_access_key_id = A\n[p]\naws_secret_access_key =  padded \n[a b]\nk = v\n[c]\nk = x #y\n';
    const files = writeCredentials(text);
    const profiles = botocoreProfiles(files);
    expect(Object.keys(profiles)).not.toContain('DEFAULT');
    expect(profiles.p?.aws_secret_access_key).toBe('padded');
    const js = await jsProfiles(files);
    expect(Object.keys(js)).not.toContain('a b');
    expect(js.c?.k).toBe('x');
  });
});

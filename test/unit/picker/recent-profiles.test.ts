import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  orderByRecent, readRecentProfiles, recentProfilesFile, recordRecentProfile, RECENT_LIMIT,
} from '../../../src/picker/recent-profiles.js';

let root: string;
let env: Record<string, string>;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'awsrole-recent-'));
  env = { HOME: root, XDG_STATE_HOME: join(root, 'state') };
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe(recordRecentProfile.name, () => {
  it('keeps the most recent first, each name once', () => {
    for (const name of ['a', 'b', 'c', 'a']) recordRecentProfile(env, name);
    expect(readRecentProfiles(env)).toEqual(['a', 'c', 'b']);
    expect(JSON.parse(readFileSync(recentProfilesFile(env), 'utf8'))).toEqual(['a', 'c', 'b']);
  });

  it('does not rewrite the file when the profile is already the most recent', () => {
    recordRecentProfile(env, 'b');
    recordRecentProfile(env, 'a');
    const before = statSync(recentProfilesFile(env)).ino;
    recordRecentProfile(env, 'a');
    expect(statSync(recentProfilesFile(env)).ino).toBe(before); // an atomic write would be a new inode
    recordRecentProfile(env, 'b');
    expect(statSync(recentProfilesFile(env)).ino).not.toBe(before);
    expect(readRecentProfiles(env)).toEqual(['b', 'a']);
  });

  it(`keeps at most ${RECENT_LIMIT} names`, () => {
    for (let i = 0; i < RECENT_LIMIT + 5; i++) recordRecentProfile(env, `p${i}`);
    const names = readRecentProfiles(env);
    expect(names).toHaveLength(RECENT_LIMIT);
    expect(names[0]).toBe(`p${RECENT_LIMIT + 4}`);
    expect(names.at(-1)).toBe('p5');
  });

  it('writes <state dir>/recent.json with mode 0600 in 0700 directories', () => {
    recordRecentProfile(env, 'a');
    expect(recentProfilesFile(env)).toBe(join(root, 'state', 'awsrole', 'recent.json'));
    expect(modeOf(recentProfilesFile(env))).toBe(0o600);
    expect(modeOf(join(root, 'state', 'awsrole'))).toBe(0o700);
    expect(modeOf(join(root, 'state'))).toBe(0o700);
  });

  it('defaults to ~/.local/state/awsrole/recent.json', () => {
    expect(recentProfilesFile({ HOME: root })).toBe(join(root, '.local', 'state', 'awsrole', 'recent.json'));
  });

  it('ignores a failed write, saying so under --debug', () => {
    writeFileSync(join(root, 'state'), 'a file where the directory should be');
    const messages: string[] = [];
    expect(() => recordRecentProfile(env, 'a', (message) => messages.push(message))).not.toThrow();
    expect(messages.join('\n')).toMatch(/could not write .*recent\.json/);
  });

  it('replaces a corrupt file', () => {
    mkdirSync(join(env.XDG_STATE_HOME!, 'awsrole'), { recursive: true });
    writeFileSync(recentProfilesFile(env), '{not json');
    recordRecentProfile(env, 'a');
    expect(readRecentProfiles(env)).toEqual(['a']);
  });
});

describe(readRecentProfiles.name, () => {
  it.each<[string, string | Buffer, string[]]>([
    ['not JSON', '{not json', []],
    ['truncated', '["a", "b"', []],
    ['not a list', '{"a": 1}', []],
    ['not UTF-8', Buffer.from([0x5b, 0x22, 0xff, 0x22, 0x5d]), []],
    ['empty', '', []],
    ['other values in the list are skipped', '["a", 1, null, "", "b", "a"]', ['a', 'b']],
  ])('%s', (_, content, expected) => {
    mkdirSync(join(env.XDG_STATE_HOME!, 'awsrole'), { recursive: true });
    writeFileSync(recentProfilesFile(env), content);
    expect(readRecentProfiles(env)).toEqual(expected);
  });

  it('no file: empty', () => {
    expect(readRecentProfiles(env)).toEqual([]);
  });

  it('a directory in its place: empty, no crash', () => {
    mkdirSync(recentProfilesFile(env), { recursive: true });
    expect(readRecentProfiles(env)).toEqual([]);
  });
});

describe(orderByRecent.name, () => {
  it.each<[string, string[], string[], string[]]>([
    ['no history: alphabetical', ['staging', 'prod', 'alpha'], [], ['alpha', 'prod', 'staging']],
    ['recent first, most recent first, then the rest alphabetically', ['alpha', 'prod', 'staging', 'dev'], ['staging', 'dev'], ['staging', 'dev', 'alpha', 'prod']],
    ['recent names that no longer exist are left out', ['alpha', 'prod'], ['gone', 'prod'], ['prod', 'alpha']],
  ])('%s', (_, names, recent, expected) => {
    expect(orderByRecent(names, recent)).toEqual(expected);
  });
});

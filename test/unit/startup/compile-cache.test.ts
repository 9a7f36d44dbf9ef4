import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compileCacheDirectory, enableCompileCache } from '../../../src/startup/compile-cache.js';

let home: string;
/** The directories Node was asked to cache in (Node 20 has no compile cache: the tests pass the switch). */
let enabled: string[];
const enable = (directory: string) => enabled.push(directory);
const modeOf = (path: string) => statSync(path).mode & 0o777;

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'awsrole-compile-cache-'));
  enabled = [];
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

describe(compileCacheDirectory.name, () => {
  it.each([
    [{ HOME: '/home/u' }, '/home/u/.cache/awsrole/compile-cache'],
    [{ HOME: '/home/u', XDG_CACHE_HOME: '/var/cache/u' }, '/var/cache/u/awsrole/compile-cache'],
  ])('%j → %s', (env, expected) => {
    expect(compileCacheDirectory(env)).toBe(expected);
  });
  it('keeps the code of runs without the optimizing compiler apart (V8 rejects code cached under other flags)', () => {
    expect(compileCacheDirectory({ HOME: '/home/u' }, false)).toBe('/home/u/.cache/awsrole/compile-cache/no-opt');
  });
});

describe(enableCompileCache.name, () => {
  it('makes a private 0700 directory under the cache directory and caches there', () => {
    const directory = enableCompileCache({ HOME: home }, enable);
    expect(directory).toBe(join(home, '.cache/awsrole/compile-cache'));
    expect(enabled).toEqual([directory]);
    expect(modeOf(directory!)).toBe(0o700);
  });

  it('does nothing where Node has no compile cache (Node 20): no directory either', () => {
    expect(enableCompileCache({ HOME: home }, undefined)).toBeUndefined();
    expect(existsSync(join(home, '.cache'))).toBe(false);
  });

  it('leaves a directory that others can read alone, and runs without the cache', () => {
    const directory = join(home, '.cache/awsrole/compile-cache');
    mkdirSync(directory, { recursive: true });
    chmodSync(directory, 0o755);
    expect(enableCompileCache({ HOME: home }, enable)).toBeUndefined();
    expect(enabled).toEqual([]);
    expect(modeOf(directory)).toBe(0o755);
  });

  it('uses the no-opt directory only if the directory holding it is private too', () => {
    const parent = join(home, '.cache/awsrole/compile-cache');
    expect(enableCompileCache({ HOME: home }, enable, false)).toBe(join(parent, 'no-opt'));
    expect(modeOf(parent)).toBe(0o700);
    chmodSync(parent, 0o755);
    enabled = [];
    expect(enableCompileCache({ HOME: home }, enable, false)).toBeUndefined();
    expect(enabled).toEqual([]);
  });

  it('runs without the cache, silently, where the directory cannot be made', () => {
    writeFileSync(join(home, 'not-a-directory'), '');
    expect(enableCompileCache({ HOME: home, XDG_CACHE_HOME: join(home, 'not-a-directory') }, enable)).toBeUndefined();
    expect(enabled).toEqual([]);
  });

  it.each([['NODE_COMPILE_CACHE', join(tmpdir(), 'elsewhere')], ['NODE_DISABLE_COMPILE_CACHE', '1']])(
    'leaves the choice to Node when %s is set',
    (name, value) => {
      expect(enableCompileCache({ HOME: home, [name]: value }, enable)).toBeUndefined();
      expect(enabled).toEqual([]);
      expect(existsSync(join(home, '.cache'))).toBe(false);
    },
  );
});

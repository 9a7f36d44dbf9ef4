import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../../src/cache/atomic-file.js';
import { openCacheStore } from '../../../src/cache/store.js';
import { ConfigError } from '../../../src/errors/errors.js';
import { FIXTURES } from './fixtures/build.js';

const KEY = 'ab12';
const OTHER_KEY = 'cd34';
const uid = process.getuid!();
const modeOf = (path: string) => statSync(path).mode & 0o777;

let root: string;
let dir: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'awsrole-store-'));
  dir = join(root, 'cache');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe(openCacheStore.name, () => {
  it('round-trips values, lists them by key, removes them', () => {
    const store = openCacheStore(dir);
    expect(store.read(KEY)).toBeUndefined();
    store.write(KEY, { a: 1, s: 'x' });
    store.write(OTHER_KEY, [1, 2]);
    store.write(KEY, { a: 2 });
    expect(store.read(KEY)).toEqual({ a: 2 });
    expect(store.list()).toEqual([
      { key: KEY, path: join(dir, `${KEY}.json`), value: { a: 2 } },
      { key: OTHER_KEY, path: join(dir, `${OTHER_KEY}.json`), value: [1, 2] },
    ]);
    expect(store.remove(KEY)).toBe(true);
    expect(store.remove(KEY)).toBe(false);
    expect(store.read(KEY)).toBeUndefined();
    expect(readdirSync(dir)).toEqual([`${OTHER_KEY}.json`]); // no temporary files left
  });

  // 0o277 takes the owner's own bits away: only the explicit chmod makes the directory usable.
  it.each([
    ['000', ['a', 'b', 'cache']],
    ['022', ['a', 'b', 'cache']],
    ['077', ['a', 'b', 'cache']],
    ['277', ['cache']],
  ])('creates the directory and its missing parents 0700, entries 0600, under umask %s', (umask, parts) => {
    const previous = process.umask(parseInt(umask, 8));
    try {
      const created = parts.map((_, i) => join(root, ...parts.slice(0, i + 1)));
      const store = openCacheStore(created.at(-1)!);
      store.write(KEY, { a: 1 });
      expect(created.map(modeOf)).toEqual(created.map(() => 0o700));
      expect(modeOf(join(store.dir, `${KEY}.json`))).toBe(0o600);
    } finally {
      process.umask(previous);
    }
  });

  it('leaves an existing parent directory as it is', () => {
    chmodSync(root, 0o755);
    openCacheStore(dir);
    expect(modeOf(root)).toBe(0o755);
  });

  it.each(['', 'AB12', 'ab12.json', '../ab', 'ab/cd', 'g1', 'a'.repeat(129)])('refuses the key %j as a programming error', async (key) => {
    const store = openCacheStore(dir);
    for (const use of [() => store.read(key), () => store.write(key, 1), () => store.remove(key)]) {
      expect(use).toThrow(/^internal error: cache key/);
      expect(use).not.toThrow(ConfigError);
    }
    await expect(store.withLock(key, async () => 1)).rejects.toThrow(/^internal error: cache key/);
    expect(readdirSync(root)).toEqual(['cache']);
    expect(readdirSync(dir)).toEqual([]);
  });

  describe('reads what it cannot trust or parse as a miss', () => {
    const full = JSON.stringify({ accessKeyId: 'AKIA', secretAccessKey: 'secret', sessionToken: 'token' });
    it.each<[string, string | Buffer]>([
      ['corrupt', '{"a": 1}}'],
      ['truncated mid-JSON', full.slice(0, full.length / 2)],
      ['empty', ''],
      ['not JSON', 'hello'],
      ['not UTF-8', Buffer.from([0x22, 0xff, 0x22])],
    ])('%s', (_name, content) => {
      const store = openCacheStore(dir);
      store.write(OTHER_KEY, { good: true });
      writeFileSync(join(dir, `${KEY}.json`), content, { mode: 0o600 });
      expect(store.read(KEY)).toBeUndefined();
      expect(store.list().map((entry) => entry.key)).toEqual([OTHER_KEY]);
    });

    it.each(['640', '604', '660', '666'])('a file with mode %s (not trusted, not fixed)', (octal) => {
      const mode = parseInt(octal, 8);
      const store = openCacheStore(dir);
      store.write(KEY, { a: 1 });
      chmodSync(join(dir, `${KEY}.json`), mode);
      expect(store.read(KEY)).toBeUndefined();
      expect(modeOf(join(dir, `${KEY}.json`))).toBe(mode);
      store.write(KEY, { a: 2 }); // the next write replaces it with a private file
      expect(store.read(KEY)).toEqual({ a: 2 });
    });

    it('a file owned by another user', () => {
      const store = openCacheStore(dir);
      store.write(KEY, { a: 1 });
      chownSync(join(dir, `${KEY}.json`), 65534, 65534);
      expect(store.read(KEY)).toBeUndefined();
    });

    it('a directory or a FIFO in place of an entry (without hanging)', () => {
      const store = openCacheStore(dir);
      mkdirSync(join(dir, `${KEY}.json`));
      expect(spawnSync('mkfifo', [join(dir, `${OTHER_KEY}.json`)]).status).toBe(0);
      expect(store.read(KEY)).toBeUndefined();
      expect(store.read(OTHER_KEY)).toBeUndefined();
      expect(store.list()).toEqual([]);
    });
  });

  it('neither reads nor overwrites the target of a planted symlink entry', () => {
    const store = openCacheStore(dir);
    const outside = join(root, 'outside.json');
    writeFileSync(outside, '{"planted":true}', { mode: 0o600 });
    const entry = join(dir, `${KEY}.json`);
    symlinkSync(outside, entry);
    expect(store.read(KEY)).toBeUndefined();
    expect(store.list()).toEqual([]);
    store.write(KEY, { a: 1 });
    expect(readFileSync(outside, 'utf8')).toBe('{"planted":true}');
    expect(lstatSync(entry).isFile()).toBe(true); // the link itself was replaced
    expect(store.read(KEY)).toEqual({ a: 1 });
    symlinkSync(outside, join(dir, `${OTHER_KEY}.json`));
    expect(store.remove(OTHER_KEY)).toBe(true);
    expect(existsSync(outside)).toBe(true);
  });

  describe('refuses a directory others could tamper with, saying how to fix it', () => {
    const refusal = (): ConfigError => {
      try {
        openCacheStore(dir);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return error as ConfigError;
      }
      throw new Error('openCacheStore accepted the directory');
    };

    it.each([
      ['0777', 'group and others'],
      ['0770', 'its group'],
      ['0730', 'its group'],
      ['0702', 'others'],
      ['1777', 'group and others'],
    ])('mode %s', (shown, who) => {
      mkdirSync(dir);
      chmodSync(dir, parseInt(shown, 8));
      const error = refusal();
      expect(error.message).toBe(`the cache directory is writable by ${who}: they could plant or swap sessions (${dir}: mode ${shown}, owner uid ${uid})`);
      expect(error.hint).toBe(`close it: chmod 700 '${dir}'`);
      expect(error.exitCode).toBe(3);
    });

    it('owned by another user', () => {
      mkdirSync(dir, { mode: 0o700 });
      chownSync(dir, 65534, 65534);
      const error = refusal();
      expect(error.message).toContain(`belongs to another user (uid 65534), not to you (uid ${uid})`);
      expect(error.message).toContain(`(${dir}: mode 0700, owner uid 65534)`);
      expect(error.hint).toBe(`make it yours: ${uid === 0 ? '' : 'sudo '}chown ${uid} '${dir}'`);
    });

    it.each([
      ['to a private directory', (target: string) => mkdirSync(target, { mode: 0o700 })],
      ['that dangles', () => {}],
    ])('a symlink %s', (_name, makeTarget) => {
      const target = join(root, 'elsewhere');
      makeTarget(target);
      symlinkSync(target, dir);
      const error = refusal();
      expect(error.message).toBe(`the cache directory is a symlink; awsrole keeps secrets only in a real directory of its own (${dir})`);
      expect(error.hint).toBe(`replace the link with a directory: rm '${dir}' && mkdir -m 700 '${dir}'`);
    });

    it('a file', () => {
      writeFileSync(dir, '');
      expect(refusal().message).toBe(`the cache directory is not a directory (${dir})`);
    });

    it('quotes the directory in the fix', () => {
      dir = join(root, "it's cache");
      mkdirSync(dir);
      chmodSync(dir, 0o777);
      expect(refusal().hint).toBe(`close it: chmod 700 '${join(root, "it'\\''s cache")}'`);
    });
  });

  it('accepts an existing directory that others may only read (names are digests, entries 0600)', () => {
    mkdirSync(dir);
    chmodSync(dir, 0o755);
    openCacheStore(dir).write(KEY, 1);
    expect(modeOf(dir)).toBe(0o755);
  });

  it('holds the key\'s lock file while fn runs, and releases it when fn throws', async () => {
    const store = openCacheStore(dir);
    const lock = join(dir, `${KEY}.lock`);
    expect(await store.withLock(KEY, async () => existsSync(lock))).toBe(true);
    expect(existsSync(lock)).toBe(false);
    await expect(store.withLock(KEY, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(existsSync(lock)).toBe(false);
    expect(store.list()).toEqual([]);
  });
});

describe(writeFileAtomic.name, () => {
  it('removes its temporary file when the rename fails', () => {
    mkdirSync(join(root, 'target'));
    expect(() => writeFileAtomic(join(root, 'target'), 'x')).toThrow();
    expect(readdirSync(root)).toEqual(['target']);
  });

  it('removes the temporary files a writer killed between write and rename left (older than a minute), and no others', () => {
    const store = openCacheStore(dir);
    const old = (Date.now() - 5 * 60_000) / 1000;
    const leftover = join(dir, `.${KEY}.json.0123456789abcdef.tmp`);
    const inFlight = join(dir, `.${OTHER_KEY}.json.fedcba9876543210.tmp`); // another writer, right now
    const notOurs = join(dir, '.notes.tmp');
    for (const path of [leftover, inFlight, notOurs]) writeFileSync(path, 'secret', { mode: 0o600 });
    for (const path of [leftover, notOurs]) utimesSync(path, old, old);
    store.write(OTHER_KEY, { a: 1 });
    expect(readdirSync(dir).sort()).toEqual([inFlight, notOurs, join(dir, `${OTHER_KEY}.json`)].map((path) => path.slice(dir.length + 1)).sort());
  });

  it('reads a huge (sparse) entry as a miss, without reading it into memory', () => {
    const store = openCacheStore(dir);
    store.write(KEY, { a: 1 });
    truncateSync(join(dir, `${KEY}.json`), 1.5 * 1024 ** 3);
    const before = process.memoryUsage().rss;
    expect(store.read(KEY)).toBeUndefined();
    expect(store.list()).toEqual([]);
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1024 ** 2);
  });

  /** Rewrites a large entry 200 times while a child process reads it in a tight loop. */
  async function readWhileWriting(write: (path: string, text: string) => void) {
    mkdirSync(dir, { mode: 0o700 });
    const entry = join(dir, 'entry.json');
    const stop = join(dir, 'stop');
    const version = (i: number) => {
      const payload = String(i % 10).repeat(200_000 + (i % 7) * 50_000);
      return JSON.stringify({ length: payload.length, payload });
    };
    write(entry, version(0));
    const reader = spawn(process.execPath, [join(FIXTURES, 'read-loop.mjs'), entry, stop], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    reader.stdout.on('data', (chunk: Buffer) => (out += chunk));
    while (!out.includes('ready\n')) await new Promise((resolve) => setTimeout(resolve, 5));
    for (let i = 1; i <= 200; i++) write(entry, version(i));
    writeFileSync(stop, '');
    await once(reader, 'exit');
    return JSON.parse(out.slice(out.indexOf('\n') + 1)) as { reads: number; badCount: number; bad: string[] };
  }

  it('never lets a concurrent reader see a partial file', async () => {
    const result = await readWhileWriting(writeFileAtomic);
    expect(result.reads).toBeGreaterThan(20);
    expect(result.bad).toEqual([]);
  }, 90_000); // 200 fsyncs: slow on a loaded machine

  it('(control) a plain writeFileSync does let the reader see partial files', async () => {
    const result = await readWhileWriting((path, text) => writeFileSync(path, text));
    expect(result.reads).toBeGreaterThan(20);
    expect(result.badCount).toBeGreaterThan(0);
  }, 90_000);
});

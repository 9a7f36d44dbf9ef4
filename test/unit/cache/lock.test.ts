import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, truncateSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { acquireLock } from '../../../src/cache/lock.js';
import { AwsroleError } from '../../../src/errors/errors.js';
import { buildCacheModules, FIXTURES } from './fixtures/build.js';

let modules: string;
let dir: string;
let lockPath: string;

beforeAll(() => {
  modules = buildCacheModules();
});
afterAll(() => rmSync(modules, { recursive: true, force: true }));
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'awsrole-lock-'));
  lockPath = join(dir, 'k.lock');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const node = (script: string, ...args: string[]) =>
  spawn(process.execPath, [join(FIXTURES, script), modules, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });

/** Resolves when the child has written `line` on stdout; rejects if it exits first. */
function untilLine(child: ChildProcess, line: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk));
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk;
      if (out.split('\n').includes(line)) resolve();
    });
    child.once('exit', (code, signal) => reject(new Error(`child exited (${code ?? signal}) before "${line}": ${err}`)));
  });
}

/** n processes, started together, each adding 1 to a counter inside the critical section. */
async function contend(n: number, mode: 'lock' | 'nolock', pauseMs = 20): Promise<{ count: number; overlaps: number }> {
  const counter = join(dir, 'counter');
  const log = join(dir, 'log');
  writeFileSync(counter, '0');
  writeFileSync(log, '');
  const children = Array.from({ length: n }, () => node('lock-worker.mjs', lockPath, counter, log, mode, String(pauseMs)));
  const exits = children.map((child) => once(child, 'exit'));
  await Promise.all(children.map((child) => untilLine(child, 'ready')));
  for (const child of children) child.stdin!.write('go\n');
  expect((await Promise.all(exits)).map(([code]) => code)).toEqual(children.map(() => 0));
  const entries = readFileSync(log, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { overlapped: boolean });
  expect(entries).toHaveLength(n);
  return { count: Number(readFileSync(counter, 'utf8')), overlaps: entries.filter((e) => e.overlapped).length };
}

/** Field 22 of /proc/<pid>/stat, read here independently of lock.ts: the process's start time. */
function startTimeOf(pid: number): string {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return text.slice(text.lastIndexOf(')') + 2).split(' ')[19]!;
}

/** A pid that was just in use and now is not (the child has exited and been reaped). */
const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid!;

function writeLock(content: string, ageMs = 0): void {
  writeFileSync(lockPath, content);
  const then = (Date.now() - ageMs) / 1000;
  utimesSync(lockPath, then, then);
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await fn();
  return [value, performance.now() - start];
}

describe(acquireLock.name, () => {
  it('lets 20 processes through one at a time: the count is exactly 20', async () => {
    expect(await contend(20, 'lock')).toEqual({ count: 20, overlaps: 0 });
    expect(readdirSync(dir).sort()).toEqual(['counter', 'log']); // no lock, break or aside file left
  });

  it('(control) without the lock the same 20 processes overlap and lose updates', async () => {
    const { count, overlaps } = await contend(20, 'nolock');
    expect(count).toBeLessThan(20);
    expect(overlaps).toBeGreaterThan(0);
  });

  it('writes {pid, hostname, createdAt, startTime} with mode 0600, and removes the file on release', async () => {
    const release = await acquireLock(lockPath);
    expect(JSON.parse(readFileSync(lockPath, 'utf8'))).toEqual({ pid: process.pid, hostname: hostname(), createdAt: expect.any(String), startTime: startTimeOf(process.pid) });
    expect(statSync(lockPath).mode & 0o777).toBe(0o600);
    release();
    expect(existsSync(lockPath)).toBe(false);
    const next = await acquireLock(lockPath); // likely with the same descriptor number
    release(); // a second call is harmless: it does not release the next lock
    expect(existsSync(lockPath)).toBe(true);
    next();
    expect(existsSync(lockPath)).toBe(false);
  });

  it('takes over at once a lock whose holder was killed with SIGKILL', async () => {
    const holder = node('lock-holder.mjs', lockPath, 'hang');
    await untilLine(holder, 'held');
    holder.kill('SIGKILL');
    await once(holder, 'exit'); // reaped: a zombie would still answer kill(pid, 0)
    expect(existsSync(lockPath)).toBe(true);
    const [release, ms] = await timed(() => acquireLock(lockPath, { timeoutMs: 2_000 }));
    expect(ms).toBeLessThan(500);
    expect(JSON.parse(readFileSync(lockPath, 'utf8')).pid).toBe(process.pid);
    release();
  });

  it('lets several waiters break the same stale lock, and only one holds it at a time', async () => {
    for (let round = 0; round < 6; round++) {
      writeLock(JSON.stringify({ pid: deadPid(), hostname: hostname(), createdAt: new Date().toISOString() }));
      expect(await contend(10, 'lock', 10)).toEqual({ count: 10, overlaps: 0 });
      expect(readdirSync(dir).sort()).toEqual(['counter', 'log']);
    }
  }, 90_000); // 60 processes: slow on a loaded machine

  it('recovers from a breaker that died while breaking (its break file left behind)', async () => {
    const dead = JSON.stringify({ pid: deadPid(), hostname: hostname(), createdAt: 'then' });
    writeLock(dead);
    writeFileSync(`${lockPath}.break`, dead);
    const [release, ms] = await timed(() => acquireLock(lockPath, { timeoutMs: 2_000 }));
    expect(ms).toBeLessThan(500);
    release();
    expect(readdirSync(dir)).toEqual([]);
  });

  it.each([
    ['garbage', 'not json{'],
    ['empty', ''],
    ['JSON without a pid', '{"hostname":"h"}'],
  ])('breaks a %s lock file older than the grace period', async (_name, content) => {
    writeLock(content, 5_000);
    const [release, ms] = await timed(() => acquireLock(lockPath, { timeoutMs: 2_000 }));
    expect(ms).toBeLessThan(500);
    release();
  });

  it('waits out the grace period for an empty lock file (its holder may be mid-write)', async () => {
    writeLock('');
    const [release, ms] = await timed(() => acquireLock(lockPath, { unreadableGraceMs: 400 }));
    expect(ms).toBeGreaterThanOrEqual(350);
    release();
  });

  it('breaks a lock older than the maximum age even though its holder lives', async () => {
    writeLock(JSON.stringify({ pid: process.ppid, hostname: hostname(), createdAt: 'long ago', startTime: startTimeOf(process.ppid) }), 3_000);
    const [release, ms] = await timed(() => acquireLock(lockPath, { maxAgeMs: 2_000, timeoutMs: 2_000 }));
    expect(ms).toBeLessThan(500);
    release();
  });

  it('treats a lock with our own pid that we do not hold as left by an earlier process', async () => {
    writeLock(JSON.stringify({ pid: process.pid, hostname: hostname(), createdAt: 'earlier' }));
    const [release, ms] = await timed(() => acquireLock(lockPath, { timeoutMs: 2_000 }));
    expect(ms).toBeLessThan(500);
    release();
  });

  it('does not judge a holder on another host by its pid (only by age)', async () => {
    writeLock(JSON.stringify({ pid: deadPid(), hostname: `not-${hostname()}`, createdAt: 'now' }));
    await expect(acquireLock(lockPath, { timeoutMs: 200 })).rejects.toThrow(AwsroleError);
  });

  it('gives up after the timeout, naming the lock file and its holder', async () => {
    const holder = node('lock-holder.mjs', lockPath, 'hang');
    await untilLine(holder, 'held');
    const waits: Array<number | undefined> = [];
    const error = await acquireLock(lockPath, { timeoutMs: 300, onWait: (h) => waits.push(h?.pid) }).catch((e: unknown) => e);
    holder.kill('SIGKILL');
    expect(error).toBeInstanceOf(AwsroleError);
    const { message, hint, exitCode } = error as AwsroleError;
    expect(message).toContain(`pid ${holder.pid}`);
    expect(message).toContain(`(${lockPath})`);
    expect(hint).toContain(`rm '${lockPath}'`);
    expect(exitCode).toBe(3);
    expect(waits).toEqual([holder.pid]); // told once
  });

  it('queues waiters within one process too', async () => {
    const first = await acquireLock(lockPath);
    let second = false;
    const waiting = acquireLock(lockPath).then((release) => {
      second = true;
      return release;
    });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(second).toBe(false);
    first();
    (await waiting)();
    expect(second).toBe(true);
  });

  it('on release leaves alone a lock that is no longer ours', async () => {
    const release = await acquireLock(lockPath);
    unlinkSync(lockPath); // as a waiter would after our maximum age
    writeFileSync(lockPath, '{"pid":1,"hostname":"other","createdAt":"now"}');
    release();
    expect(readFileSync(lockPath, 'utf8')).toContain('"other"');
  });

  it('releases on process.exit without release()', async () => {
    const holder = node('lock-holder.mjs', lockPath, 'exit');
    await untilLine(holder, 'held');
    expect(await once(holder, 'exit')).toEqual([0, null]);
    expect(existsSync(lockPath)).toBe(false);
  });

  it.each(['SIGTERM', 'SIGINT', 'SIGHUP'] as const)('releases on %s, and the process still dies of it', async (signal) => {
    const holder = node('lock-holder.mjs', lockPath, 'hang');
    await untilLine(holder, 'held');
    holder.kill(signal);
    expect(await once(holder, 'exit')).toEqual([null, signal]);
    expect(existsSync(lockPath)).toBe(false);
  });
});

describe(`${acquireLock.name}: dead holders on Linux, and locks it cannot trust`, () => {
  it('takes over at once a lock whose holder was killed and is a zombie (its parent has not reaped it)', async () => {
    // The parent keeps its killed child unreaped for a minute: kill(pid, 0) still succeeds on it.
    const parent = spawn('python3', ['-c', [
      'import os, signal, subprocess, sys, time',
      'holder = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE)',
      'holder.stdout.readline()',
      'os.kill(holder.pid, signal.SIGKILL)',
      'print(holder.pid, flush=True)',
      'time.sleep(60)',
    ].join('\n'), process.execPath, join(FIXTURES, 'lock-holder.mjs'), modules, lockPath, 'hang'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const pid = Number(await new Promise<string>((resolve) => parent.stdout!.once('data', (chunk: Buffer) => resolve(String(chunk).trim()))));
      // The scenario itself: the holder is a zombie, and looks alive to kill(pid, 0).
      for (let i = 0; i < 100 && readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]![0] !== 'Z'; i++) await new Promise((r) => setTimeout(r, 50));
      expect(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]![0]).toBe('Z');
      expect(() => process.kill(pid, 0)).not.toThrow();
      expect(JSON.parse(readFileSync(lockPath, 'utf8')).pid).toBe(pid);
      const [release, ms] = await timed(() => acquireLock(lockPath, { timeoutMs: 20_000 }));
      expect(ms).toBeLessThan(5_000); // without the state check: the 20 s timeout
      release();
    } finally {
      parent.kill('SIGKILL');
    }
  }, 30_000);

  it('takes over at once a lock whose pid now belongs to another process (another start time)', async () => {
    writeLock(JSON.stringify({ pid: process.ppid, hostname: hostname(), createdAt: 'now', startTime: '1' }));
    const [release, ms] = await timed(() => acquireLock(lockPath, { timeoutMs: 5_000 }));
    expect(ms).toBeLessThan(2_000);
    release();
  });

  it('waits for a live holder whose start time matches', async () => {
    writeLock(JSON.stringify({ pid: process.ppid, hostname: hostname(), createdAt: 'now', startTime: startTimeOf(process.ppid) }));
    await expect(acquireLock(lockPath, { timeoutMs: 300 })).rejects.toThrow(/gave up after/);
  });

  const refused = async (): Promise<AwsroleError> => {
    const started = Date.now();
    const error = await acquireLock(lockPath, { timeoutMs: 10_000 }).then(
      () => new Error('the lock was taken'),
      (e: unknown) => e,
    );
    expect(Date.now() - started).toBeLessThan(3_000); // an error at once, not a wait
    expect(error).toBeInstanceOf(AwsroleError);
    expect((error as AwsroleError).exitCode).toBe(3);
    expect((error as AwsroleError).hint).toContain(`rm '${lockPath}'`);
    return error as AwsroleError;
  };

  it('refuses a planted lock naming a live pid without the start time every holder records', async () => {
    writeLock(JSON.stringify({ pid: process.ppid, hostname: hostname(), createdAt: 'now' }));
    expect((await refused()).message).toBe(
      `the cache lock cannot be trusted: it names pid ${process.ppid}, which is alive, but not its start time as awsrole records it (it names pid ${process.ppid} on ${hostname()}) (${lockPath})`,
    );
  });

  it('refuses a lock modified in the future (it would never grow old)', async () => {
    writeLock(JSON.stringify({ pid: process.ppid, hostname: hostname(), createdAt: 'now', startTime: startTimeOf(process.ppid) }), -3_600_000);
    expect((await refused()).message).toMatch(/^the cache lock cannot be trusted: it was modified in the future \(/);
  });

  it('refuses a symlink in place of the lock', async () => {
    writeFileSync(join(dir, 'elsewhere'), '');
    symlinkSync(join(dir, 'elsewhere'), lockPath);
    expect((await refused()).message).toBe(`the cache lock cannot be trusted: it is a symlink (${lockPath})`);
  });

  it('refuses a lock others can write, or of another user', async () => {
    writeLock('{}');
    chmodSync(lockPath, 0o666);
    expect((await refused()).message).toBe(`the cache lock cannot be trusted: it is writable by others (mode 0666) (${lockPath})`);
    chmodSync(lockPath, 0o600);
    chownSync(lockPath, 65534, 65534);
    expect((await refused()).message).toMatch(/^the cache lock cannot be trusted: it belongs to uid 65534/);
  });

  it('refuses a huge (sparse) lock file without reading it into memory', async () => {
    writeLock('');
    truncateSync(lockPath, 1.5 * 1024 ** 3);
    expect((await refused()).message).toBe(`the cache lock cannot be trusted: larger than 65536 bytes (${lockPath})`);
  });
});

/**
 * A lock file per cache key, so that awsrole processes started at once for the same role make one
 * STS call between them: the first creates the file with O_EXCL and calls STS; the others poll
 * until it is gone, then find the session in the cache.
 *
 * Stale locks (a holder that died, or hangs) are broken, and breaking is where such locks go
 * wrong: waiters A and B both judge lock L0 stale; A removes it and takes the lock (L1); B, a
 * moment late, removes "the stale lock", which is now L1, and takes the lock too. Renaming the
 * stale file aside before removing it does not help: B's rename takes L1 just the same (the
 * test of several breakers catches both). So:
 * 1. Breakers take turns: a breaker creates `<lock>.break` with O_EXCL and, once it has its
 *    turn, looks at the lock again. Then no other breaker can change the lock file, a waiter can
 *    only create one where there is none, and a holder judged dead cannot release: what it
 *    judged stale is still what is there when it removes it.
 * 2. The removal checks identity all the same, for the one actor left: a holder alive but past
 *    the maximum age, which may release at that very moment (removeIfSame).
 * Then every breaker tries O_EXCL again, which lets exactly one win. A holder releases with
 * removeIfSame too, so that it never removes a lock taken after its own was broken.
 */
import { closeSync, constants, fstatSync, linkSync, lstatSync, openSync, readFileSync, renameSync, unlinkSync, writeFileSync, type Stats } from 'node:fs';
import { AwsroleError, ExitCode } from '../errors/errors.js';
import { statFieldsAfterName } from '../process/linux-proc.js';
import { notTrusted, openForReading, readAtMost } from './atomic-file.js';
import { randomHex } from './random-name.js';
import { os } from '../startup/lazy-builtin.js';

/** What a lock file holds: who holds it, to judge whether it is stale and to name it in errors. */
export interface LockHolder {
  pid: number;
  hostname: string;
  createdAt: string;
  /**
   * On Linux, the holder's start time (field 22 of /proc/<pid>/stat, clock ticks since boot): a
   * live process with the same pid but another start time is not the holder (pids are reused).
   */
  startTime?: string;
}

/** Removes the lock if it is still ours. Never throws: a lock left behind is stale once we exit. */
export type Release = () => void;

export interface LockOptions {
  /** How long a waiter waits before giving up. */
  timeoutMs?: number;
  /** A lock older than this is abandoned whoever holds it. Its holder may be at an MFA prompt, so not short. */
  maxAgeMs?: number;
  /** An empty or unparsable lock file younger than this may be one whose holder is mid-write. */
  unreadableGraceMs?: number;
  /** Called once, when the lock is found held by another process: to say on stderr why we wait. */
  onWait?: (holder: LockHolder | undefined, path: string) => void;
}

/**
 * A holder makes at most a few STS calls (each bounded by its own timeout) and may wait for an MFA
 * code: after maxAgeMs its lock is abandoned whoever holds it, so a waiter never waits longer than
 * that (plus a margin for the breaking itself) on a lock it can trust.
 */
export const LOCK_DEFAULTS = { timeoutMs: 130_000, maxAgeMs: 120_000, unreadableGraceMs: 2_000 } as const;

/** A lock file this far in the future was not written by a holder on this clock. */
const FUTURE_SKEW_MS = 60_000;

const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;
/** A lock file holds one small JSON object; a bigger one is not read into memory. */
const LOCK_MAX_BYTES = 64 * 1024;

/** Locks this process holds, path → open descriptor of our lock file (for release at exit). */
const held = new Map<string, number>();

export async function acquireLock(path: string, options: LockOptions = {}): Promise<Release> {
  const { timeoutMs, maxAgeMs, unreadableGraceMs } = { ...LOCK_DEFAULTS, ...options };
  const limits: Limits = { maxAgeMs, unreadableGraceMs };
  const deadline = Date.now() + timeoutMs;
  let told = false;
  for (;;) {
    const fd = tryCreate(path);
    if (fd !== undefined) return holding(path, fd);
    const seen = glance(path, limits);
    if (!seen) continue; // released between our two looks: try again at once
    if (seen.stale && breakStale(path, limits)) continue;
    if (Date.now() >= deadline) throw timedOut(path, seen.holder, timeoutMs);
    if (!told) options.onWait?.(seen.holder, path);
    told = true;
    // Jittered, so that waiters started together do not keep colliding in step.
    await sleep(20 + Math.random() * 40);
  }
}

/** Creates a lock file, or returns undefined when it exists. The descriptor stays open while we hold it. */
function tryCreate(path: string): number | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | O_NOFOLLOW, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw error;
  }
  try {
    const startTime = processStartTime(process.pid);
    const holder: LockHolder = { pid: process.pid, hostname: os.hostname(), createdAt: new Date().toISOString(), ...(startTime ? { startTime } : {}) };
    writeFileSync(fd, JSON.stringify(holder));
    return fd;
  } catch (error) {
    releaseQuietly(path, fd);
    throw error;
  }
}

interface Limits {
  maxAgeMs: number;
  unreadableGraceMs: number;
}

/** A breaker holds the break file for microseconds; one held for seconds belongs to a dead or stopped process. */
const BREAK_LIMITS: Limits = { maxAgeMs: 5_000, unreadableGraceMs: 2_000 };

/**
 * Removes the lock at `path` if it is stale, taking turns with other breakers through the
 * `<path>.break` file (O_EXCL as well). Returns whether it got its turn; false when another
 * breaker has it, and then the caller waits as for any held lock.
 */
function breakStale(path: string, limits: Limits): boolean {
  const breakPath = `${path}.break`;
  const fd = tryCreate(breakPath);
  if (fd === undefined) {
    // Left by a breaker that died in its microseconds? Then it is stale in turn. (Breaking it
    // without a turn of its own has the race described at the top, but needs a death first.)
    removeIfStale(breakPath, BREAK_LIMITS);
    return false;
  }
  try {
    // Our first look may be old news: another breaker may have removed that lock and another
    // waiter taken the lock since. Alone among breakers now, look again.
    removeIfStale(path, limits);
    return true;
  } finally {
    releaseQuietly(breakPath, fd);
  }
}

function removeIfStale(path: string, limits: Limits): void {
  const seen = look(path, limits);
  if (!seen) return;
  try {
    if (seen.stale) removeIfSame(path, seen.fd);
  } finally {
    closeSync(seen.fd);
  }
}

interface Seen {
  fd: number;
  holder: LockHolder | undefined;
  stale: boolean;
}

/**
 * Judges the lock file at `path`, keeping it open (see removeIfSame); undefined when it is gone.
 * Throws UntrustedLock for a file no awsrole could have left there (see untrusted()).
 */
function look(path: string, limits: Limits): Seen | undefined {
  let fd: number | undefined;
  try {
    fd = openForReading(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw untrustedLock(path, code === 'ELOOP' ? 'it is a symlink' : `it cannot be opened (${code ?? String(error)})`);
  }
  if (fd === undefined) return undefined;
  try {
    const stats = fstatSync(fd);
    const problem = untrusted(stats);
    if (problem) throw untrustedLock(path, problem);
    let text: string;
    try {
      text = readAtMost(fd, LOCK_MAX_BYTES, path).toString('utf8');
    } catch (error) {
      throw untrustedLock(path, (error as Error).message.replace(` (${path})`, ''));
    }
    const holder = parseHolder(text);
    // The file system's clock, not the holder's createdAt: garbage has no createdAt to trust.
    const age = Date.now() - stats.mtimeMs;
    if (age < -FUTURE_SKEW_MS) throw untrustedLock(path, `it was modified in the future (${new Date(stats.mtimeMs).toISOString()})`, holder);
    const stale = holder ? age > limits.maxAgeMs || isDeadHolder(path, holder) : age > limits.unreadableGraceMs;
    return { fd, holder, stale };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/**
 * Why no awsrole could have left this lock file, or undefined. Our lock files are regular files
 * of ours, created 0600 (the umask can only narrow that), of a few dozen bytes.
 */
function untrusted(stats: Stats): string | undefined {
  return stats.isFile() ? notTrusted(stats, 'it') : 'it is not a regular file';
}

function glance(path: string, limits: Limits): Omit<Seen, 'fd'> | undefined {
  const seen = look(path, limits);
  if (seen) closeSync(seen.fd);
  return seen;
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockHolder> | null;
    if (!value || !Number.isSafeInteger(value.pid) || value.pid! <= 0) return undefined;
    const holder: LockHolder = { pid: value.pid!, hostname: String(value.hostname ?? ''), createdAt: String(value.createdAt ?? '') };
    if (typeof value.startTime === 'string') holder.startTime = value.startTime;
    return holder;
  } catch {
    return undefined;
  }
}

/**
 * Only a holder on this host can be checked; one elsewhere (a home directory shared over NFS)
 * is stale only by age. A lock with our own pid that we do not hold was left by an earlier process
 * that had our pid (containers reuse small pids): without this we would wait for ourselves.
 */
function isDeadHolder(path: string, holder: LockHolder): boolean {
  if (holder.hostname !== os.hostname()) return false;
  if (holder.pid === process.pid) return !held.has(path);
  const status = linuxProcessStatus(holder.pid);
  if (status === 'gone') return true;
  if (status) {
    // A zombie (killed, its parent has not reaped it yet) still answers kill(pid, 0): it is dead.
    if (status.state === 'Z' || status.state === 'X') return true;
    // Another process now has the pid.
    if (holder.startTime !== undefined) return holder.startTime !== status.startTime;
    // Every awsrole on Linux records its start time: a live pid without one was not written by a holder.
    throw untrustedLock(path, `it names pid ${holder.pid}, which is alive, but not its start time as awsrole records it`, holder);
  }
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    // EPERM: the process exists but is another user's. Alive, as far as we can tell.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Removes `path` only if it is still the file open as `fd`, and says whether it did. rename()
 * takes whatever is there aside atomically (of several callers, one gets it); it is deleted if
 * it is the same device and inode as `fd` (exact: the open descriptor keeps the inode from being
 * reused by a newer file), else put back with link(), which fails rather than overwrite.
 * What this cannot repair: a newer lock taken aside by mistake while a third process created one
 * in the moment before link(). With breakers taking turns, that needs a holder past the maximum
 * age releasing during a breaker's turn (exclusion was already given up for it), or two breakers
 * at once on a break file whose holder died; the cost is one redundant STS call, not a corrupt
 * cache (entries are written atomically).
 */
function removeIfSame(path: string, fd: number): boolean {
  const ours = fstatSync(fd);
  const isOurs = (stats: Stats) => stats.dev === ours.dev && stats.ino === ours.ino;
  // A cheap first look: usually the file was replaced long before, and we need not touch it.
  try {
    if (!isOurs(lstatSync(path))) return false;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  const aside = `${path}.${process.pid}.${randomHex(12)}.stale`;
  try {
    renameSync(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false; // someone else took it
    throw error;
  }
  const same = isOurs(lstatSync(aside));
  if (!same) {
    try {
      linkSync(aside, path);
    } catch {
      // See above: EEXIST means a third lock appeared meanwhile.
    }
  }
  unlinkSync(aside);
  return same;
}

function holding(path: string, fd: number): Release {
  held.set(path, fd);
  watchExits();
  let released = false;
  return () => {
    // Twice must be harmless, and must not release a later lock of ours that reuses the fd number.
    if (released || held.get(path) !== fd) return;
    released = true;
    held.delete(path);
    releaseQuietly(path, fd);
    if (held.size === 0) unwatchSignals();
  };
}

function releaseQuietly(path: string, fd: number): void {
  try {
    removeIfSame(path, fd);
  } catch {
    // Left behind, it is stale as soon as we exit (dead pid): not worth failing a command for.
  }
  try {
    closeSync(fd);
  } catch {
    // Already closed.
  }
}

function releaseAll(): void {
  for (const [path, fd] of held) releaseQuietly(path, fd);
  held.clear();
}

/**
 * Locks are released on `exit` (process.exit, end of the event loop) and on SIGINT, SIGTERM and
 * SIGHUP while one is held. A signal listener replaces Node's default of dying, so when ours is
 * the only one we die of the signal ourselves after releasing; when the program has its own
 * (the CLI may forward signals to a child), that one decides what happens next. We listen only
 * while holding a lock, so that we never change how the program handles signals otherwise.
 * SIGKILL cannot be caught: the next waiter finds the pid dead and breaks the lock at once.
 */
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
let exitWatched = false;
let signalsWatched = false;

function onSignal(signal: NodeJS.Signals): void {
  releaseAll();
  const others = process.listenerCount(signal) > 1;
  unwatchSignals();
  if (!others) process.kill(process.pid, signal);
}

function watchExits(): void {
  if (!exitWatched) process.on('exit', releaseAll);
  exitWatched = true;
  if (!signalsWatched) for (const signal of SIGNALS) process.on(signal, onSignal);
  signalsWatched = true;
}

function unwatchSignals(): void {
  if (signalsWatched) for (const signal of SIGNALS) process.off(signal, onSignal);
  signalsWatched = false;
}

/**
 * On Linux, a process's state and start time from /proc/<pid>/stat: 'gone' when there is no such
 * process, undefined when /proc cannot tell (not Linux, or /proc mounted with hidepid).
 */
function linuxProcessStatus(pid: number): { state: string; startTime: string } | 'gone' | undefined {
  if (process.platform !== 'linux') return undefined;
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'gone' : undefined;
  }
  const fields = statFieldsAfterName(text);
  const [state, startTime] = [fields[0], fields[19]];
  return state && startTime ? { state, startTime } : undefined;
}

function processStartTime(pid: number): string | undefined {
  const status = linuxProcessStatus(pid);
  return typeof status === 'object' ? status.startTime : undefined;
}

/** Thrown for a lock file that no awsrole holder could have left: exit 3, like an untrusted cache directory. */
function untrustedLock(path: string, why: string, holder?: LockHolder): AwsroleError {
  const who = holder ? ` (it names pid ${holder.pid} on ${holder.hostname || 'an unknown host'})` : '';
  return new AwsroleError(
    `the cache lock cannot be trusted: ${why}${who} (${path})`,
    ExitCode.config,
    `if no other awsrole is running, remove it: rm ${shellQuoted(path)}; or run with --no-cache`,
  );
}

function shellQuoted(path: string): string {
  return `'${path.replaceAll("'", `'\\''`)}'`;
}

function timedOut(path: string, holder: LockHolder | undefined, timeoutMs: number): AwsroleError {
  const who = holder ? `pid ${holder.pid} on ${holder.hostname || 'an unknown host'}, since ${holder.createdAt || 'an unknown time'}` : 'holder unknown';
  return new AwsroleError(
    `gave up after ${Math.round(timeoutMs / 1000)} s waiting for the cache lock that another process holds (${who}) (${path})`,
    ExitCode.config,
    `if no other awsrole is running, remove the lock: rm ${shellQuoted(path)}; or run with --no-cache`,
  );
}

/** Not node:timers/promises: loading it costs every cached `use` more than this line. */
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

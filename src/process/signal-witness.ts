import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { readProcessFacts } from './linux-proc.js';

/**
 * Tells whether a signal awsrole received went to its whole process group (a terminal's Ctrl-C,
 * `kill -- -PGID`, `timeout`, a CI runner cancelling a job) or to awsrole alone (`kill PID`).
 * Node does not show a handler the sender (no siginfo), so a witness is asked: a tiny shell in
 * our process group that keeps itself stopped. Signals sent to a stopped process stay pending,
 * and /proc/PID/status shows them: a signal pending in the witness went to the group. The kernel
 * queues a group signal on every member (newest first, so on the witness before awsrole) before
 * kill() returns, so by the time awsrole's handler runs, the witness shows it.
 *
 * Standard signals do not queue twice, so once a signal has been read off the witness it is
 * `rearm`ed: continued, it runs its no-op traps (clearing what was pending) and stops itself
 * again. It answers only while stopped; when it cannot tell (continued by `fg`, not stopped yet,
 * no /proc), `groupSignals` is undefined and the caller falls back on a guess.
 *
 * If awsrole is killed with SIGKILL the witness stays stopped until something continues it; under
 * a job-control shell the kernel does that at once (SIGHUP and SIGCONT to a process group left
 * orphaned with a stopped member), and the witness then sees its parent gone and exits.
 */
export interface SignalWitness {
  /** Signal numbers that reached the whole process group since the last rearm, or undefined when it cannot tell. */
  groupSignals(): Set<number> | undefined;
  /** Forgets what it saw; it cannot tell again until it has stopped itself once more. */
  rearm(): void;
  stop(): void;
  readonly pid: number;
  /** Settles once it can tell (it has stopped itself), or after a bounded wait. */
  readonly ready: Promise<void>;
}

// `$PPID` is awsrole's pid, fixed when the shell starts: once it has died the loop ends.
const WITNESS_SCRIPT = 'trap : HUP INT TERM; while kill -0 "$PPID" 2>/dev/null; do kill -STOP "$$"; done';
const WITNESSED = [constants.signals.SIGHUP, constants.signals.SIGINT, constants.signals.SIGTERM];
const READY_WITHIN_MS = 500;

/** Starts the witness; undefined where there is no /proc. */
export function startSignalWitness(): SignalWitness | undefined {
  if (process.platform !== 'linux' || !readProcessFacts('self')) return undefined;
  const child = spawn('/bin/sh', ['-c', WITNESS_SCRIPT], { stdio: 'ignore' });
  child.on('error', () => undefined); // no /bin/sh: no witness (pid is then undefined)
  const pid = child.pid;
  if (pid === undefined) return undefined;
  child.unref();
  const stop = (): void => {
    process.off('exit', stop);
    child.kill('SIGKILL');
  };
  process.on('exit', stop);
  return {
    groupSignals() {
      const facts = readProcessFacts(pid);
      if (facts?.state !== 'T') return undefined;
      return new Set(WITNESSED.filter((signal) => facts.pending.has(signal)));
    },
    rearm: () => void child.kill('SIGCONT'),
    stop,
    pid,
    ready: stopped(pid),
  };
}

async function stopped(pid: number): Promise<void> {
  const deadline = Date.now() + READY_WITHIN_MS;
  for (let facts = readProcessFacts(pid); facts && facts.state !== 'T' && Date.now() < deadline; facts = readProcessFacts(pid)) {
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

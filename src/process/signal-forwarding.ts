import { constants } from 'node:os';
import { isatty } from 'node:tty';
import { readProcessFacts } from './linux-proc.js';
import { startSignalWitness } from './signal-witness.js';

/**
 * A signal for the command awsrole runs (exec) reaches it exactly once. The command runs in
 * awsrole's process group, so that it stays in the terminal's foreground group (Ctrl-C, Ctrl-Z,
 * reading the terminal, /dev/tty all work as if it ran alone). A signal sent to that group — by a
 * terminal, `timeout`, `kill -- -PGID`, a CI runner — therefore reaches the command from the
 * kernel already; one sent to awsrole alone (`kill PID`, `docker stop`) does not. awsrole forwards
 * only the second kind, telling them apart with a witness (see signal-witness.ts).
 *
 * The alternatives do not fit Node: tini and dumb-init put the child in a group of its own and
 * hand it the terminal (setpgid + tcsetpgrp), sudo reads the sender from siginfo; Node has
 * neither (its `detached` is setsid, which takes the terminal away). aws-vault replaces itself
 * with the command (execve), which Node 20 cannot either. The same rule serves credential_process
 * and MFA helpers (helper-command.ts), with the helper's whole process tree as the target.
 */
export const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
type ForwardedSignal = (typeof FORWARDED_SIGNALS)[number];

export interface ForwardingFacts {
  signal: number;
  /** Whether the signal went to awsrole's whole process group; undefined when that cannot be told. */
  toGroup: boolean | undefined;
  /** The command as /proc shows it now; undefined where there is no /proc. */
  child: { inOurGroup: boolean; hasSignal: boolean; ending: boolean } | undefined;
  stdinIsTerminal: boolean;
}

/** Whether awsrole sends the signal it received on to the command. */
export function shouldForward(facts: ForwardingFacts): boolean {
  const { child } = facts;
  // Exiting, or the signal is already pending for it: it has what it needs.
  if (child?.ending || child?.hasSignal) return false;
  // It moved to a group of its own (an interactive shell does): a signal to ours missed it.
  if (child && !child.inOurGroup) return true;
  if (facts.toGroup !== undefined) return !facts.toGroup;
  // Cannot tell (no /proc): a SIGINT while stdin is a terminal is taken for Ctrl-C, which the
  // terminal sent to the whole foreground group; anything else for a signal to awsrole alone.
  return !(facts.signal === constants.signals.SIGINT && facts.stdinIsTerminal);
}

export interface ForwardingOptions {
  /** Sends a signal on; by default to the process alone. */
  deliver?(pid: number, signal: ForwardedSignal): void;
  /** After a signal has been decided on (and sent on or not). */
  received?(signal: ForwardedSignal): void;
}

export interface SignalForwarding {
  /** The first signal that arrived before there was a command to forward it to. */
  readonly interruptedBy: ForwardedSignal | undefined;
  /** From now on, signals are forwarded to this process too (when the rule says so, for each one). */
  forwardTo(pid: number): void;
  /** Stops forwarding to this process (it has exited: its pid may be reused). */
  forget(pid: number): void;
  /** Removes the handlers and ends the witness. */
  stop(): void;
  /**
   * Settles once a signal to the group can be told from one to awsrole alone (a few ms; bounded).
   * Until then the guess of `shouldForward` applies.
   */
  readonly ready: Promise<void>;
}

/**
 * Installs the handlers (which keep the signals from killing awsrole) and starts the witness.
 * Signals are decided on together once per turn of the event loop: `timeout` sends its signal to
 * awsrole and then to the group, and the two arrive together; one pending signal in the witness
 * covers both. A signal the witness saw that awsrole has not yet handled is credited, so that
 * rearming the witness does not lose it.
 */
/** How long signals for awsrole are gathered before deciding whom they reached. */
const BATCH_WINDOW_MS = 30;

export function startSignalForwarding(options: ForwardingOptions = {}): SignalForwarding {
  const deliver = options.deliver ?? sendSignal;
  let interruptedBy: ForwardedSignal | undefined;
  // Usually one (exec's command, a helper); `run` has one per profile running.
  const targets = new Set<number>();
  let batch: Set<ForwardedSignal> | undefined;
  const credited = new Set<number>();
  const stdinIsTerminal = isatty(0);

  const decide = (): void => {
    const signals = batch ?? new Set<ForwardedSignal>();
    batch = undefined;
    if (targets.size === 0) return;
    const seen = witness?.groupSignals();
    const ours = readProcessFacts('self');
    const children = [...targets].map((pid) => ({ pid, facts: readProcessFacts(pid) }));
    for (const name of signals) {
      const signal = constants.signals[name];
      const toGroup = credited.delete(signal) || seen?.has(signal) || (seen ? false : undefined);
      for (const { pid, facts: child } of children) {
        const facts: ForwardingFacts = {
          signal,
          toGroup,
          child: child && ours && {
            inOurGroup: child.pgrp === ours.pgrp,
            hasSignal: child.pending.has(signal),
            ending: child.state === 'Z' || child.state === 'X' || child.pending.has(constants.signals.SIGKILL),
          },
          stdinIsTerminal,
        };
        if (shouldForward(facts)) deliver(pid, name);
      }
    }
    if (seen && seen.size > 0) {
      for (const signal of seen) if (!signals.has(signalName(signal))) credited.add(signal);
      witness?.rearm();
    }
    for (const name of signals) options.received?.(name);
  };
  const onSignal = (name: NodeJS.Signals): void => {
    const signal = name as ForwardedSignal;
    if (targets.size === 0) {
      interruptedBy ??= signal;
      return;
    }
    if (!batch) {
      batch = new Set();
      // Not setImmediate: coreutils' timeout signals the command's pid and then its group a few
      // system calls apart, which can fall into two event-loop turns. Deciding a moment later
      // sees both, and the group's copy in the witness means the kernel already delivered it.
      setTimeout(decide, BATCH_WINDOW_MS);
    }
    batch.add(signal);
  };

  for (const name of FORWARDED_SIGNALS) process.on(name, onSignal);
  const witness = startSignalWitness();
  return {
    get interruptedBy() {
      return interruptedBy;
    },
    forwardTo(pid) {
      targets.add(pid);
    },
    forget(pid) {
      targets.delete(pid);
    },
    stop() {
      for (const name of FORWARDED_SIGNALS) process.off(name, onSignal);
      witness?.stop();
      targets.clear();
    },
    ready: witness?.ready ?? Promise.resolve(),
  };
}

function signalName(signal: number): ForwardedSignal {
  return FORWARDED_SIGNALS.find((name) => constants.signals[name] === signal)!;
}

/** Sends a signal to a process that may have exited meanwhile. */
export function sendSignal(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Gone already.
  }
}

/**
 * Ends awsrole by the signal it received, as it would have ended without a handler — unless
 * other code still listens for that signal (then that code decides). Call after removing ours.
 */
export function dieOf(signal: NodeJS.Signals): void {
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

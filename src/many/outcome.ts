/** What became of each profile in `awsrole run`, and what that makes of awsrole's exit code. Pure. */
import { constants } from 'node:os';

export interface ErrorInfo {
  message: string;
  hint?: string;
  /** awsrole's exit code for the error (DESIGN.md): 2 usage · 3 configuration · 4 AWS refused · 5 unreachable. */
  exitCode: number;
}

export type Outcome =
  /** The command ran (or could not be started: 126, 127) and ended. */
  | {
      kind: 'ran';
      profile: string;
      /** Its exit code; 128+N when signal N killed it, as shells report it. */
      exitCode: number;
      signal?: string;
      durationMs: number;
      /** The first non-blank line it wrote on stderr, or why it could not be started. */
      firstErrorLine?: string;
      /** Why it could not be started (126, 127). */
      startError?: string;
    }
  /** The profile's credentials could not be obtained: its command never ran. */
  | { kind: 'no-credentials'; profile: string; error: ErrorInfo }
  /** Not started: --fail-fast after a failure, or awsrole was interrupted. */
  | { kind: 'not-run'; profile: string; because: 'fail-fast' | 'interrupted' };

export function succeeded(outcome: Outcome): boolean {
  return outcome.kind === 'ran' && outcome.exitCode === 0;
}

/**
 * 0 only when every profile's command ran and succeeded. Interrupted by signal N: 128+N, as
 * `exec`. Otherwise the code of the first profile (in the order given) that failed: its
 * command's exit code, or awsrole's own code for credentials it could not obtain.
 */
export function overallExitCode(outcomes: readonly Outcome[], interruptedBy?: NodeJS.Signals): number {
  if (interruptedBy) return 128 + constants.signals[interruptedBy];
  for (const outcome of outcomes) {
    if (outcome.kind === 'ran' && outcome.exitCode !== 0) return outcome.exitCode;
    if (outcome.kind === 'no-credentials') return outcome.error.exitCode;
  }
  // Only a --fail-fast stop can leave a profile not run, and it follows a failure counted above.
  return outcomes.some((outcome) => outcome.kind === 'not-run') ? 1 : 0;
}

/** `0.4s`, `12.0s`, `1m05s`, `2h03m`: short enough for a table column. */
export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
  const minutes = Math.floor(seconds / 60);
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** The first line with something on it: what a person scanning a summary wants to see. */
export function firstNonBlankLine(text: string): string | undefined {
  return text.split(/\r?\n/).map((line) => line.trim()).find((line) => line !== '');
}

/** What `--json` prints for a profile: one line each, every key always present. */
export interface OutcomeRecord {
  profile: string;
  status: 'succeeded' | 'failed' | 'no-credentials' | 'not-run';
  exitCode: number | null;
  signal: string | null;
  durationMs: number | null;
  stdout: string | null;
  stderr: string | null;
  /** More output than awsrole keeps (16 MiB a stream) was cut. */
  truncated: boolean;
  /** Why no command ran: the credentials error (as `--json` errors are), or why it was not started. */
  error: { message: string; hint: string | null; exitCode: number | null } | null;
}

export function outcomeRecord(outcome: Outcome, captured?: { stdout?: string; stderr?: string; truncated: boolean }): OutcomeRecord {
  const base = { profile: outcome.profile, status: 'not-run' as OutcomeRecord['status'], exitCode: null, signal: null, durationMs: null, stdout: null, stderr: null, truncated: false, error: null };
  if (outcome.kind === 'ran') {
    return {
      ...base,
      status: outcome.exitCode === 0 ? 'succeeded' : 'failed',
      exitCode: outcome.exitCode,
      signal: outcome.signal ?? null,
      durationMs: outcome.durationMs,
      stdout: captured?.stdout ?? '',
      stderr: captured?.stderr ?? '',
      truncated: captured?.truncated ?? false,
      error: outcome.startError === undefined ? null : { message: outcome.startError, hint: null, exitCode: null },
    };
  }
  if (outcome.kind === 'no-credentials') {
    const { message, hint, exitCode } = outcome.error;
    return { ...base, status: 'no-credentials', error: { message, hint: hint ?? null, exitCode } };
  }
  const message = outcome.because === 'fail-fast' ? 'not run: another profile failed (--fail-fast)' : 'not run: interrupted';
  return { ...base, status: 'not-run', error: { message, hint: null, exitCode: null } };
}

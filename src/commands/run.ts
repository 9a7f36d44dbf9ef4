/**
 * `awsrole run --profiles 'prod-*,audit' [--parallel N] -- <command> [args…]`: one command in
 * many profiles. First the credentials of every profile (in parallel, through the cache, each
 * MFA code asked once), then the command in each profile with that profile's variables (as
 * `exec` sets them), N at a time, its output prefixed or grouped, and a summary at the end.
 */
import { readFileSync } from 'node:fs';
import { loadConfig } from '../config/load.js';
import { AwsroleError, ExitCode, UsageError } from '../errors/errors.js';
import { forPeople, LINE_LIMIT } from '../output/for-people.js';
import { useColour } from '../output/colour.js';
import { sessionVariables } from '../output/variables.js';
import { childEnvironment } from '../process/exec.js';
import { FORWARDED_SIGNALS, startSignalForwarding } from '../process/signal-forwarding.js';
import { runPlan, type Effects } from '../run/run-plan.js';
import type { Session } from '../run/credentials.js';
import { runChild } from '../many/child.js';
import { outcomeRecord, overallExitCode, succeeded, type ErrorInfo, type Outcome } from '../many/outcome.js';
import { createOutput, type Captured, type OutputMode } from '../many/output.js';
import { forEachLimited } from '../many/pool.js';
import { parseProfileFile, selectProfiles, splitProfileList } from '../many/select.js';
import { summaryTable } from '../many/summary.js';
import type { CommandContext, CredentialOptions } from './context.js';
import { effectsFor, planFor } from './obtain-session.js';

export interface RunOptions extends CredentialOptions {
  profiles?: string;
  fromFile?: string;
  parallel?: string;
  group?: boolean;
  failFast?: boolean;
  json?: boolean;
  quiet?: boolean;
}

const DEFAULT_PARALLEL = 4;

export async function runInProfiles(commandLine: string[], options: RunOptions, context: CommandContext): Promise<number> {
  const [command, args] = commandOf(commandLine);
  const parallel = parallelFlag(options.parallel);
  const profiles = chosenProfiles(options, context);
  context.debug(`run: ${profiles.length} profile(s), ${parallel} at a time: ${profiles.join(', ')}`);

  const outcomes = new Map<string, Outcome>();
  /** Keeps a profile's outcome and prints its --json record; true when nothing more is to start (--fail-fast). */
  const settle = (outcome: Outcome, captured?: Captured): boolean => {
    outcomes.set(outcome.profile, outcome);
    if (options.json) context.stdout.write(`${JSON.stringify(outcomeRecord(outcome, captured))}\n`);
    return options.failFast === true && !succeeded(outcome);
  };

  // 1. Credentials for every profile before any command runs, so that prompts come first, alone.
  const credentials = profileCredentials(options, context);
  const { sessions, stopped } = await obtainEvery(profiles, parallel, credentials, settle);
  // 2. The command in each profile that has them.
  const interruptedBy = stopped
    ? undefined
    : await runCommands(profiles.filter((profile) => sessions.has(profile)), {
        command,
        args,
        parallel,
        mode: options.json ? 'json' : options.group ? 'group' : 'prefix',
        profiles,
        sessions,
        credentials,
        context,
        // stdin goes to the command only when there is exactly one to give it to.
        inheritStdin: profiles.length === 1 && options.fromFile !== '-',
        settle,
      });

  const all = profiles.map((profile) => {
    const outcome = outcomes.get(profile);
    if (outcome) return outcome;
    const notRun: Outcome = { kind: 'not-run', profile, because: interruptedBy ? 'interrupted' : 'fail-fast' };
    settle(notRun);
    return notRun;
  });
  if (!options.json && !(options.quiet && all.every(succeeded))) {
    context.stderr.write(summaryTable(all, useColour(context.stderr, context.env)));
  }
  return overallExitCode(all, interruptedBy);
}

/** Where each profile's credentials come from: one set of effects (one STS client, one cache) for all. */
interface ProfileCredentials {
  /** The profile's session, cache first; throws as runPlan does. */
  obtain(profile: string): Promise<Session>;
  /** Whether a session obtained earlier still has more than --min-ttl left. */
  stillGood(session: Session): boolean;
  /** The outcome of a profile whose credentials could not be had, said on stderr at once (unless --json). */
  failed(profile: string, error: unknown): Outcome;
}

function profileCredentials(options: RunOptions, context: CommandContext): ProfileCredentials {
  const effects = runEffects(options, context);
  return {
    obtain: (profile) => runPlan(planFor(profile, options, context), effects),
    stillGood(session) {
      const expiration = session.credentials.expiration;
      return !expiration || expiration.getTime() - effects.now().getTime() > effects.minTtlSeconds * 1000;
    },
    failed(profile, error) {
      const outcome = { kind: 'no-credentials', profile, error: errorInfo(error) } as const;
      if (!options.json) {
        context.stderr.write(`awsrole: no credentials for ${forPeople(profile)}: ${outcome.error.message}\n`);
        if (outcome.error.hint) context.stderr.write(`  hint: ${outcome.error.hint}\n`);
      }
      return outcome;
    },
  };
}

/** Every profile's credentials, `parallel` at a time. */
async function obtainEvery(
  profiles: string[],
  parallel: number,
  credentials: ProfileCredentials,
  settle: (outcome: Outcome) => boolean,
): Promise<{ sessions: Map<string, Session>; stopped: boolean }> {
  const sessions = new Map<string, Session>();
  let stopped = false;
  const obtain = async (profile: string): Promise<void> => {
    try {
      sessions.set(profile, await credentials.obtain(profile));
    } catch (error) {
      if (settle(credentials.failed(profile, error))) stopped = true;
    }
  };
  await forEachLimited(profiles, parallel, obtain, () => stopped);
  return { sessions, stopped };
}

interface CommandsRun {
  command: string;
  args: string[];
  parallel: number;
  mode: OutputMode;
  profiles: string[];
  sessions: Map<string, Session>;
  credentials: ProfileCredentials;
  context: CommandContext;
  inheritStdin: boolean;
  /** After each profile; true stops starting new ones (--fail-fast). */
  settle(outcome: Outcome, captured?: Captured): boolean;
}

/** Runs the commands; resolves once all started have ended, with the signal that interrupted them, if one did. */
async function runCommands(ready: string[], run: CommandsRun): Promise<NodeJS.Signals | undefined> {
  if (ready.length === 0) return undefined;
  const { context } = run;
  // As exec: SIGINT, SIGTERM, SIGHUP reach each running command once (signal-forwarding.ts);
  // and once one has come, no further command starts.
  const forwarding = startSignalForwarding();
  let interruptedBy: NodeJS.Signals | undefined;
  const interrupted = (signal: NodeJS.Signals) => void (interruptedBy ??= signal);
  for (const name of FORWARDED_SIGNALS) process.on(name, interrupted);
  let stop = false;
  try {
    await forwarding.ready;
    const sinkFor = createOutput({
      mode: run.mode,
      profiles: run.profiles,
      stdout: context.stdout,
      stderr: context.stderr,
      colourStdout: useColour(context.stdout, context.env),
      colourStderr: useColour(context.stderr, context.env),
    });
    await forEachLimited(
      ready,
      run.parallel,
      async (profile) => {
        let session = run.sessions.get(profile)!;
        if (!run.credentials.stillGood(session)) {
          // A long run, few at a time: what was obtained at the start may be about to expire.
          context.debug(`run: the credentials of ${profile} expire within --min-ttl: obtaining them again`);
          try {
            session = await run.credentials.obtain(profile);
          } catch (error) {
            if (run.settle(run.credentials.failed(profile, error))) stop = true;
            return;
          }
        }
        const env = childEnvironment(context.env, sessionVariables(session));
        context.debug(`run: starting ${run.command} in ${profile}`);
        const sink = sinkFor(profile);
        const end = await runChild(run.command, run.args, env, { inheritStdin: run.inheritStdin, sink, forwarding });
        const captured = sink.end();
        const outcome: Outcome = {
          kind: 'ran',
          profile,
          exitCode: end.exitCode,
          durationMs: end.durationMs,
          ...(end.signal ? { signal: end.signal } : {}),
          ...(end.startError ? { startError: end.startError } : {}),
        };
        const firstErrorLine = end.startError ?? captured.firstErrorLine;
        if (firstErrorLine !== undefined) outcome.firstErrorLine = firstErrorLine;
        if (run.settle(outcome, captured)) stop = true;
      },
      () => stop || interruptedBy !== undefined,
    );
  } finally {
    for (const name of FORWARDED_SIGNALS) process.off(name, interrupted);
    forwarding.stop();
  }
  return interruptedBy;
}

/** The shared effects of every profile's plan, with MFA codes asked one at a time. */
function runEffects(options: RunOptions, context: CommandContext): Effects {
  // No spinners: several calls run at once, and a prompt may be waiting on the same terminal.
  const effects = effectsFor({ ...options, quiet: true }, context);
  // Profiles sharing an mfa_serial wait on its MFA session's cache lock while the first asks
  // (run-plan.ts), so a code is asked once per device; different devices are asked in turn.
  const ask = effects.mfaCode;
  let turn: Promise<unknown> = Promise.resolve();
  effects.mfaCode = (request) => {
    const asking = turn.then(() => ask(request));
    turn = asking.catch(() => undefined);
    return asking;
  };
  return effects;
}

function commandOf(commandLine: string[]): [string, string[]] {
  // Commander passes everything after awsrole's own options through, `--` included.
  const separated = commandLine[0] === '--';
  const [command, ...args] = separated ? commandLine.slice(1) : commandLine;
  if (!command) throw new UsageError('run needs a command to run', "awsrole run --profiles 'prod-*' -- aws sts get-caller-identity");
  if (!separated && command.startsWith('-')) {
    throw new UsageError(`"${command}" is not a command`, "awsrole run --profiles 'prod-*' [options] -- <command> [args...]");
  }
  return [command, args];
}

function parallelFlag(text: string | undefined): number {
  if (text === undefined) return DEFAULT_PARALLEL;
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1) throw new UsageError(`--parallel takes a whole number from 1 up, not "${text}"`);
  return Number(text);
}

function chosenProfiles(options: RunOptions, context: CommandContext): string[] {
  if (options.profiles === undefined && options.fromFile === undefined) {
    throw new UsageError('run needs --profiles or --from-file', "awsrole run --profiles 'prod-*,audit' -- aws sts get-caller-identity");
  }
  const patterns = [...splitProfileList(options.profiles ?? ''), ...(options.fromFile === undefined ? [] : parseProfileFile(readList(options.fromFile)))];
  return selectProfiles(patterns, [...loadConfig(context.env).profiles.keys()]);
}

/** The --from-file list; `-` is stdin. */
function readList(path: string): string {
  try {
    return readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read the profile list ${forPeople(path)} (--from-file): ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

/** An error as the summary and `--json` show it: the message reportError would print, and its code. */
function errorInfo(error: unknown): ErrorInfo {
  if (error instanceof AwsroleError) {
    return { message: forPeople(error.message, LINE_LIMIT), exitCode: error.exitCode, ...(error.hint ? { hint: forPeople(error.hint, LINE_LIMIT) } : {}) };
  }
  const message = `unexpected error: ${error instanceof Error ? error.message : String(error)}`;
  return { message: forPeople(message, LINE_LIMIT), exitCode: ExitCode.unexpected, hint: 'run again with --debug to see where it happened' };
}

import { loadConfig } from '../config/load.js';
import type { LoadedConfig } from '../config/types.js';
import type { Session } from '../run/credentials.js';
import { parseSeconds } from '../time/duration.js';
import { runCommand, childEnvironment } from '../process/exec.js';
import { UsageError } from '../errors/errors.js';
import { sessionVariables } from '../output/variables.js';
import { recordRecentProfile } from '../picker/recent-profiles.js';
import type { Plan } from '../plan/types.js';
import { lastHopChained, ROLE_CHAINING_MAX_SECONDS, runPlan } from '../run/run-plan.js';
import { execServerDefault } from '../server/setting.js';
import type { CommandContext, CredentialOptions } from './context.js';
import { effectsFor, planFor } from './obtain-session.js';
import type { ServerOptions } from './server-options.js';

export interface ExecOptions extends CredentialOptions, Pick<ServerOptions, 'minTtlFromUser'> {
  /** --server / --no-server; undefined: the profile's awsrole_exec_server or $AWSROLE_EXEC_SERVER. */
  server?: boolean;
  /** --for: how long the command is expected to run. */
  for?: string;
}

export async function execCommand(
  profile: string,
  commandLine: string[],
  options: ExecOptions,
  context: CommandContext,
): Promise<number> {
  // Commander passes everything after the profile through, `--` included.
  const separated = commandLine[0] === '--';
  const [command, ...args] = separated ? commandLine.slice(1) : commandLine;
  if (!command) throw new UsageError('exec needs a command to run', `awsrole exec ${profile} -- aws sts get-caller-identity`);
  if (!separated && command.startsWith('-')) {
    throw new UsageError(
      `"${command}" is not a command: awsrole's options go before the profile`,
      `awsrole exec [options] ${profile} -- <command> [args...]`,
    );
  }
  const needSeconds = options.for === undefined ? undefined : parseSeconds(options.for, '--for');
  const config = loadConfig(context.env);
  if (useServer(profile, options, config, context)) {
    // The server (node:http, the refresher) loads only on this path.
    const { execWithServer } = await import('./exec-server.js');
    return execWithServer(profile, command, args, options, context);
  }
  const plan = planFor(profile, options, context, config);
  const session = await runPlan(plan, effectsFor(options, context));
  // Recorded once the credentials are there: the child's own exit code says nothing about the profile.
  recordRecentProfile(context.env, profile, context.debug);
  warnIfTooShort(plan, session, needSeconds, context);
  const env = childEnvironment(context.env, sessionVariables(session));
  context.debug(`exec: running ${command} with the credentials of ${profile}`);
  return runCommand(command, args, env);
}

function useServer(profile: string, options: ExecOptions, config: LoadedConfig, context: CommandContext): boolean {
  if (options.server !== undefined) return options.server;
  const chosen = execServerDefault(config.profiles.get(profile), context.env);
  if (chosen) context.debug(`exec: ${chosen.enabled ? 'through a credentials server' : 'with keys in the environment'} (${chosen.source})`);
  return chosen?.enabled ?? false;
}

/**
 * Keys in the environment cannot be renewed in a running process. When they will expire before
 * the command is done (--for), say so, and what would not expire: the credentials server.
 */
function warnIfTooShort(plan: Plan, session: Session, needSeconds: number | undefined, context: CommandContext): void {
  const expiration = session.credentials.expiration;
  if (!expiration) return;
  const suggestion = `awsrole exec --server ${plan.profile} -- … renews them while the command runs`;
  const chained = lastHopChained(plan);
  if (needSeconds === undefined) {
    // Asking for more than an hour says the job is long; run-plan has already said it got one hour.
    const last = plan.steps.at(-1);
    const asked = last?.kind === 'assume-role' ? last.durationSeconds?.value : undefined;
    if (chained && asked !== undefined && asked > ROLE_CHAINING_MAX_SECONDS) {
      context.warn(`the credentials of ${plan.profile} last 1 hour at most (role chaining); ${suggestion}`);
    }
    return;
  }
  const leftSeconds = Math.floor((expiration.getTime() - Date.now()) / 1000);
  if (leftSeconds >= needSeconds) return;
  const why = chained ? ' (a role assumed through another role lasts 1 hour at most)' : '';
  context.warn(
    `the credentials expire at ${expiration.toISOString()}, in ${describeMinutes(leftSeconds)}, before the ${describeMinutes(needSeconds)} given with --for${why}; ${suggestion}`,
  );
}

function describeMinutes(seconds: number): string {
  const minutes = Math.max(0, Math.round(seconds / 60));
  return minutes < 120 ? `${minutes} min` : `${Math.floor(minutes / 60)} h${minutes % 60 ? ` ${minutes % 60} min` : ''}`;
}

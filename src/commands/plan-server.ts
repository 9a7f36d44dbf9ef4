import type { Plan } from '../plan/types.js';
import { runPlan } from '../run/run-plan.js';
import { startCredentialServer, type CredentialServer, type ServerSettings } from '../server/credential-server.js';
import type { CommandContext, CredentialOptions } from './context.js';
import { effectsFor } from './obtain-session.js';

/**
 * The credentials server of `exec --server` and `serve`, obtaining sessions by running the plan.
 * The first run may show a spinner and obey --refresh/--refresh-mfa; the renewals run while
 * something else owns the terminal: no spinner, cache first. Both treat a session as spent once
 * inside the server's refresh window.
 */
export function startPlanServer(plan: Plan, options: CredentialOptions, settings: ServerSettings, context: CommandContext): Promise<CredentialServer> {
  const first = { ...effectsFor(options, context), minTtlSeconds: settings.windowSeconds };
  const later = { ...effectsFor({ ...options, quiet: true, refresh: false, refreshMfa: false }, context), minTtlSeconds: settings.windowSeconds };
  let runs = 0;
  return startCredentialServer(() => runPlan(plan, runs++ === 0 ? first : later), settings, {
    now: () => new Date(),
    debug: context.debug,
    warn: context.warn,
  });
}

import { userInfo } from 'node:os';
import { loadConfig } from '../config/load.js';
import { UsageError } from '../errors.js';
import type { Session } from '../credentials.js';
import { resolvePlan } from '../plan/resolve.js';
import type { Plan } from '../plan/types.js';
import { runPlan } from '../run-plan.js';
import type { StsCaller } from '../sts/types.js';
import type { CommandContext, CredentialOptions } from './context.js';

/** Files → plan, with no network. */
export function planFor(profile: string, options: CredentialOptions, context: CommandContext): Plan {
  const config = loadConfig(context.env);
  return resolvePlan({ config, env: context.env, localUser: () => userInfo().username }, profile, {
    region: options.region,
    durationSeconds: options.duration,
    sessionName: options.sessionName,
    externalId: options.externalId,
  });
}

/** Files → plan → credentials: the path shared by use, exec, export and credential-process. */
export async function obtainSession(
  profile: string,
  options: CredentialOptions,
  context: CommandContext,
): Promise<Session> {
  const plan = planFor(profile, options, context);
  context.debug(`profile ${profile}: plan has ${plan.steps.length} step(s)`);
  return runPlan(plan, {
    env: context.env,
    sts: () => lazyStsCaller(stsTimeoutMs(context)),
    mfaCode: options.mfaCode,
    debug: context.debug,
  });
}

/** AWSROLE_STS_TIMEOUT: seconds one STS attempt may take (default 10). */
function stsTimeoutMs(context: CommandContext): number | undefined {
  const raw = context.env.AWSROLE_STS_TIMEOUT;
  if (raw === undefined || raw === '') return undefined;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new UsageError(`AWSROLE_STS_TIMEOUT must be a positive number of seconds, not "${raw}"`);
  }
  return seconds * 1000;
}

let caller: Promise<StsCaller> | undefined;

/** Imports the STS module (and through it the AWS SDK) on the first call only. */
function lazyStsCaller(timeoutMs: number | undefined): StsCaller {
  caller ??= import('../sts/client.js').then((module) => module.createStsCaller(timeoutMs));
  return {
    assumeRole: async (...args) => (await caller!).assumeRole(...args),
    getCallerIdentity: async (...args) => (await caller!).getCallerIdentity(...args),
  };
}

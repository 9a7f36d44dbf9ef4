import { os } from '../startup/lazy-builtin.js';
import { roleChains, type RoleChains } from '../cache/cli-cache-trust.js';
import { cacheEncryptedWithKeystore } from '../cache/encryption-setting.js';
import { SessionCache } from '../cache/sessions.js';
import { loadConfig } from '../config/load.js';
import type { Session } from '../run/credentials.js';
import { parseSeconds } from '../time/duration.js';
import { awsCliCacheDirectory, cacheDirectory } from '../environment/env.js';
import { UsageError } from '../errors/errors.js';
import { withSpinner } from '../output/spinner.js';
import { resolvePlan } from '../plan/resolve.js';
import { MAX_DURATION, MIN_DURATION } from '../plan/validate.js';
import type { Plan } from '../plan/types.js';
import { runPlan, type Effects } from '../run/run-plan.js';
import type { StsCaller } from '../sts/types.js';
import type { CommandContext, CredentialOptions } from './context.js';

const DEFAULT_MIN_TTL_SECONDS = 5 * 60;
// GetSessionToken's maximum for IAM users: 36 hours, so one code covers a working day and more.
const DEFAULT_MFA_SESSION_SECONDS = 129_600;

/** Files → plan, with no network. `config`: the files as the caller read them already, if it did. */
export function planFor(profile: string, options: CredentialOptions, context: CommandContext, config = loadConfig(context.env)): Plan {
  return resolvePlan({ config, env: context.env, localUser: os.userName }, profile, {
    region: options.region,
    durationSeconds: options.duration === undefined ? undefined : String(durationFlag(options.duration)),
    sessionName: options.sessionName,
    externalId: options.externalId,
  });
}

/** `--duration` takes what every duration flag takes (`3600`, `60m`, `1h`), within what STS allows. */
function durationFlag(text: string): number {
  const seconds = parseSeconds(text, '--duration');
  if (seconds < MIN_DURATION || seconds > MAX_DURATION) {
    throw new UsageError(
      `--duration must be from 15m to 12h (${MIN_DURATION} to ${MAX_DURATION} seconds), not "${text}"`,
      "STS's limits for AssumeRole; the role's own maximum session duration may be lower",
    );
  }
  return seconds;
}

/** Files → plan → credentials: the path shared by use, exec, export and credential-process. */
export async function obtainSession(
  profile: string,
  options: CredentialOptions & { quiet?: boolean },
  context: CommandContext,
): Promise<Session> {
  const plan = planFor(profile, options, context);
  context.debug(`profile ${profile}: plan has ${plan.steps.length} step(s)`);
  if ((options.mfaCode !== undefined || options.mfaCommand !== undefined) && !plan.steps.some((step) => step.kind === 'assume-role' && step.mfaSerial)) {
    const flag = options.mfaCode !== undefined ? '--mfa-code' : '--mfa-command';
    context.warn(`${flag} is ignored: profile "${profile}" uses no MFA device (no mfa_serial on its chain)`);
  }
  return runPlan(plan, effectsFor(options, context));
}

export function effectsFor(options: CredentialOptions & { quiet?: boolean }, context: CommandContext): Effects {
  const { env } = context;
  const now = () => new Date();
  const mfaSessionSeconds = options.mfaDuration ? parseSeconds(options.mfaDuration, '--mfa-duration') : DEFAULT_MFA_SESSION_SECONDS;
  if (mfaSessionSeconds < 900 || mfaSessionSeconds > DEFAULT_MFA_SESSION_SECONDS) {
    throw new UsageError('--mfa-duration must be from 15m to 36h (what STS allows for GetSessionToken)');
  }
  const spin = <T>(message: string, work: () => Promise<T>) => withSpinner(context.stderr, message, work, { env: context.env });
  const effects: Effects = {
    env,
    sts: () => {
      const sts = lazyStsCaller(stsTimeoutMs(context));
      return options.quiet ? sts : withSpinners(sts, spin);
    },
    // Loaded only when a hop needs a code: the prompt, the terminal and helper commands stay off
    // the startup path of a cached `use`.
    mfaCode: async (request) => {
      const { createMfaCodeProvider } = await import('../mfa/index.js');
      return createMfaCodeProvider({ code: options.mfaCode, command: options.mfaCommand }, { env, stderr: context.stderr })(request);
    },
    now,
    minTtlSeconds: options.minTtl ? parseSeconds(options.minTtl, '--min-ttl') : DEFAULT_MIN_TTL_SECONDS,
    refresh: options.refresh ?? false,
    refreshMfa: options.refreshMfa ?? false,
    mfaSessionSeconds,
    debug: context.debug,
    warn: context.warn,
    get stderr() {
      return context.stderr; // only when a source needs it (cli.ts says why)
    },
    ...(options.quiet ? {} : { spin }),
  };
  if (options.cache !== false) {
    // Encrypted sessions are never shared with the AWS CLI, whose cache format is plaintext.
    const encrypted = cacheEncryptedWithKeystore(env);
    const awsCliDir = options.cliCache === false || encrypted ? undefined : awsCliCacheDirectory(env);
    const loadSealer = encrypted ? async () => (await import('../keys/entry-sealer.js')).keystoreSealer(env, context.info) : undefined;
    effects.cache = new SessionCache({ dir: cacheDirectory(env), awsCliDir, now, debug: context.debug, warn: context.warn, ...(loadSealer && { loadSealer }) });
    let chains: RoleChains | undefined;
    effects.roleChains = () => (chains ??= everyRoleChain(context));
  }
  return effects;
}

/** The chains of every profile that resolves (with no flags: as the AWS CLI would run them). */
function everyRoleChain(context: CommandContext): RoleChains {
  const config = loadConfig(context.env);
  const resolveContext = { config, env: context.env, localUser: os.userName };
  const plans = [...config.profiles.keys()].flatMap((name) => {
    try {
      return [resolvePlan(resolveContext, name)];
    } catch {
      return []; // a broken profile runs no chain
    }
  });
  return roleChains(plans);
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

/**
 * Each STS request with a spinner on stderr while it takes long (on a terminal only). Only the
 * request itself: an MFA code is asked for before the call, so no prompt ever waits under it.
 */
function withSpinners(sts: StsCaller, spin: <T>(message: string, work: () => Promise<T>) => Promise<T>): StsCaller {
  return {
    assumeRole: (target, credentials, request) =>
      spin(`assuming ${request.roleArn}`, () => sts.assumeRole(target, credentials, request)),
    assumeRoleWithWebIdentity: (target, request) =>
      spin(`assuming ${request.roleArn} with a web identity token`, () => sts.assumeRoleWithWebIdentity(target, request)),
    getSessionToken: (target, credentials, request) =>
      spin('getting an MFA session', () => sts.getSessionToken(target, credentials, request)),
    getCallerIdentity: (target, credentials) =>
      spin('asking STS who this is (GetCallerIdentity)', () => sts.getCallerIdentity(target, credentials)),
  };
}

let caller: Promise<StsCaller> | undefined;

/** Imports the STS module (and through it the AWS SDK) on the first call only. */
function lazyStsCaller(timeoutMs: number | undefined): StsCaller {
  caller ??= import('../sts/client.js').then((module) => module.createStsCaller(timeoutMs));
  return {
    assumeRole: async (...args) => (await caller!).assumeRole(...args),
    assumeRoleWithWebIdentity: async (...args) => (await caller!).assumeRoleWithWebIdentity(...args),
    getSessionToken: async (...args) => (await caller!).getSessionToken(...args),
    getCallerIdentity: async (...args) => (await caller!).getCallerIdentity(...args),
  };
}

import { callAssumeRole, stsError, type HopPlace } from './assume-hop.js';
import { awsCliShare, type AwsCliShare, type RoleChains } from '../cache/cli-cache-trust.js';
import { hopCacheKey, hopIdentity, keysIdentity, mfaSessionKey } from '../cache/keys.js';
import type { SessionCache } from '../cache/sessions.js';
import type { Credentials, Session } from './credentials.js';
import { refuseStale, SOURCE_NAMES } from './fresh-credentials.js';
import type { Env } from '../environment/env.js';
import { maskAccessKeyId } from '../output/mask.js';
import type { AssumeRoleStep, Plan, SourceStep } from '../plan/types.js';
import { givesRoleSession, knownIdentity, sourceCredentials } from '../sources/index.js';
import type { SourceResult } from '../sources/types.js';
import { describeSource } from '../plan/where.js';
import type { AssumedRole, AssumeRoleRequest, StsCaller } from '../sts/types.js';

/** STS rule: a session obtained with role-session credentials (role chaining) lasts 1 hour at most. */
export const ROLE_CHAINING_MAX_SECONDS = 3600;

export interface MfaCodeRequest {
  serial: string;
  profile: string;
  mfaProcess?: { command: string; origin: string };
}

/** What running a plan may touch. Passed in, so tests can run plans without a network. */
export interface Effects {
  env: Env;
  /** Created on the first STS call only, so plans without one never load the AWS SDK. */
  sts: () => StsCaller;
  /** Asked only when a hop needs a new MFA code. */
  mfaCode: (request: MfaCodeRequest) => Promise<string>;
  /** Undefined with --no-cache. */
  cache?: SessionCache;
  now: () => Date;
  /** A cached session is reused only while more than this remains (--min-ttl). */
  minTtlSeconds: number;
  /** --refresh: obtain every role session anew (an MFA session is still reused). */
  refresh: boolean;
  /** --refresh-mfa: obtain the MFA session anew as well (a new code is asked for); implies refresh. */
  refreshMfa?: boolean;
  /**
   * Every profile chain in the user's files, by role: whether an AWS CLI cache entry can only be
   * this chain's (cli-cache-trust.ts). Called only when such an entry is there or about to be
   * written; without it the AWS CLI's cache is not used.
   */
  roleChains?: () => RoleChains;
  /** How long an MFA session (GetSessionToken) lasts. */
  mfaSessionSeconds: number;
  debug: (message: string) => void;
  warn: (message: string) => void;
  /** Where a credential_process helper's own messages go. */
  stderr: NodeJS.WritableStream;
  /** A spinner around requests to AWS that sources make themselves (SSO); see SourceContext. */
  spin?: <T>(message: string, work: () => Promise<T>) => Promise<T>;
}

/** A hop with everything decided before any call: its duration, its cache key, its MFA route. */
interface DecidedHop {
  step: AssumeRoleStep;
  durationSeconds?: number;
  key: string;
  cli: AwsCliShare;
  /** Long-term keys of an IAM user are the source: one MFA session can serve every such hop. */
  viaMfaSession: boolean;
}

/**
 * Runs the plan: the first step's credentials, then one AssumeRole per hop. With a cache, the
 * newest reusable session wins: if the last hop is cached nothing is called at all (and no MFA
 * code asked); otherwise the run resumes after the last cached hop. Each call holds that hop's
 * lock, so concurrent runs for the same role make one STS call between them.
 */
export async function runPlan(plan: Plan, effects: Effects): Promise<Session> {
  const [first, ...rest] = plan.steps;
  if (first.kind === 'assume-role') throw new Error('a plan cannot start with assume-role');
  const hops = rest.map((step, index) => {
    if (step.kind !== 'assume-role') throw new Error(`plan step ${index + 2} is ${step.kind}; only assume-role can follow`);
    return step;
  });
  warnIfSourceIsOwnSession(first, effects);
  await effects.cache?.unlock(); // an encrypted cache loads its key from the keystore here, once
  // When the source's identity is known up front, a cached hop means the source need not run.
  let source: SourceResult | undefined;
  const identity = knownIdentity(first, effects) ?? (source = await freshSource(first, effects)).identity;
  const decided = decideHops(plan, identity, hops, effects);
  const validUntil = new Date(effects.now().getTime() + effects.minTtlSeconds * 1000);

  let cached: { index: number; assumed: AssumedRole } | undefined;
  if (effects.cache && !refreshing(effects)) {
    for (let i = decided.length - 1; i >= 0 && !cached; i--) {
      const hit = effects.cache.findRole(decided[i]!.key, asked(decided[i]!.step), decided[i]!.cli, validUntil);
      if (hit) cached = { index: i, assumed: hit };
    }
  }
  let start: number;
  let credentials: Credentials;
  let caller: string;
  if (cached) {
    effects.debug(`profile ${decided[cached.index]!.step.profile}: cached session of ${cached.assumed.assumedRoleArn || decided[cached.index]!.step.roleArn.value}`);
    [start, credentials, caller] = [cached.index + 1, cached.assumed.credentials, cached.assumed.assumedRoleArn];
  } else {
    source ??= await freshSource(first, effects);
    [start, credentials, caller] = [0, source.credentials, source.caller];
  }
  for (let i = start; i < decided.length; i++) {
    const hop = decided[i]!;
    const place: HopPlace = { hop: i + 2, of: plan.steps.length, caller };
    const assumed = await obtainRole(hop, credentials, place, effects, validUntil);
    credentials = assumed.credentials;
    caller = assumed.assumedRoleArn;
  }

  const session: Session = { profile: plan.profile, credentials };
  if (plan.region) session.region = plan.region.value;
  if (plan.userRegion) session.userRegion = plan.userRegion;
  const roleArn = hops.at(-1)?.roleArn ?? (first.kind === 'web-identity' ? first.roleArn : undefined);
  if (roleArn) session.roleArn = roleArn.value;
  return session;
}

/** Whether the last role is assumed with a role session (role chaining), which STS caps at one hour. */
export function lastHopChained(plan: Plan): boolean {
  const hops = plan.steps.length - 1;
  return hops > 1 || (hops === 1 && givesRoleSession(plan.steps[0] as SourceStep));
}

/** The plan's first credentials, refused when they have (nearly) expired. */
async function freshSource(first: SourceStep, effects: Effects): Promise<SourceResult> {
  const source = await sourceCredentials(first, effects);
  refuseStale(source.credentials, SOURCE_NAMES[first.kind], `profile "${first.profile}", ${source.caller}`, effects.now(), effects.minTtlSeconds);
  return source;
}

/**
 * `credential_source = Environment` in a shell where `awsrole use` exported a role's session:
 * the source is that session, not the user's own credentials; usually not what was meant.
 */
function warnIfSourceIsOwnSession(first: SourceStep, effects: Effects): void {
  const previous = effects.env.AWSROLE_PROFILE;
  if (first.kind !== 'environment' || !previous || !effects.env.AWS_ACCESS_KEY_ID) return;
  effects.warn(
    `profile ${first.profile}: credential_source = Environment takes the session awsrole exported for profile ${previous}, not your own credentials; run awsrole unset first to start from your own`,
  );
}

function decideHops(plan: Plan, sourceIdentity: string, hops: AssumeRoleStep[], effects: Effects): DecidedHop[] {
  const first = plan.steps[0] as SourceStep;
  let identity = sourceIdentity;
  return hops.map((step, index) => {
    const chained = index > 0 || givesRoleSession(first);
    const durationSeconds = cappedDuration(step, chained, effects);
    const key = hopCacheKey(step, durationSeconds, identity);
    identity = hopIdentity(key);
    return {
      step,
      durationSeconds,
      key,
      cli: awsCliShare(plan, index + 1, effects.roleChains),
      viaMfaSession: Boolean(step.mfaSerial) && !chained && isLongTermKeys(first),
    };
  });
}

/** An IAM user's own keys (in a file or in awsrole's keystore), for which GetSessionToken can buy an MFA session. */
function isLongTermKeys(step: SourceStep): boolean {
  return (step.kind === 'static-keys' && !step.sessionToken) || step.kind === 'keystore';
}

/** Role chaining caps a session at one hour (an STS rule); asking for more would fail outright. */
function cappedDuration(step: AssumeRoleStep, chained: boolean, effects: Effects): number | undefined {
  const asked = step.durationSeconds?.value;
  if (!chained || asked === undefined || asked <= ROLE_CHAINING_MAX_SECONDS) return asked;
  effects.warn(
    `profile ${step.profile}: ${asked} s asked (${describeSource(step.durationSeconds!.source)}), but a role assumed through another role lasts 1 hour at most (STS rule): asking for ${ROLE_CHAINING_MAX_SECONDS} s`,
  );
  return ROLE_CHAINING_MAX_SECONDS;
}

async function obtainRole(hop: DecidedHop, credentials: Credentials, place: HopPlace, effects: Effects, validUntil: Date): Promise<AssumedRole> {
  const { cache } = effects;
  if (!cache) return assumeHop(hop, credentials, place, effects, validUntil);
  return cache.withLock(hop.key, async () => {
    // Another process may have obtained it while this one waited for the lock.
    const fresh = refreshing(effects) ? undefined : cache.findRole(hop.key, asked(hop.step), hop.cli, validUntil);
    if (fresh) return fresh;
    const assumed = await assumeHop(hop, credentials, place, effects, validUntil);
    cache.saveRole(hop.key, hop.step.profile, hop.cli, assumed, hop.step.roleArn.value);
    return assumed;
  });
}

async function assumeHop(hop: DecidedHop, credentials: Credentials, place: HopPlace, effects: Effects, validUntil: Date): Promise<AssumedRole> {
  const { step } = hop;
  const request: AssumeRoleRequest = { roleArn: step.roleArn.value, sessionName: step.sessionName.value };
  if (step.externalId) request.externalId = step.externalId.value;
  if (hop.durationSeconds) request.durationSeconds = hop.durationSeconds;
  let caller = credentials;
  if (step.mfaSerial && hop.viaMfaSession) {
    const session = await mfaSession(step, credentials, effects, validUntil);
    caller = session.credentials;
    place = { ...place, mfaSession: { serial: step.mfaSerial.value, ...(session.cachedSince ? { cachedSince: session.cachedSince } : {}) } };
  } else if (step.mfaSerial) {
    request.mfaSerial = step.mfaSerial.value;
    request.mfaCode = await effects.mfaCode(mfaRequest(step));
  }
  effects.debug(
    `profile ${step.profile}: AssumeRole ${step.roleArn.value} as ${place.caller}, session ${step.sessionName.value}` +
      `${step.externalId ? ', with external id' : ''}${hop.durationSeconds ? `, ${hop.durationSeconds} s` : ''}` +
      `${hop.viaMfaSession ? ', with the MFA session' : request.mfaCode ? ', with an MFA code' : ''}` +
      ` via ${step.sts.endpoint.value} (${step.sts.region.value})`,
  );
  const assumed = await callAssumeRole(effects.sts(), step, caller, request, place);
  // Before the caller caches it.
  refuseStale(assumed.credentials, 'AssumeRole', `profile "${step.profile}", role ${step.roleArn.value}, via ${step.sts.endpoint.value}`, effects.now(), effects.minTtlSeconds);
  return assumed;
}

/**
 * One MFA code buys a GetSessionToken session for the IAM user; every role that shares the serial
 * is then assumed with it, without another code, until it expires. Such roles are not chained,
 * so they keep durations over an hour.
 */
async function mfaSession(
  step: AssumeRoleStep,
  longTerm: Credentials,
  effects: Effects,
  validUntil: Date,
): Promise<{ credentials: Credentials; cachedSince?: string }> {
  const serial = step.mfaSerial!.value;
  const key = mfaSessionKey(serial, keysIdentity(longTerm), step.sts);
  const obtain = async () => {
    const code = await effects.mfaCode(mfaRequest(step));
    effects.debug(`profile ${step.profile}: GetSessionToken for ${serial}, ${effects.mfaSessionSeconds} s`);
    const where = `profile "${step.profile}", MFA device ${serial}, keys ${maskAccessKeyId(longTerm.accessKeyId)}`;
    let session: AssumedRole['credentials'];
    try {
      session = await effects.sts().getSessionToken(step.sts, longTerm, { mfaSerial: serial, mfaCode: code, durationSeconds: effects.mfaSessionSeconds });
    } catch (error) {
      throw stsError(error, 'GetSessionToken', step.sts, where);
    }
    refuseStale(session, 'GetSessionToken', where, effects.now(), effects.minTtlSeconds);
    return session;
  };
  const { cache } = effects;
  if (!cache) return { credentials: await obtain() };
  return cache.withLock(key, async () => {
    const cached = effects.refreshMfa ? undefined : cache.findMfaSession(key, serial, validUntil);
    if (cached) return { credentials: cached.credentials, cachedSince: cached.obtainedAt };
    const session = await obtain();
    cache.saveMfaSession(key, step.profile, serial, session);
    return { credentials: session };
  });
}

/** --refresh-mfa renews the role sessions too: a role session cached is no proof the MFA session works. */
function refreshing(effects: Effects): boolean {
  return effects.refresh || effects.refreshMfa === true;
}

function asked(step: AssumeRoleStep): { roleArn: string; sessionName: string } {
  return { roleArn: step.roleArn.value, sessionName: step.sessionName.value };
}

function mfaRequest(step: AssumeRoleStep): MfaCodeRequest {
  const request: MfaCodeRequest = { serial: step.mfaSerial!.value, profile: step.profile };
  if (step.mfaProcess) request.mfaProcess = { command: step.mfaProcess.value, origin: describeSource(step.mfaProcess.source) };
  return request;
}

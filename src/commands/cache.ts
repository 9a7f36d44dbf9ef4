import { userInfo } from 'node:os';
import { awsCliArgs } from '../cache/keys.js';
import { SessionCache, type SessionEntry } from '../cache/sessions.js';
import { loadConfig } from '../config/load.js';
import { awsCliCacheDirectory, cacheDirectory } from '../environment/env.js';
import { resolvePlan } from '../plan/resolve.js';
import { alignColumns } from '../output/table.js';
import type { CommandContext } from './context.js';

function openCache(context: CommandContext, cliCache: boolean | undefined): SessionCache {
  const awsCliDir = cliCache === false ? undefined : awsCliCacheDirectory(context.env);
  return new SessionCache({ dir: cacheDirectory(context.env), awsCliDir, now: () => new Date(), debug: context.debug, warn: context.warn });
}

interface CacheRow {
  profile: string;
  kind: SessionEntry['kind'];
  /** The role ARN, or the MFA serial of an MFA session. */
  subject: string;
  expiration: string;
  secondsLeft: number;
}

/** The cached sessions, soonest to expire last; never a secret. */
export function cacheListCommand(options: { json?: boolean }, context: CommandContext): void {
  const now = Date.now();
  const rows: CacheRow[] = openCache(context, false)
    .entries()
    .map(({ entry }) => ({
      profile: entry.profile,
      kind: entry.kind,
      subject: entry.subject,
      expiration: entry.expiration,
      secondsLeft: Math.max(0, Math.floor((new Date(entry.expiration).getTime() - now) / 1000)),
    }))
    .sort((a, b) => a.profile.localeCompare(b.profile) || a.kind.localeCompare(b.kind));
  if (options.json) {
    context.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  if (rows.length === 0) {
    context.info(`no cached sessions in ${cacheDirectory(context.env)}`);
    return;
  }
  const table = [['PROFILE', 'KIND', 'ROLE / MFA DEVICE', 'EXPIRES', 'LEFT']].concat(
    rows.map((row) => [row.profile, row.kind, row.subject, row.expiration.replace(/\.\d{3}Z$/, 'Z'), formatLeft(row.secondsLeft)]),
  );
  context.stdout.write(alignColumns(table));
}

function formatLeft(seconds: number): string {
  if (seconds === 0) return 'expired';
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  return hours > 0 ? `${hours}h${String(minutes).padStart(2, '0')}m` : `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
}

/**
 * Removes cached sessions: those a profile's hops produced and the MFA session that serves it (or
 * every one), in awsrole's cache; and in the AWS CLI's cache every entry awsrole wrote for it
 * (whatever flags made its key), plus the entry the AWS CLI itself would use for the profile, so
 * that the next run really obtains new ones.
 */
export function cacheClearCommand(profile: string | undefined, options: { cliCache?: boolean }, context: CommandContext): void {
  const cache = openCache(context, options.cliCache);
  const config = loadConfig(context.env);
  const names = profile === undefined ? [...config.profiles.keys()] : [profile];
  const mfaSerials = new Set<string>();
  const cliArgs = [];
  for (const name of names) {
    let plan;
    try {
      plan = resolvePlan({ config, env: context.env, localUser: () => userInfo().username }, name);
    } catch (error) {
      // Only a profile named on the command line must resolve; others may be broken or partial.
      if (profile !== undefined) throw error;
      context.debug(`cache clear: skipping profile ${name}: ${(error as Error).message}`);
      continue;
    }
    for (const step of plan.steps) if (step.kind === 'assume-role' && step.mfaSerial) mfaSerials.add(step.mfaSerial.value);
    const last = plan.steps.at(-1);
    if (last?.kind === 'assume-role' && last.profile === name) cliArgs.push(awsCliArgs(last));
  }
  let removed = 0;
  for (const { key, entry } of cache.entries()) {
    const serves = entry.kind === 'mfa-session' ? mfaSerials.has(entry.subject) : entry.profile === profile;
    if (profile === undefined || serves) removed += Number(cache.remove(key));
  }
  removed += cache.removeAwsCliWrittenBy(profile);
  for (const args of cliArgs) removed += Number(cache.removeAwsCli(args));
  context.info(`removed ${removed} cached session${removed === 1 ? '' : 's'}`);
}

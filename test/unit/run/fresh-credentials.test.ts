import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Credentials } from '../../../src/run/credentials.js';
import { AwsroleError, ExitCode } from '../../../src/errors/errors.js';
import { refuseStale } from '../../../src/run/fresh-credentials.js';
import type { AssumeRoleStep, Plan, StsTarget } from '../../../src/plan/types.js';
import { runPlan, type Effects } from '../../../src/run/run-plan.js';
import type { StsCaller } from '../../../src/sts/types.js';

const NOW = new Date('2026-06-01T12:00:00Z');
const inSeconds = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);
const keys = (expiration?: Date): Credentials => ({ accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token', ...(expiration ? { expiration } : {}) });

function refusal(run: () => void): AwsroleError | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    if (error instanceof AwsroleError) return error;
    throw error;
  }
}

describe(refuseStale.name, () => {
  it.each([
    ['no expiration (long-term keys)', undefined, 300, false],
    ['an hour left, min-ttl 5 min', inSeconds(3600), 300, false],
    ['5 min and 1 s left, min-ttl 5 min', inSeconds(301), 300, false],
    ['exactly the min-ttl left', inSeconds(300), 300, true],
    ['2 min left, min-ttl 5 min', inSeconds(120), 300, true],
    ['expired a minute ago', inSeconds(-60), 300, true],
    ['expired a minute ago, min-ttl 0', inSeconds(-60), 0, true],
    ['1 s left, min-ttl 0', inSeconds(1), 0, false],
    // --min-ttl 1h asks never to reuse a session with less left, not to refuse a new one-hour session.
    ['50 min left, min-ttl 1 h', inSeconds(3000), 3600, false],
    ['10 min left, min-ttl 1 h', inSeconds(600), 3600, true],
    ['a year past 9999', new Date(Date.UTC(10000, 0, 1)), 300, true],
  ])('%s: refused %s', (_, expiration, minTtl, refused) => {
    const error = refusal(() => refuseStale(keys(expiration), 'AssumeRole', 'profile "p"', NOW, minTtl as number));
    expect(error !== undefined).toBe(refused);
    if (error) expect(error.exitCode).toBe(ExitCode.awsRefused);
  });

  it('says when they expired, and where, in one line with a hint', () => {
    const error = refusal(() => refuseStale(keys(inSeconds(-90)), 'AssumeRole', 'profile "p"', NOW, 300));
    expect(error?.message).toBe('AssumeRole returned credentials that expired at 2026-06-01T11:58:30Z, 90 s ago (profile "p")');
    expect(error?.hint).toContain('clock');
  });

  it('says how long they would have lasted against the min-ttl', () => {
    const error = refusal(() => refuseStale(keys(inSeconds(120)), 'the container credentials endpoint', 'profile "p"', NOW, 300));
    expect(error?.message).toBe(
      'the container credentials endpoint returned credentials that expire at 2026-06-01T12:02:00Z, in 2 min: less than the 5 min they must last (--min-ttl) (profile "p")',
    );
  });
});

// Through the executor: every place credentials come from is checked before they are used or cached.
const STS: StsTarget = {
  region: { value: 'eu-west-1', source: { kind: 'default', reason: 'test' } },
  endpoint: { value: 'https://sts.eu-west-1.amazonaws.com', source: { kind: 'default', reason: 'test' } },
};
const file = (line: number) => ({ kind: 'file', origin: { file: '/cfg', line } }) as const;
const HOP: AssumeRoleStep = {
  kind: 'assume-role',
  profile: 'a',
  roleArn: { value: 'arn:aws:iam::123456789012:role/A', source: file(1) },
  sessionName: { value: 's', source: file(2) },
  sts: STS,
};
const KEYS = {
  kind: 'static-keys',
  profile: 'base',
  accessKeyId: { value: 'AKIAEXAMPLEBASE00001', source: file(3) },
  secretAccessKey: { value: 'base-secret', source: file(4) },
} as const;

function stsIssuing(expiration: Date): StsCaller {
  const issued = { accessKeyId: 'ASIAISSUED', secretAccessKey: 's', sessionToken: 't', expiration };
  return {
    assumeRole: async () => ({ credentials: issued, assumedRoleArn: 'arn:aws:sts::123456789012:assumed-role/A/s' }),
    assumeRoleWithWebIdentity: async () => ({ credentials: issued, assumedRoleArn: 'arn:aws:sts::123456789012:assumed-role/CI/s' }),
    getSessionToken: async () => issued,
    getCallerIdentity: async () => {
      throw new Error('not used');
    },
  };
}

function effects(sts: StsCaller): Effects {
  return {
    env: {},
    sts: () => sts,
    mfaCode: async () => '123456',
    now: () => NOW,
    minTtlSeconds: 300,
    refresh: false,
    mfaSessionSeconds: 3600,
    debug: () => {},
    warn: () => {},
    stderr: process.stderr,
  };
}

async function failure(promise: Promise<unknown>): Promise<AwsroleError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  if (error instanceof AwsroleError) return error;
  throw new Error(`expected an AwsroleError, got ${String(error)}`);
}

describe('runPlan refuses stale credentials', () => {
  it('from AssumeRole', async () => {
    const plan: Plan = { profile: 'a', steps: [KEYS, HOP] };
    const error = await failure(runPlan(plan, effects(stsIssuing(inSeconds(-5)))));
    expect(error.exitCode).toBe(ExitCode.awsRefused);
    expect(error.message).toMatch(/^AssumeRole returned credentials that expired at 2026-06-01T11:59:55Z, 5 s ago \(profile "a", role arn:aws:iam::123456789012:role\/A, via https:\/\/sts\.eu-west-1\.amazonaws\.com\)$/);
  });

  it('from GetSessionToken (the MFA session)', async () => {
    const plan: Plan = { profile: 'a', steps: [KEYS, { ...HOP, mfaSerial: { value: 'arn:aws:iam::123456789012:mfa/me', source: file(5) } }] };
    const error = await failure(runPlan(plan, effects(stsIssuing(inSeconds(60)))));
    expect(error.exitCode).toBe(ExitCode.awsRefused);
    expect(error.message).toMatch(/^GetSessionToken returned credentials that expire at .*, in 60 s/);
  });

  it('from a source (AssumeRoleWithWebIdentity)', async () => {
    const tokenFile = join(mkdtempSync(join(tmpdir(), 'awsrole-fresh-')), 'token');
    writeFileSync(tokenFile, 'eyJ.token.sig');
    const plan: Plan = {
      profile: 'ci',
      steps: [{
        kind: 'web-identity',
        profile: 'ci',
        roleArn: { value: 'arn:aws:iam::123456789012:role/CI', source: file(6) },
        tokenFile: { value: tokenFile, source: file(7) },
        sessionName: { value: 's', source: file(8) },
        sts: STS,
      }],
    };
    const error = await failure(runPlan(plan, effects(stsIssuing(inSeconds(-1)))));
    expect(error.exitCode).toBe(ExitCode.awsRefused);
    expect(error.message).toMatch(/^AssumeRoleWithWebIdentity returned credentials that expired at .* \(profile "ci", /);
  });
});

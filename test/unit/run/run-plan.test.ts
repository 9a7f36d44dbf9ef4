import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SessionCache } from '../../../src/cache/sessions.js';
import type { Credentials } from '../../../src/run/credentials.js';
import { AwsroleError, ExitCode } from '../../../src/errors/errors.js';
import type { AssumeRoleStep, Plan, StsTarget } from '../../../src/plan/types.js';
import { runPlan, type Effects, type MfaCodeRequest } from '../../../src/run/run-plan.js';
import { UsageError } from '../../../src/errors/errors.js';
import { StsRefusal, StsUnreachable, type AssumeRoleRequest, type SessionTokenRequest, type StsCaller } from '../../../src/sts/types.js';

const STS: StsTarget = {
  region: { value: 'eu-west-1', source: { kind: 'default', reason: 'test' } },
  endpoint: { value: 'http://127.0.0.1:1', source: { kind: 'env', variable: 'AWS_ENDPOINT_URL_STS' } },
};
const file = (line: number) => ({ kind: 'file', origin: { file: '/cfg', line } }) as const;

function hop(profile: string, role: string, extra: Partial<AssumeRoleStep> = {}): AssumeRoleStep {
  return {
    kind: 'assume-role',
    profile,
    roleArn: { value: `arn:aws:iam::123456789012:role/${role}`, source: file(1) },
    sessionName: { value: 'awsrole-test', source: file(2) },
    sts: STS,
    ...extra,
  };
}

const KEYS = {
  kind: 'static-keys',
  profile: 'base',
  accessKeyId: { value: 'AKIAEXAMPLEBASE00001', source: file(3) },
  secretAccessKey: { value: 'base-secret', source: file(4) },
} as const;

/** An STS stand-in that issues credentials named after the role, and records what it was sent. */
function fakeSts(fail?: { role: string; error: Error }) {
  const calls: Array<{ caller: string; request: AssumeRoleRequest }> = [];
  const sts: StsCaller = {
    async assumeRole(_target, credentials: Credentials, request) {
      calls.push({ caller: credentials.accessKeyId, request });
      const role = request.roleArn.split('/').pop()!;
      if (fail?.role === role) throw fail.error;
      return {
        credentials: { accessKeyId: `ASIA${role}`, secretAccessKey: `secret-${role}`, sessionToken: `token-${role}`, expiration: new Date('2030-01-01T00:00:00Z') },
        assumedRoleArn: `arn:aws:sts::123456789012:assumed-role/${role}/awsrole-test`,
      };
    },
    async assumeRoleWithWebIdentity() {
      return {
        credentials: { accessKeyId: 'ASIAWEB', secretAccessKey: 'web-secret', sessionToken: 'web-token', expiration: new Date('2030-01-01T00:00:00Z') },
        assumedRoleArn: 'arn:aws:sts::123456789012:assumed-role/CI/run',
      };
    },
    async getSessionToken(_target, credentials: Credentials, request) {
      sessionTokens.push({ caller: credentials.accessKeyId, request });
      return { accessKeyId: 'ASIAMFASESSION', secretAccessKey: 'mfa-secret', sessionToken: 'mfa-token', expiration: new Date('2030-01-01T00:00:00Z') };
    },
    async getCallerIdentity() {
      throw new Error('not used');
    },
  };
  const sessionTokens: Array<{ caller: string; request: SessionTokenRequest }> = [];
  return { sts, calls, sessionTokens };
}

const warnings: string[] = [];

/** Like the CLI's provider with no code, no command and no terminal. */
function noMfaCode(request: MfaCodeRequest): Promise<string> {
  return Promise.reject(new UsageError(`profile "${request.profile}" needs an MFA code for ${request.serial}`));
}

function effects(sts: StsCaller, extra: Partial<Effects> = {}): Effects {
  return {
    env: {},
    sts: () => sts,
    mfaCode: noMfaCode,
    now: () => new Date('2029-12-31T00:00:00Z'),
    minTtlSeconds: 300,
    refresh: false,
    mfaSessionSeconds: 129600,
    debug: () => {},
    warn: (message) => warnings.push(message),
    stderr: process.stderr,
    ...extra,
  };
}

const answer = (code: string) => async () => code;

async function failure(promise: Promise<unknown>): Promise<AwsroleError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  if (error instanceof AwsroleError) return error;
  throw new Error(`expected an AwsroleError, got ${String(error)}`);
}

describe(runPlan.name, () => {
  it('signs each hop with the credentials of the one before', async () => {
    const { sts, calls } = fakeSts();
    const plan: Plan = { profile: 'b', steps: [KEYS, hop('a', 'A'), hop('b', 'B')], region: { value: 'eu-west-1', source: file(5) } };
    const session = await runPlan(plan, effects(sts));
    expect(calls.map((c) => [c.caller, c.request.roleArn.split('/').pop()])).toEqual([['AKIAEXAMPLEBASE00001', 'A'], ['ASIAA', 'B']]);
    expect(session).toEqual({
      profile: 'b',
      region: 'eu-west-1',
      roleArn: 'arn:aws:iam::123456789012:role/B',
      credentials: { accessKeyId: 'ASIAB', secretAccessKey: 'secret-B', sessionToken: 'token-B', expiration: new Date('2030-01-01T00:00:00Z') },
    });
  });

  it('returns static keys as they are, without calling STS', async () => {
    const session = await runPlan({ profile: 'base', steps: [KEYS] }, effects({} as StsCaller, { sts: () => { throw new Error('STS must not be loaded'); } }));
    expect(session.credentials).toEqual({ accessKeyId: 'AKIAEXAMPLEBASE00001', secretAccessKey: 'base-secret' });
  });

  it('takes credential_source = Environment from the environment given', async () => {
    const { sts, calls } = fakeSts();
    const plan: Plan = { profile: 'e', steps: [{ kind: 'environment', profile: 'e', source: file(7) }, hop('e', 'E')] };
    await runPlan(plan, effects(sts, { env: { AWS_ACCESS_KEY_ID: 'AKIAFROMENVIRONMENT1', AWS_SECRET_ACCESS_KEY: 's', AWS_SESSION_TOKEN: 't' } }));
    expect(calls[0]!.caller).toBe('AKIAFROMENVIRONMENT1');
    const error = await failure(runPlan(plan, effects(sts)));
    expect(error.exitCode).toBe(ExitCode.config);
    expect(error.message).toMatch(/AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not both set \(\/cfg:7\)/);
  });

  it('names the hop, role and caller when STS refuses, with the STS code (exit 4)', async () => {
    const { sts } = fakeSts({ role: 'B', error: new StsRefusal('AccessDenied', 'not authorized') });
    const plan: Plan = { profile: 'c', steps: [KEYS, hop('a', 'A'), hop('b', 'B'), hop('c', 'C')] };
    const error = await failure(runPlan(plan, effects(sts)));
    expect(error.exitCode).toBe(ExitCode.awsRefused);
    expect(error.message).toBe(
      'STS refused AssumeRole: AccessDenied: not authorized (profile "b", hop 3 of 4, role arn:aws:iam::123456789012:role/B, caller arn:aws:sts::123456789012:assumed-role/A/awsrole-test)',
    );
  });

  it('says where the endpoint came from when STS is unreachable (exit 5)', async () => {
    const { sts } = fakeSts({ role: 'A', error: new StsUnreachable('ECONNREFUSED: connect ECONNREFUSED') });
    const error = await failure(runPlan({ profile: 'a', steps: [KEYS, hop('a', 'A')] }, effects(sts)));
    expect(error.exitCode).toBe(ExitCode.awsUnreachable);
    expect(error.message).toMatch(/^STS at http:\/\/127\.0\.0\.1:1 could not be reached: ECONNREFUSED/);
    expect(error.hint).toBe('the endpoint comes from $AWS_ENDPOINT_URL_STS');
  });

  it('refuses an MFA hop without a code source (exit 2), before any call', async () => {
    const { sts, calls } = fakeSts();
    const plan: Plan = { profile: 'm', steps: [KEYS, hop('m', 'M', { mfaSerial: { value: 'arn:aws:iam::123456789012:mfa/alice', source: file(9) } })] };
    const error = await failure(runPlan(plan, effects(sts)));
    expect(error.exitCode).toBe(ExitCode.usage);
    expect(error.message).toMatch(/needs an MFA code for arn:aws:iam::123456789012:mfa\/alice/);
    expect(calls).toEqual([]);
  });

  it('assumes a role of long-term keys through one MFA session (GetSessionToken), without chaining', async () => {
    const { sts, calls, sessionTokens } = fakeSts();
    const serial = { value: 'arn:aws:iam::123456789012:mfa/alice', source: file(9) };
    const plan: Plan = {
      profile: 'm',
      steps: [KEYS, hop('m', 'M', { mfaSerial: serial, externalId: { value: 'ext-1', source: file(10) }, durationSeconds: { value: 7200, source: file(11) } })],
    };
    await runPlan(plan, effects(sts, { mfaCode: answer('123456') }));
    expect(sessionTokens).toEqual([{ caller: 'AKIAEXAMPLEBASE00001', request: { mfaSerial: serial.value, mfaCode: '123456', durationSeconds: 129600 } }]);
    // Signed by the MFA session; no serial or code of its own; the 2-hour duration is kept.
    expect(calls).toEqual([{ caller: 'ASIAMFASESSION', request: { roleArn: 'arn:aws:iam::123456789012:role/M', sessionName: 'awsrole-test', externalId: 'ext-1', durationSeconds: 7200 } }]);
  });

  it('sends the MFA serial and code with AssumeRole when the source is a role session', async () => {
    const { sts, calls, sessionTokens } = fakeSts();
    const serial = { value: 'arn:aws:iam::123456789012:mfa/alice', source: file(9) };
    const plan: Plan = { profile: 'm', steps: [KEYS, hop('a', 'A'), hop('m', 'M', { mfaSerial: serial })] };
    await runPlan(plan, effects(sts, { mfaCode: answer('654321') }));
    expect(sessionTokens).toEqual([]);
    expect(calls[1]).toEqual({ caller: 'ASIAA', request: { roleArn: 'arn:aws:iam::123456789012:role/M', sessionName: 'awsrole-test', mfaSerial: serial.value, mfaCode: '654321' } });
  });

  it('caps a chained hop at one hour with a warning, instead of an STS failure', async () => {
    const { sts, calls } = fakeSts();
    warnings.length = 0;
    const plan: Plan = { profile: 'b', steps: [KEYS, hop('a', 'A', { durationSeconds: { value: 7200, source: file(12) } }), hop('b', 'B', { durationSeconds: { value: 7200, source: file(13) } })] };
    await runPlan(plan, effects(sts));
    expect(calls.map((c) => c.request.durationSeconds)).toEqual([7200, 3600]);
    expect(warnings).toEqual(['profile b: 7200 s asked (/cfg:13), but a role assumed through another role lasts 1 hour at most (STS rule): asking for 3600 s']);
  });

  it('counts a hop after web identity as role chaining (its source is a role session)', async () => {
    const { sts, calls } = fakeSts();
    warnings.length = 0;
    const tokenFile = join(mkdtempSync(join(tmpdir(), 'awsrole-token-')), 'token');
    writeFileSync(tokenFile, 'oidc-token');
    const plan: Plan = {
      profile: 'deploy',
      steps: [
        { kind: 'web-identity', profile: 'ci', roleArn: { value: 'arn:aws:iam::123456789012:role/CI', source: file(1) }, tokenFile: { value: tokenFile, source: file(2) }, sessionName: { value: 'run', source: file(3) }, sts: STS },
        hop('deploy', 'D', { durationSeconds: { value: 7200, source: file(14) } }),
      ],
    };
    await runPlan(plan, effects(sts));
    expect(calls).toEqual([{ caller: 'ASIAWEB', request: { roleArn: 'arn:aws:iam::123456789012:role/D', sessionName: 'awsrole-test', durationSeconds: 3600 } }]);
    expect(warnings).toHaveLength(1);
  });
});

describe(`${runPlan.name} with the session cache`, () => {
  const serial = { value: 'arn:aws:iam::123456789012:mfa/alice', source: file(9) };
  const mfaPlan = (role: string): Plan => ({ profile: role.toLowerCase(), steps: [KEYS, hop(role.toLowerCase(), role, { mfaSerial: serial })] });
  const withCache = (dir: string) => new SessionCache({ dir, now: () => new Date('2029-12-31T00:00:00Z'), debug: () => {}, warn: () => {} });

  it('names a refused cached MFA session (not the long-term keys) and says how to renew it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'awsrole-run-plan-'));
    await runPlan(mfaPlan('R1'), effects(fakeSts().sts, { mfaCode: answer('123456'), cache: withCache(dir) }));
    const { sts } = fakeSts({ role: 'R2', error: new StsRefusal('InvalidClientTokenId', 'The security token included in the request is invalid.') });
    const error = await failure(runPlan(mfaPlan('R2'), effects(sts, { cache: withCache(dir) })));
    expect(error.exitCode).toBe(ExitCode.awsRefused);
    expect(error.message).toMatch(/^STS refused AssumeRole with the MFA session of arn:aws:iam::123456789012:mfa\/alice \(cached, obtained 2029-12-31T00:00:00.000Z\): InvalidClientTokenId: /);
    expect(error.message).not.toMatch(/AKIA|keys/);
    expect(error.hint).toMatch(/^get a new MFA session with a new code: run again with --refresh-mfa/);
  });

  it('--refresh-mfa obtains a new MFA session with a new code, though the cached one is valid', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'awsrole-run-plan-'));
    await runPlan(mfaPlan('R1'), effects(fakeSts().sts, { mfaCode: answer('123456'), cache: withCache(dir) }));
    const { sts, sessionTokens, calls } = fakeSts();
    await runPlan(mfaPlan('R1'), effects(sts, { mfaCode: answer('654321'), cache: withCache(dir), refreshMfa: true }));
    expect(sessionTokens.map((call) => call.request.mfaCode)).toEqual(['654321']);
    expect(calls).toHaveLength(1);
  });

  it('does not serve an entry of its own cache that holds another role (copied under this key)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'awsrole-run-plan-'));
    const plan = (role: string): Plan => ({ profile: role, steps: [KEYS, hop(role, role)] });
    await runPlan(plan('A'), effects(fakeSts().sts, { cache: withCache(dir) }));
    await runPlan(plan('B'), effects(fakeSts().sts, { cache: withCache(dir) }));
    const entries = readdirSync(dir).filter((name) => name.endsWith('.json')).map((name) => ({ name, text: readFileSync(join(dir, name), 'utf8') }));
    const a = entries.find((entry) => entry.text.includes('role/A'))!;
    const b = entries.find((entry) => entry.text.includes('role/B'))!;
    writeFileSync(join(dir, b.name), a.text, { mode: 0o600 }); // A's session under B's key
    const { sts, calls } = fakeSts();
    const session = await runPlan(plan('B'), effects(sts, { cache: withCache(dir) }));
    expect(calls.map((call) => call.request.roleArn)).toEqual(['arn:aws:iam::123456789012:role/B']);
    expect(session.credentials.accessKeyId).toBe('ASIAB');
  });
});

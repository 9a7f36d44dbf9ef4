import type { Credentials, Session } from './credentials.js';
import type { Env } from './env.js';
import { AwsRefusedError, AwsUnreachableError, ConfigError, UsageError } from './errors.js';
import { maskAccessKeyId } from './mask.js';
import type { AssumeRoleStep, EnvironmentStep, Plan, Step } from './plan/types.js';
import { describeSource } from './plan/where.js';
import { StsRefusal, StsUnreachable, type StsCaller } from './sts/types.js';

/** What running a plan may touch. Passed in, so tests can run plans without a network. */
export interface Effects {
  env: Env;
  /** Created on the first STS call only, so plans without one never load the AWS SDK. */
  sts: () => StsCaller;
  mfaCode?: string;
  debug: (message: string) => void;
}

/** Runs the plan's steps in order; each assume-role hop uses the credentials of the one before. */
export async function runPlan(plan: Plan, effects: Effects): Promise<Session> {
  const [first, ...rest] = plan.steps;
  let credentials = firstCredentials(first, effects);
  let caller = describeCaller(first, credentials);
  let roleArn: string | undefined;
  let hop = 1;
  for (const step of rest) {
    hop += 1;
    if (step.kind !== 'assume-role') throw new Error(`plan step ${hop} is ${step.kind}; only assume-role can follow`);
    const assumed = await assumeRole(step, credentials, { effects, hop, of: plan.steps.length, caller });
    credentials = assumed.credentials;
    caller = assumed.assumedRoleArn;
    roleArn = step.roleArn.value;
  }
  const session: Session = { profile: plan.profile, credentials };
  if (plan.region) session.region = plan.region.value;
  if (roleArn) session.roleArn = roleArn;
  return session;
}

function firstCredentials(step: Step, effects: Effects): Credentials {
  switch (step.kind) {
    case 'static-keys': {
      effects.debug(`profile ${step.profile}: static keys ${maskAccessKeyId(step.accessKeyId.value)} from ${describeSource(step.accessKeyId.source)}`);
      const credentials: Credentials = { accessKeyId: step.accessKeyId.value, secretAccessKey: step.secretAccessKey.value };
      if (step.sessionToken) credentials.sessionToken = step.sessionToken.value;
      return credentials;
    }
    case 'environment':
      return environmentCredentials(step, effects);
    case 'assume-role':
      throw new Error('a plan cannot start with assume-role');
  }
}

function environmentCredentials(step: EnvironmentStep, effects: Effects): Credentials {
  const { env } = effects;
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    throw new ConfigError(
      `profile "${step.profile}" takes its source credentials from the environment, but AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not both set (${describeSource(step.source)})`,
    );
  }
  effects.debug(`profile ${step.profile}: source credentials ${maskAccessKeyId(accessKeyId)} from the environment`);
  const credentials: Credentials = { accessKeyId, secretAccessKey };
  const token = env.AWS_SESSION_TOKEN || env.AWS_SECURITY_TOKEN;
  if (token) credentials.sessionToken = token;
  return credentials;
}

function describeCaller(step: Step, credentials: Credentials): string {
  const key = maskAccessKeyId(credentials.accessKeyId);
  return step.kind === 'environment' ? `environment keys ${key}` : `keys ${key} of profile "${step.profile}"`;
}

interface HopContext {
  effects: Effects;
  hop: number;
  of: number;
  caller: string;
}

async function assumeRole(step: AssumeRoleStep, credentials: Credentials, context: HopContext) {
  const { effects } = context;
  if (step.mfaSerial && !effects.mfaCode) {
    throw new UsageError(
      `profile "${step.profile}" needs an MFA code for ${step.mfaSerial.value} (${describeSource(step.mfaSerial.source)})`,
      'pass it with --mfa-code 123456',
    );
  }
  if (effects.mfaCode !== undefined && step.mfaSerial && !/^\d{6}$/.test(effects.mfaCode)) {
    throw new UsageError('--mfa-code must be 6 digits');
  }
  effects.debug(
    `profile ${step.profile}: AssumeRole ${step.roleArn.value} as ${context.caller}, session ${step.sessionName.value}` +
      `${step.externalId ? ', with external id' : ''}${step.durationSeconds ? `, ${step.durationSeconds.value}s` : ''}` +
      ` via ${step.sts.endpoint.value} (${step.sts.region.value})`,
  );
  try {
    return await effects.sts().assumeRole(step.sts, credentials, {
      roleArn: step.roleArn.value,
      sessionName: step.sessionName.value,
      ...(step.externalId && { externalId: step.externalId.value }),
      ...(step.durationSeconds && { durationSeconds: step.durationSeconds.value }),
      ...(step.mfaSerial && { mfaSerial: step.mfaSerial.value, mfaCode: effects.mfaCode }),
    });
  } catch (error) {
    const where = `profile "${step.profile}", hop ${context.hop} of ${context.of}, role ${step.roleArn.value}, caller ${context.caller}`;
    if (error instanceof StsRefusal) {
      throw new AwsRefusedError(`STS refused AssumeRole: ${error.code}: ${error.stsMessage} (${where})`, hintFor(error.code));
    }
    if (error instanceof StsUnreachable) {
      throw new AwsUnreachableError(
        `STS at ${step.sts.endpoint.value} could not be reached: ${error.reason} (${where})`,
        `the endpoint comes from ${describeSource(step.sts.endpoint.source)}`,
      );
    }
    throw error;
  }
}

function hintFor(code: string): string | undefined {
  switch (code) {
    case 'AccessDenied':
      return "check the role's trust policy, the external id, and the caller's permission to sts:AssumeRole";
    case 'InvalidClientTokenId':
    case 'SignatureDoesNotMatch':
      return 'the source credentials are not valid: check the access key and secret';
    case 'ExpiredToken':
      return 'the source credentials have expired: refresh them';
    default:
      return undefined;
  }
}

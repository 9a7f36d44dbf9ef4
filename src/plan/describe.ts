import { maskAccessKeyId } from '../output/mask.js';
import { forPeople, LINE_LIMIT } from '../output/for-people.js';
import type { Plan, Planned, Step, ValueSource } from './types.js';
import { describeSource } from './where.js';

/**
 * The plan as people read it: one numbered step per line, each value with where it came from.
 * No secret appears: access key ids are masked, secrets and session tokens are only named.
 */
export function describePlan(plan: Plan): string {
  const lines = [`profile ${plan.profile}`];
  lines.push(plan.region ? `  region ${show(plan.region)}` : '  region (none: AWS_REGION and AWS_DEFAULT_REGION are left unset)');
  plan.steps.forEach((step, index) => {
    lines.push(`  ${index + 1}. ${headline(step)}`);
    for (const [label, value] of details(step)) lines.push(`       ${label.padEnd(13)} ${value}`);
  });
  // Names and values come from the files: shown escaped and bounded, as everything for people.
  return `${lines.map((line) => forPeople(line, LINE_LIMIT)).join('\n')}\n`;
}

function headline(step: Step): string {
  switch (step.kind) {
    case 'static-keys':
      return `static keys of profile "${step.profile}"`;
    case 'environment':
      return `credentials from the environment (AWS_ACCESS_KEY_ID…), for profile "${step.profile}"`;
    case 'assume-role':
      return `AssumeRole ${step.roleArn.value}  [profile "${step.profile}", ${describeSource(step.roleArn.source)}]`;
    case 'web-identity':
      return `AssumeRoleWithWebIdentity ${step.roleArn.value}  [profile "${step.profile}", ${describeSource(step.roleArn.source)}]`;
    case 'process':
      return `credential_process of profile "${step.profile}"`;
    case 'keystore':
      return `long-term keys of profile "${step.entry.value}" in awsrole's keystore, for profile "${step.profile}"`;
    case 'instance-metadata':
      return `EC2 instance role from the instance metadata service, for profile "${step.profile}"`;
    case 'container':
      return `container (ECS/EKS) credentials endpoint, for profile "${step.profile}"`;
    case 'sso':
      return `SSO role ${step.roleName.value} in account ${step.accountId.value}  [profile "${step.profile}"]`;
    case 'login-session':
      return `aws login session ${step.session.value}  [profile "${step.profile}", ${describeSource(step.session.source)}]`;
  }
}

function details(step: Step): Array<[string, string]> {
  switch (step.kind) {
    case 'static-keys': {
      const rows: Array<[string, string]> = [
        ['access key', `${maskAccessKeyId(step.accessKeyId.value)}  (${describeSource(step.accessKeyId.source)})`],
        ['secret key', `(set)  (${describeSource(step.secretAccessKey.source)})`],
      ];
      if (step.sessionToken) rows.push(['session token', `(set)  (${describeSource(step.sessionToken.source)})`]);
      return rows;
    }
    case 'environment':
      return [['because', `credential_source = Environment  (${describeSource(step.source)})`]];
    case 'instance-metadata':
      return [['because', because('Ec2InstanceMetadata', step.source)]];
    case 'container':
      return [['because', because('EcsContainer', step.source)]];
    case 'keystore':
      // Which backend holds them is in the keystore's list (awsrole keys list): explain reads no files but the config.
      return [['because', `credential_process is awsrole's own keys helper, read without running it  (${describeSource(step.entry.source)})`]];
    case 'process':
      // The command is shown: it is configuration, and it is what a reader needs to check.
      return [['command', show(step.command)]];
    case 'web-identity': {
      const rows: Array<[string, string]> = [['token file', show(step.tokenFile)], ['session name', show(step.sessionName)]];
      if (step.durationSeconds) rows.push(['duration', show(step.durationSeconds)]);
      rows.push(['sts endpoint', show(step.sts.endpoint)], ['sts region', show(step.sts.region)]);
      return rows;
    }
    case 'sso': {
      const rows: Array<[string, string]> = [
        ['account', show(step.accountId)],
        ['role name', show(step.roleName)],
        ['start url', show(step.startUrl)],
        ['sso region', show(step.ssoRegion)],
      ];
      if (step.sessionName) rows.push(['sso session', step.sessionName]);
      return rows;
    }
    case 'login-session': {
      // The token file holds secrets; its path is what a reader needs to check `aws login` wrote it.
      const rows: Array<[string, string]> = [['token file', show(step.tokenFile)]];
      if (step.signin) {
        rows.push(['refresh via', show(step.signin.endpoint)]);
      } else {
        rows.push(['refresh via', '(no region configured: a cached token serves, a refresh needs one)']);
      }
      return rows;
    }
    case 'assume-role': {
      const rows: Array<[string, string]> = [['session name', show(step.sessionName)]];
      // AWS documents the external id as not secret; showing it helps debug a refused AssumeRole.
      if (step.externalId) rows.push(['external id', show(step.externalId)]);
      if (step.durationSeconds) rows.push(['duration', show(step.durationSeconds)]);
      if (step.mfaSerial) rows.push(['mfa serial', show(step.mfaSerial)]);
      rows.push(['sts endpoint', show(step.sts.endpoint)], ['sts region', show(step.sts.region)]);
      return rows;
    }
  }
}

function because(credentialSource: string, source: ValueSource): string {
  return source.kind === 'default' ? source.reason : `credential_source = ${credentialSource}  (${describeSource(source)})`;
}

function show(value: Planned<string | number>): string {
  return `${value.value}  (${describeSource(value.source)})`;
}

/** The plan as JSON for scripts, with the same secrets removed. */
export function planToJson(plan: Plan): unknown {
  return {
    profile: plan.profile,
    region: plan.region ?? null,
    steps: plan.steps.map((step) => {
      if (step.kind !== 'static-keys') return step;
      return {
        kind: step.kind,
        profile: step.profile,
        accessKeyId: { ...step.accessKeyId, value: maskAccessKeyId(step.accessKeyId.value) },
        secretAccessKey: { source: step.secretAccessKey.source },
        ...(step.sessionToken && { sessionToken: { source: step.sessionToken.source } }),
      };
    }),
  };
}

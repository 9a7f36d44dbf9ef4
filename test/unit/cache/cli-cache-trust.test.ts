import { describe, expect, it } from 'vitest';
import { awsCliShare, chainSignature, roleChains } from '../../../src/cache/cli-cache-trust.js';
import { assumedRoleMatches } from '../../../src/cache/role-arn.js';
import type { AssumeRoleStep, Plan, StaticKeysStep, StsTarget, ValueSource } from '../../../src/plan/types.js';

const file = (line: number): ValueSource => ({ kind: 'file', origin: { file: '/cfg', line } });
const STS: StsTarget = {
  region: { value: 'eu-west-1', source: file(1) },
  endpoint: { value: 'https://sts.eu-west-1.amazonaws.com', source: { kind: 'default', reason: 'regional' } },
};
const PROD = 'arn:aws:iam::123456789012:role/Prod';
const keys = (profile: string, id: string): StaticKeysStep => ({
  kind: 'static-keys', profile, accessKeyId: { value: id, source: file(2) }, secretAccessKey: { value: `secret-of-${profile}`, source: file(3) },
});
const hop = (profile: string, roleArn: string, extra: Partial<AssumeRoleStep> = {}): AssumeRoleStep => ({
  kind: 'assume-role', profile, roleArn: { value: roleArn, source: file(4) }, sessionName: { value: 'awsrole-u', source: { kind: 'default', reason: 'user' } }, sts: STS, ...extra,
});
const plan = (profile: string, ...steps: Plan['steps']): Plan => ({ profile, steps });

const alice = plan('prod-admin', keys('alice', 'AKIAALICE'), hop('prod-admin', PROD));
const bob = plan('bob-admin', keys('bob', 'AKIABOB'), hop('bob-admin', PROD));
const aliceAgain = plan('prod-admin-eu', keys('alice-copy', 'AKIAALICE'), hop('prod-admin-eu', PROD, { sts: { ...STS, region: { value: 'us-east-1', source: file(9) } } }));

describe(awsCliShare.name, () => {
  it.each([
    ['one profile reaches the role', [alice], undefined],
    ['two profiles, the same source keys (their names and regions differ)', [alice, aliceAgain], undefined],
    ['two profiles, different source keys (issue 9 §4: bob-admin, prod-admin)', [alice, bob], /^profiles reach .*role\/Prod from different sources \(prod-admin, bob-admin\)/],
    ['no profile in the files takes this chain', [bob], /different sources/],
  ])('%s', (_name, plans, expected) => {
    const share = awsCliShare(alice, 1, () => roleChains(plans));
    expect(share.args).toEqual({ RoleArn: PROD });
    if (expected) expect(share.ambiguity()).toMatch(expected);
    else expect(share.ambiguity()).toBeUndefined();
  });

  it('resolves the other profiles only when asked', () => {
    let asked = 0;
    const share = awsCliShare(alice, 1, () => (asked++, roleChains([alice])));
    expect(asked).toBe(0);
    share.ambiguity();
    expect(asked).toBe(1);
  });

  it('trusts nothing when the other profiles are not known', () => {
    expect(awsCliShare(alice, 1, undefined).ambiguity()).toMatch(/not known/);
  });

  it.each([
    ['--duration', { durationSeconds: { value: 1800, source: { kind: 'flag', flag: '--duration' } } }],
    ['--session-name', { sessionName: { value: 'x', source: { kind: 'flag', flag: '--session-name' } } }],
    ['--external-id', { externalId: { value: 'x', source: { kind: 'flag', flag: '--external-id' } } }],
    ['--region', { sts: { ...STS, region: { value: 'us-west-2', source: { kind: 'flag', flag: '--region' } } } }],
  ] as Array<[string, Partial<AssumeRoleStep>]>)('does not share a session that %s changed', (flag, extra) => {
    const flagged = plan('prod-admin', keys('alice', 'AKIAALICE'), hop('prod-admin', PROD, extra));
    expect(awsCliShare(flagged, 1, () => roleChains([alice])).args).toEqual({ refused: `${flag} asks for another session than the AWS CLI would for this profile` });
  });

  it('tells chains apart by the roles before the hop, never by secrets', () => {
    const via = (role: string) => plan('x', keys('alice', 'AKIAALICE'), hop('mid', role), hop('x', PROD));
    expect(chainSignature(via('arn:aws:iam::1:role/A').steps, 2)).not.toBe(chainSignature(via('arn:aws:iam::1:role/B').steps, 2));
    expect(chainSignature(alice.steps, 1)).not.toContain('secret');
  });
});

describe(assumedRoleMatches.name, () => {
  it.each([
    ['arn:aws:sts::123456789012:assumed-role/Prod/s', PROD, undefined, true],
    ['arn:aws:sts::123456789012:assumed-role/Prod/s', 'arn:aws:iam::123456789012:role/team/a/Prod', undefined, true],
    ['arn:aws:sts::123456789012:assumed-role/prod/s', PROD, undefined, true],
    ['arn:aws:sts::123456789012:assumed-role/Prod/s', PROD, 's', true],
    ['arn:aws:sts::123456789012:assumed-role/Prod/s', PROD, 't', false],
    ['arn:aws:sts::123456789012:assumed-role/Production/s', PROD, undefined, false],
    ['arn:aws:sts::999999999999:assumed-role/Prod/s', PROD, undefined, false],
    ['arn:aws-us-gov:sts::123456789012:assumed-role/Prod/s', PROD, undefined, false],
    ['arn:aws:iam::123456789012:role/Prod', PROD, undefined, false],
    ['', PROD, undefined, false],
  ])('%s for %s (session %s): %s', (assumed, role, session, expected) => {
    expect(assumedRoleMatches(assumed, role, session)).toBe(expected);
  });
});

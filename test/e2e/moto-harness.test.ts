// The test harness itself: what moto's STS enforces once auth is on, with the seeding recipe
// of test/support/moto.ts. If moto changes behaviour, this file says so before the e2e tests do.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPython } from '../support/cli.js';
import { MOTO_ACCOUNT_ID, startMoto, type AwsCredentials, type MotoServer, type UserCredentials } from '../support/moto.js';
import { createSandbox, type Sandbox } from '../support/sandbox.js';

const role = (name: string): string => `arn:aws:iam::${MOTO_ACCOUNT_ID}:role/${name}`;

describe('moto harness', () => {
  let moto: MotoServer;
  let sandbox: Sandbox;
  let u: UserCredentials;

  beforeAll(async () => {
    moto = await startMoto();
    sandbox = createSandbox({ moto });
    u = await moto.createUser('U');
    const a = await moto.createRole('A', { trust: [u.arn] });
    const b = await moto.createRole('B', { trust: [a.arn] });
    await moto.createRole('C', { trust: [b.arn], maxSessionDuration: 3600 });
    await moto.createRole('X', { trust: [u.arn], externalId: 'right-id' });
    await moto.createRole('D', { trust: [] });
    await moto.enableAuth();
  });

  afterAll(async () => {
    await moto?.stop();
    sandbox?.cleanup();
  });

  const assume = (creds: AwsCredentials, name: string, extra: { externalId?: string } = {}) =>
    moto.assumeRole(creds, { roleArn: role(name), sessionName: `sess-${name}`, ...extra });

  it('runs a three-hop chain U → A → B → C', async () => {
    const a = await assume(u, 'A');
    const b = await assume(a, 'B');
    const c = await assume(b, 'C');
    expect(c.assumedRoleArn).toBe(`arn:aws:sts::${MOTO_ACCOUNT_ID}:assumed-role/C/sess-C`);
    expect(c.accessKeyId).toMatch(/^ASIA/);
    expect(await moto.callerIdentity(c)).toMatchObject({
      Arn: `arn:aws:sts::${MOTO_ACCOUNT_ID}:assumed-role/C/sess-C`,
      Account: MOTO_ACCOUNT_ID,
      UserId: expect.stringMatching(/^AROA\w+:sess-C$/),
    });
    expect(await moto.callerIdentity(u)).toMatchObject({ Arn: u.arn, Account: MOTO_ACCOUNT_ID });
  });

  it('refuses a hop that the role does not trust', async () => {
    const a = await assume(u, 'A');
    await expect(assume(a, 'C')).rejects.toMatchObject({
      status: 403,
      code: 'AccessDenied',
      awsMessage: `User: arn:aws:sts::${MOTO_ACCOUNT_ID}:assumed-role/A/sess-A is not authorized to perform: sts:AssumeRole`,
    });
  });

  it('refuses U on role D with AccessDenied', async () => {
    await expect(assume(u, 'D')).rejects.toMatchObject({
      status: 403,
      code: 'AccessDenied',
      awsMessage: `User: arn:aws:iam::${MOTO_ACCOUNT_ID}:user/U is not authorized to perform: sts:AssumeRole`,
    });
  });

  it('checks the external id: right passes, wrong is refused', async () => {
    await expect(assume(u, 'X', { externalId: 'right-id' })).resolves.toMatchObject({
      assumedRoleArn: `arn:aws:sts::${MOTO_ACCOUNT_ID}:assumed-role/X/sess-X`,
    });
    await expect(assume(u, 'X', { externalId: 'wrong-id' })).rejects.toMatchObject({ code: 'AccessDenied' });
  });

  it('lets a missing external id through (a moto limitation: real STS refuses it)', async () => {
    await expect(assume(u, 'X')).resolves.toMatchObject({ assumedRoleArn: expect.stringContaining('/X/') });
  });

  it.each([
    ['an unknown access key', { accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: 'x' }, 'InvalidClientTokenId'],
    ['a wrong secret', 'wrong-secret', 'SignatureDoesNotMatch'],
  ] as const)('refuses %s', async (_what, creds, code) => {
    const signer = typeof creds === 'string' ? { accessKeyId: u.accessKeyId, secretAccessKey: creds } : creds;
    await expect(assume(signer, 'A')).rejects.toMatchObject({ status: 403, code });
    await expect(moto.callerIdentity(signer)).rejects.toMatchObject({ status: 403, code });
  });

  it('refuses session credentials without or with a wrong session token', async () => {
    const a = await assume(u, 'A');
    const { sessionToken: _token, ...withoutToken } = a;
    await expect(moto.callerIdentity(withoutToken)).rejects.toMatchObject({ code: 'InvalidClientTokenId' });
    await expect(moto.callerIdentity({ ...a, sessionToken: 'bogus' })).rejects.toMatchObject({
      code: 'InvalidClientTokenId',
    });
  });

  it('records the STS calls made, refused ones included', async () => {
    await moto.startRecording();
    const a = await assume(u, 'A');
    await assume(a, 'B');
    await expect(assume(u, 'D')).rejects.toMatchObject({ code: 'AccessDenied' });
    await moto.callerIdentity(a);
    await moto.stopRecording();
    await assume(u, 'A'); // not recorded

    const calls = await moto.recordedStsActions();
    expect(calls.map((c) => c.action)).toEqual(['AssumeRole', 'AssumeRole', 'AssumeRole', 'GetCallerIdentity']);
    expect(calls[0]).toEqual({
      action: 'AssumeRole',
      params: { RoleArn: role('A'), RoleSessionName: 'sess-A' },
      accessKeyId: u.accessKeyId,
    });
    expect(calls[1]?.accessKeyId).toBe(a.accessKeyId);
    expect(calls.filter((c) => c.action === 'AssumeRole' && c.params['RoleArn'] === role('D'))).toHaveLength(1);
  });

  it('refuses seeding once auth is on', async () => {
    await expect(moto.createUser('late')).rejects.toThrow(/seed before enableAuth/);
  });

  it('serves boto3 through AWS_ENDPOINT_URL_STS in a sandbox environment', async () => {
    sandbox.writeCredentials(`[u]\naws_access_key_id = ${u.accessKeyId}\naws_secret_access_key = ${u.secretAccessKey}\n`);
    sandbox.writeConfig(`[profile u]\nregion = us-east-1\n\n[profile a]\nrole_arn = ${role('A')}\nsource_profile = u\nregion = us-east-1\n`);
    const result = await runPython(
      'import boto3; print(boto3.Session(profile_name="a").client("sts").get_caller_identity()["Arn"])',
      sandbox.env(),
    );
    expect(result, result.stderr).toMatchObject({ code: 0, signal: null });
    expect(result.stdout.trim()).toMatch(new RegExp(`^arn:aws:sts::${MOTO_ACCOUNT_ID}:assumed-role/A/botocore-session-\\d+$`));
  });
});

describe('sandbox env', () => {
  it('is hermetic: PATH, HOME, the two files, no metadata, the moto endpoint, and nothing else', () => {
    const sandbox = createSandbox({ moto: { endpoint: 'http://127.0.0.1:1' } });
    try {
      const env = sandbox.env({ AWS_REGION: 'eu-west-1', AWS_EC2_METADATA_DISABLED: undefined });
      expect(Object.keys(env).sort()).toEqual([
        'AWS_CONFIG_FILE',
        'AWS_ENDPOINT_URL_STS',
        'AWS_REGION',
        'AWS_SHARED_CREDENTIALS_FILE',
        'HOME',
        'PATH',
      ]);
      expect(env['HOME']).toBe(sandbox.home);
      expect(env['AWS_CONFIG_FILE']).toBe(`${sandbox.home}/.aws/config`);
      expect(sandbox.env()['AWS_EC2_METADATA_DISABLED']).toBe('true');
    } finally {
      sandbox.cleanup();
    }
  });
});

describe('startMoto', () => {
  it('starts with auth on when asked, and stop() ends the server', async () => {
    const moto = await startMoto({ auth: true });
    await expect(moto.callerIdentity({ accessKeyId: 'AKIANOBODY0000000000', secretAccessKey: 'x' })).rejects.toMatchObject(
      { code: 'InvalidClientTokenId' },
    );
    await moto.stop();
    await moto.stop();
    await expect(fetch(`${moto.endpoint}/moto-api/data.json`)).rejects.toThrow();
  });
});

// keys rotate against moto's IAM with authentication on: afterwards IAM lists one key for the
// user — the new one, which works — and the old one is refused. IAM policies make the steps fail
// for real: a user who may create but not delete keys ends with the new key stored (and working)
// and the old one still listed; a user who may not create keys ends with nothing changed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAwsrole } from '../support/cli.js';
import { AwsQueryError, startMoto, type MotoServer, type UserCredentials } from '../support/moto.js';
import { createSandbox, type Sandbox } from '../support/sandbox.js';

const PASSPHRASE = 'rotate passphrase';
const userArn = (name: string) => `arn:aws:iam::123456789012:user/${name}`;

let moto: MotoServer;
let sandbox: Sandbox;
let env: Record<string, string>;
const users: Record<string, UserCredentials> = {};

beforeAll(async () => {
  moto = await startMoto();
  for (const name of ['alice', 'bob', 'carol']) users[name] = await moto.createUser(name);
  // Resource "*" (allowUser's default): moto authorizes IAM actions against it only, not the user's ARN.
  await moto.allowUser('alice', 'own-keys', ['iam:CreateAccessKey', 'iam:DeleteAccessKey']);
  // bob may create keys but not delete them: the rotation fails after the new key is stored.
  await moto.allowUser('bob', 'own-keys', ['iam:CreateAccessKey']);
  // carol may do neither: the rotation fails at its first IAM call.
  await moto.enableAuth();

  sandbox = createSandbox();
  env = { ...sandbox.env(moto), AWS_ENDPOINT_URL_IAM: moto.endpoint, AWSROLE_KEYSTORE: 'file', AWSROLE_FILE_PASSPHRASE: PASSPHRASE };
  for (const [name, keys] of Object.entries(users)) {
    const add = await runAwsrole(['keys', 'add', name, '--stdin'], { env, input: `${keys.accessKeyId}\n${keys.secretAccessKey}\n` });
    expect(add.code, add.stderr).toBe(0);
  }
}, 60_000);

afterAll(async () => {
  await moto?.stop();
  sandbox?.cleanup();
});

async function stored(profile: string): Promise<{ accessKeyId: string; secretAccessKey: string }> {
  const run = await runAwsrole(['credential-process', '--keys', profile], { env });
  expect(run.code, run.stderr).toBe(0);
  const { AccessKeyId: accessKeyId, SecretAccessKey: secretAccessKey } = JSON.parse(run.stdout) as Record<string, string>;
  return { accessKeyId: accessKeyId!, secretAccessKey: secretAccessKey! };
}

async function listedKeys(user: string): Promise<string[]> {
  await moto.disableAuth();
  try {
    return await moto.listAccessKeys(user);
  } finally {
    await moto.enableAuth();
  }
}

function expectNoSecretOf(text: string, ...keys: Array<{ secretAccessKey: string }>): void {
  for (const key of keys) expect(text).not.toContain(key.secretAccessKey);
}

describe('keys rotate', () => {
  it('creates, checks and stores a new key, then deletes the old one: IAM lists one key, the new one, which works', async () => {
    const run = await runAwsrole(['keys', 'rotate', 'alice'], { env, timeoutMs: 60_000 });
    expect(run.code, run.stderr).toBe(0);
    const now = await stored('alice');
    expect(now.accessKeyId).not.toBe(users.alice!.accessKeyId);
    expect(await listedKeys('alice')).toEqual([now.accessKeyId]);
    expect((await moto.callerIdentity(now)).Arn).toBe(userArn('alice'));
    await expect(moto.callerIdentity(users.alice!)).rejects.toBeInstanceOf(AwsQueryError);
    expectNoSecretOf(run.stderr + run.stdout, now, users.alice!);
  });

  it('a delete that IAM refuses leaves the new key stored, and working; the error says the old one is still active (exit 4)', async () => {
    const run = await runAwsrole(['keys', 'rotate', 'bob'], { env, timeoutMs: 60_000 });
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('could not be deleted');
    expect(run.stderr).toContain('the stored key is the new one');
    const now = await stored('bob');
    expect(now.accessKeyId).not.toBe(users.bob!.accessKeyId);
    expect((await moto.callerIdentity(now)).Arn).toBe(userArn('bob'));
    expect((await listedKeys('bob')).sort()).toEqual([users.bob!.accessKeyId, now.accessKeyId].sort());
    expectNoSecretOf(run.stderr + run.stdout, now, users.bob!);
  });

  it('a create that IAM refuses changes nothing (exit 4): the stored key is the old one, still working', async () => {
    const run = await runAwsrole(['keys', 'rotate', 'carol'], { env, timeoutMs: 60_000 });
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('nothing was changed');
    expect(await stored('carol')).toEqual({ accessKeyId: users.carol!.accessKeyId, secretAccessKey: users.carol!.secretAccessKey });
    expect(await listedKeys('carol')).toEqual([users.carol!.accessKeyId]);
  });
});

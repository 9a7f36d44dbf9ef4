// Issue 13's "done when", end to end: from a config with one hand-written profile, `generate`
// writes a profile for every account of a 40-account AWS Organization (moto, auth on), and one
// `awsrole run` then reaches all of them — each command in its own account, as STS says
// (GetCallerIdentity in the child, through `awsrole whoami` with the keys in its environment).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AWSROLE_BIN, runAwsrole } from '../support/cli.js';
import { startMoto, type MotoServer } from '../support/moto.js';
import { createSandbox, type Sandbox } from '../support/sandbox.js';

const ROLE = 'OrganizationAccountAccessRole';
// 39 members and the management account: 40 accounts.
const MEMBER_NAMES = Array.from({ length: 39 }, (_, i) => `Team ${String(i + 1).padStart(2, '0')}`);

let moto: MotoServer;
let members: Array<{ name: string; id: string }>;
let sandbox: Sandbox;
let env: Record<string, string>;

beforeAll(async () => {
  moto = await startMoto();
  const admin = await moto.createUser('admin');
  await moto.allowUser('admin', 'organizations', ['organizations:*']);
  await moto.allowUser('admin', 'assume-member-roles', ['sts:AssumeRole'], [`arn:aws:iam::*:role/${ROLE}`]);
  members = await moto.createOrganization(MEMBER_NAMES);
  await moto.enableAuth();
  sandbox = createSandbox({ moto });
  sandbox.writeConfig('[profile mgmt]\nregion = us-east-1\n');
  sandbox.writeCredentials(`[mgmt]\naws_access_key_id = ${admin.accessKeyId}\naws_secret_access_key = ${admin.secretAccessKey}\n`);
  env = { ...sandbox.env({ AWS_ENDPOINT_URL_ORGANIZATIONS: moto.endpoint }), USER: 'tester' };
}, 90_000);

afterAll(async () => {
  await moto?.stop();
  sandbox?.cleanup();
});

describe('40 accounts: generate, then run', () => {
  it('runs one command in every generated profile, each in its own account', async () => {
    const generated = await runAwsrole(['generate', '--from-organization', 'mgmt', '--role', ROLE, '--name', '{account_name}', '--region', 'us-east-1'], { env, timeoutMs: 60_000 });
    expect(generated.code, generated.stderr).toBe(0);

    const result = await runAwsrole(['run', '--profiles', 'team-*', '--parallel', '8', '--json', '--', process.execPath, AWSROLE_BIN, 'whoami', '--json'], { env, timeoutMs: 240_000 });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const records = result.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as { profile: string; status: string; stdout: string });
    expect(records.map((record) => record.profile).sort()).toEqual(MEMBER_NAMES.map((name) => name.toLowerCase().replace(' ', '-')));
    for (const record of records) {
      expect(record.status).toBe('succeeded');
      const member = members.find((m) => m.name.toLowerCase().replace(' ', '-') === record.profile)!;
      const identity = JSON.parse(record.stdout) as { Account: string; Arn: string; Profile: string };
      expect(identity).toMatchObject({ Account: member.id, Profile: record.profile });
      expect(identity.Arn).toMatch(new RegExp(`^arn:aws:sts::${member.id}:assumed-role/${ROLE}/`));
    }
  }, 300_000);
});

// The AWS CLI's rules where awsrole once departed from them, end to end: each profile is resolved
// by bin/awsrole and by boto3 (Session(profile_name=…), the explicit profile awsrole's argument
// is) against moto with authentication on, and both must end as the same identity, or both
// refuse it — awsrole with exit 3 naming the file and line.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAwsrole, runPython } from '../support/cli.js';
import { startContainerStandIn, type ContainerStandIn } from '../support/metadata-standins.js';
import { startMoto, type MotoServer, type UserCredentials } from '../support/moto.js';
import { createSandbox, type Sandbox } from '../support/sandbox.js';

let moto: MotoServer;
let alice: UserCredentials;
let roleA: string;
let taskRole: string;
let container: ContainerStandIn;
let sandbox: Sandbox;
let env: Record<string, string>;

beforeAll(async () => {
  moto = await startMoto();
  alice = await moto.createUser('alice');
  taskRole = (await moto.createRole('task-role', { trust: [alice.arn] })).arn;
  roleA = (await moto.createRole('A', { trust: [alice.arn, taskRole] })).arn;
  await moto.enableAuth();
  const task = await moto.assumeRole(alice, { roleArn: taskRole, sessionName: 'task-1' });
  container = await startContainerStandIn({
    credentials: { accessKeyId: task.accessKeyId, secretAccessKey: task.secretAccessKey, sessionToken: task.sessionToken },
  });

  sandbox = createSandbox({ moto });
  sandbox.writeCredentials(`[base]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\n`);
  sandbox.writeConfig(`[profile a]
role_arn = ${roleA}
source_profile = base

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1

[profile sso-disagrees]
sso_session = corp
sso_region = us-east-1
sso_account_id = 123456789012
sso_role_name = Admin

[profile empty-external-id]
role_arn = ${roleA}
source_profile = base
external_id =

[profile region-with-comment]
role_arn = ${roleA}
source_profile = base
region = eu-west-1 ; Ireland

[profile token-without-role]
web_identity_token_file = ${sandbox.home}/token
aws_access_key_id = ${alice.accessKeyId}
aws_secret_access_key = ${alice.secretAccessKey}

[profile keys-and-start-url]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1
aws_access_key_id = ${alice.accessKeyId}
aws_secret_access_key = ${alice.secretAccessKey}

[profile region-only]
region = us-east-1

[profile from-env]
role_arn = ${roleA}
credential_source = Environment
`);
  env = { ...sandbox.env(moto), USER: 'tester' };
});

afterAll(async () => {
  await container?.close();
  await moto?.stop();
  sandbox?.cleanup();
});

/**
 * Where boto3 ends for a named profile: the caller's ARN, or `FAILED <exception class>`. The
 * client's region is the profile's (or the environment's), else us-east-1 like moto's.
 */
async function boto(profile: string, runEnv: Record<string, string>): Promise<string> {
  const result = await runPython(
    `import boto3
try:
    session = boto3.Session(profile_name=${JSON.stringify(profile)})
    print(session.client("sts", region_name=session.region_name or "us-east-1").get_caller_identity()["Arn"])
except Exception as e:
    print("FAILED", type(e).__name__)`,
    runEnv,
  );
  expect(result.stderr).toBe('');
  return result.stdout.trim();
}

/** Where awsrole ends: the caller's ARN (GetCallerIdentity on what it exported), or its failure. */
async function awsrole(profile: string, runEnv: Record<string, string>) {
  const result = await runAwsrole(['export', profile, '--format', 'json', '--no-cache'], { env: runEnv });
  if (result.code !== 0) return { arn: undefined, code: result.code, stderr: result.stderr };
  const out = JSON.parse(result.stdout) as { AccessKeyId: string; SecretAccessKey: string; SessionToken?: string };
  const identity = await moto.callerIdentity({ accessKeyId: out.AccessKeyId, secretAccessKey: out.SecretAccessKey, sessionToken: out.SessionToken });
  return { arn: identity.Arn, code: 0, stderr: result.stderr };
}

describe('configurations botocore refuses are exit 3 at file:line', () => {
  it.each([
    ['an sso_region that disagrees with the sso-session', 'sso-disagrees', 'InvalidConfigError', /sso_region "us-east-1" disagrees with \[sso-session corp\], which says "eu-west-1" \(.*config:11, .*config:7\)/],
    ['an empty external_id (botocore sends it; STS allows 2 to 1224 characters)', 'empty-external-id', 'ParamValidationError', /external_id is not valid \(.*config:18\)/],
    ['a region with an inline comment (part of the value)', 'region-with-comment', 'InvalidRegionError', /region "eu-west-1 ; Ireland" is not a region name \(.*config:23\)/],
    ['web_identity_token_file without role_arn', 'token-without-role', 'InvalidConfigError', /has web_identity_token_file but no role_arn \(.*config:26\)/],
  ])('%s', async (_name, profile, botoError, message) => {
    expect(await boto(profile, env)).toBe(`FAILED ${botoError}`);
    const ours = await awsrole(profile, env);
    expect(ours.code).toBe(3);
    expect(ours.stderr).toMatch(message);
  });
});

describe('configurations botocore accepts end as the same identity', () => {
  it('sso_start_url alone does not make a profile SSO: its keys are used', async () => {
    expect(await boto('keys-and-start-url', env)).toBe(alice.arn);
    expect((await awsrole('keys-and-start-url', env)).arn).toBe(alice.arn);
  });

  it('AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE expand $VAR and ${VAR}', async () => {
    const dir = join(sandbox.home, 'elsewhere');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'config'), `[profile moved]\nrole_arn = ${roleA}\nsource_profile = moved-keys\n`);
    writeFileSync(join(dir, 'credentials'), `[moved-keys]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\n`);
    const runEnv = { ...env, AWS_FILES: dir, AWS_CONFIG_FILE: '${AWS_FILES}/config', AWS_SHARED_CREDENTIALS_FILE: '$AWS_FILES/credentials' };
    const expected = `arn:aws:sts::123456789012:assumed-role/A/`;
    expect(await boto('moved', runEnv)).toMatch(new RegExp(`^${expected}botocore-session-\\d+$`));
    const ours = await awsrole('moved', runEnv);
    expect(ours.stderr).toBe('');
    expect(ours.arn).toBe(`${expected}awsrole-tester`);
  });

  it('a profile with no credentials of its own falls through to the container provider', async () => {
    const runEnv = { ...env, AWS_CONTAINER_CREDENTIALS_FULL_URI: container.uri };
    const expected = 'arn:aws:sts::123456789012:assumed-role/task-role/task-1';
    expect(await boto('region-only', runEnv)).toBe(expected);
    const ours = await awsrole('region-only', runEnv);
    expect(ours.stderr).toBe('');
    expect(ours.arn).toBe(expected);
  });

  it('…and without a container or instance metadata it has no credentials, in both', async () => {
    expect(await boto('region-only', env)).toBe('FAILED NoCredentialsError');
    const ours = await awsrole('region-only', env);
    expect(ours.code).toBe(3);
    expect(ours.stderr).toMatch(/profile "region-only" has no credentials \(.*config:36\)/);
  });
});

describe('credential_source = Environment', () => {
  it('warns when the environment holds a session awsrole exported, and still uses it', async () => {
    const session = await moto.assumeRole(alice, { roleArn: taskRole, sessionName: 'exported' });
    const runEnv = {
      ...env,
      AWSROLE_PROFILE: 'previous',
      AWS_ACCESS_KEY_ID: session.accessKeyId,
      AWS_SECRET_ACCESS_KEY: session.secretAccessKey,
      AWS_SESSION_TOKEN: session.sessionToken,
    };
    const result = await runAwsrole(['export', 'from-env', '--format', 'json', '--no-cache'], { env: runEnv });
    expect(result.stderr).toBe(
      'awsrole: warning: profile from-env: credential_source = Environment takes the session awsrole exported for profile previous, not your own credentials; run awsrole unset first to start from your own\n',
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).RoleArn).toBe(roleA);
  });

  it('says nothing when the keys are the user\'s own', async () => {
    const runEnv = { ...env, AWS_ACCESS_KEY_ID: alice.accessKeyId, AWS_SECRET_ACCESS_KEY: alice.secretAccessKey };
    const result = await awsrole('from-env', runEnv);
    expect(result.stderr).toBe('');
    expect(result.arn).toBe('arn:aws:sts::123456789012:assumed-role/A/awsrole-tester');
  });
});

// Web identity (CI's OIDC token → AssumeRoleWithWebIdentity), end to end: bin/awsrole against
// moto, the credentials checked with GetCallerIdentity, the calls seen in moto's recorder, and
// the same profiles resolved by boto3. moto accepts AssumeRoleWithWebIdentity (unsigned) only
// while its authentication is off, and then takes any token string: these tests check what is
// sent and who the credentials are, not moto's token validation.
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runAwsrole, runPython } from '../support/cli.js';
import { startMoto, type MotoServer } from '../support/moto.js';
import { createSandbox, type Sandbox } from '../support/sandbox.js';

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJodHRwczovL3Rva2VuLmFjdGlvbnMifQ.c2lnbmF0dXJlLW9uZQ';
const roleArn = (name: string) => `arn:aws:iam::123456789012:role/${name}`;
const assumed = (role: string, session: string) => `arn:aws:sts::123456789012:assumed-role/${role}/${session}`;

let moto: MotoServer;
let sandbox: Sandbox;
let env: Record<string, string>;
let tokenPath: string;

beforeAll(async () => {
  moto = await startMoto();
  const ci = await moto.createRole('ci-role', { trust: [] });
  await moto.createRole('deploy', { trust: [ci.arn] });
  await moto.createRole('prod', { trust: [ci.arn] });
  await moto.createRole('other-ci', { trust: [] });

  sandbox = createSandbox();
  tokenPath = sandbox.writeFile('ci/token', `${TOKEN}\n`);
  sandbox.writeConfig(`[profile ci]
role_arn = ${roleArn('ci-role')}
web_identity_token_file = ${tokenPath}
role_session_name = gha-run

[profile deploy]
role_arn = ${roleArn('deploy')}
credential_source = Environment

[profile deploy-prod]
role_arn = ${roleArn('prod')}
source_profile = ci
role_session_name = prod-deploy

[profile no-token]
role_arn = ${roleArn('ci-role')}
web_identity_token_file = ${sandbox.home}/ci/missing-token
`);
  env = { ...sandbox.env(moto), USER: 'tester' };
});

beforeEach(async () => {
  writeFileSync(tokenPath, `${TOKEN}\n`);
  await runAwsrole(['cache', 'clear'], { env });
});

afterAll(async () => {
  await moto?.stop();
  sandbox?.cleanup();
});

/** `awsrole export <profile> --format json`, with moto's record of the STS calls it made. */
async function exportJson(profile: string, runEnv = env) {
  await moto.startRecording();
  const result = await runAwsrole(['export', profile, '--format', 'json'], { env: runEnv });
  const calls = await moto.recordedStsActions();
  await moto.stopRecording();
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  const output = JSON.parse(result.stdout) as Record<string, string | null>;
  const identity = await moto.callerIdentity({
    accessKeyId: output.AccessKeyId!,
    secretAccessKey: output.SecretAccessKey!,
    sessionToken: output.SessionToken ?? undefined,
  });
  return { output, calls, arn: identity.Arn };
}

describe('web identity', () => {
  it('as the profile asked for: one unsigned AssumeRoleWithWebIdentity with the token from the file', async () => {
    const { output, calls, arn } = await exportJson('ci');
    expect(arn).toBe(assumed('ci-role', 'gha-run'));
    expect(output).toMatchObject({ Profile: 'ci', SessionToken: expect.any(String), Expiration: expect.any(String) });
    expect(calls).toEqual([
      { action: 'AssumeRoleWithWebIdentity', params: { RoleArn: roleArn('ci-role'), RoleSessionName: 'gha-run', WebIdentityToken: TOKEN } },
    ]);
  });

  it('the RoleArn of a web-identity profile is in the json export', async () => {
    const { output } = await exportJson('ci');
    expect(output.RoleArn).toBe(roleArn('ci-role'));
  });

  it('a cached chain after web identity makes no STS call at all, not even with the token', async () => {
    await exportJson('deploy-prod');
    const { calls, arn } = await exportJson('deploy-prod');
    expect(calls).toEqual([]);
    expect(arn).toBe(assumed('prod', 'prod-deploy'));
  });

  it('reads the token file again on every run (CI rotates it)', async () => {
    await exportJson('ci');
    writeFileSync(tokenPath, 'rotated-token-2');
    const { calls } = await exportJson('ci');
    expect(calls.map((call) => call.params.WebIdentityToken)).toEqual(['rotated-token-2']);
  });

  it('AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_SESSION_NAME do not override the profile asked for', async () => {
    const otherToken = sandbox.writeFile('ci/other-token', 'other-token');
    const { calls, arn } = await exportJson('ci', {
      ...env,
      AWS_ROLE_ARN: roleArn('other-ci'),
      AWS_WEB_IDENTITY_TOKEN_FILE: otherToken,
      AWS_ROLE_SESSION_NAME: 'from-env',
    });
    expect(arn).toBe(assumed('ci-role', 'gha-run'));
    expect(calls).toEqual([
      { action: 'AssumeRoleWithWebIdentity', params: { RoleArn: roleArn('ci-role'), RoleSessionName: 'gha-run', WebIdentityToken: TOKEN } },
    ]);
  });

  it('credential_source = Environment without keys: the CI variables, then the profile\'s role', async () => {
    const { output, calls, arn } = await exportJson('deploy', {
      ...env,
      AWS_WEB_IDENTITY_TOKEN_FILE: tokenPath,
      AWS_ROLE_ARN: roleArn('ci-role'),
      AWS_ROLE_SESSION_NAME: 'pipeline-7',
    });
    expect(arn).toBe(assumed('deploy', 'awsrole-tester'));
    expect(output.RoleArn).toBe(roleArn('deploy'));
    expect(calls.map((call) => [call.action, call.params.RoleArn, call.params.RoleSessionName])).toEqual([
      ['AssumeRoleWithWebIdentity', roleArn('ci-role'), 'pipeline-7'],
      ['AssumeRole', roleArn('deploy'), 'awsrole-tester'],
    ]);
    expect(calls[0]!.params.WebIdentityToken).toBe(TOKEN);
  });

  it('as the source of a chain: AssumeRoleWithWebIdentity, then AssumeRole signed by its session', async () => {
    const { output, calls, arn } = await exportJson('deploy-prod');
    expect(arn).toBe(assumed('prod', 'prod-deploy'));
    expect(output.RoleArn).toBe(roleArn('prod'));
    expect(calls.map((call) => [call.action, call.params.RoleArn])).toEqual([
      ['AssumeRoleWithWebIdentity', roleArn('ci-role')],
      ['AssumeRole', roleArn('prod')],
    ]);
    expect(calls[0]!.accessKeyId).toBeUndefined();
    expect(calls[1]!.accessKeyId).toMatch(/^ASIA|^FSIA/);
  });

  it('a missing token file: exit 3 naming the profile, the file and the line that set it; no STS call', async () => {
    await moto.startRecording();
    const result = await runAwsrole(['export', 'no-token', '--format', 'json'], { env });
    const calls = await moto.recordedStsActions();
    await moto.stopRecording();
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`awsrole: the web identity token file ${sandbox.home}/ci/missing-token does not exist (profile "no-token", ${sandbox.configPath}:`);
    expect(calls).toEqual([]);
  });

  it('an empty token file named by AWS_WEB_IDENTITY_TOKEN_FILE: exit 3 naming the variable', async () => {
    const empty = sandbox.writeFile('ci/empty-token', '');
    const result = await runAwsrole(['export', 'deploy', '--format', 'json'], {
      env: { ...env, AWS_WEB_IDENTITY_TOKEN_FILE: empty, AWS_ROLE_ARN: roleArn('ci-role') },
    });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`the web identity token file ${empty} is empty (profile "deploy", $AWS_WEB_IDENTITY_TOKEN_FILE)`);
  });

  it('never writes the token to stderr, even under --debug', async () => {
    const result = await runAwsrole(['export', 'deploy-prod', '--format', 'json', '--debug'], { env });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('AssumeRoleWithWebIdentity');
    expect(result.stderr).not.toContain(TOKEN);
  });

  // boto3 resolves the same files and must end as the same role.
  it.each([
    ['ci', assumed('ci-role', 'gha-run')],
    ['deploy-prod', assumed('prod', 'prod-deploy')],
  ])('profile %s: awsrole ends where boto3 ends', async (profile, expected) => {
    const boto = await runPython(
      `import boto3; print(boto3.Session(profile_name=${JSON.stringify(profile)}).client("sts", region_name="us-east-1").get_caller_identity()["Arn"])`,
      env,
    );
    expect(boto.stderr).toBe('');
    expect(boto.stdout.trim()).toBe(expected);
    expect((await exportJson(profile)).arn).toBe(expected);
  });

  // botocore lets the CI variables override the profile's web identity settings only when the
  // profile is not named explicitly: Session(profile_name=…) and `aws --profile` turn the
  // environment providers off (disable_env_vars), and naming the profile is what awsrole does.
  it('the CI variables do not override a named profile: as boto3 with Session(profile_name=…)', async () => {
    const runEnv = { ...env, AWS_ROLE_ARN: roleArn('other-ci'), AWS_ROLE_SESSION_NAME: 'from-env' };
    const boto = await runPython(
      'import boto3; print(boto3.Session(profile_name="ci").client("sts", region_name="us-east-1").get_caller_identity()["Arn"])',
      runEnv,
    );
    expect(boto.stderr).toBe('');
    expect(boto.stdout.trim()).toBe(assumed('ci-role', 'gha-run'));
    expect((await exportJson('ci', runEnv)).arn).toBe(assumed('ci-role', 'gha-run'));
  });
});

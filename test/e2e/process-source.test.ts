// credential_process, end to end: bin/awsrole runs a helper script (no shell) that prints alice's
// keys, against moto with authentication on; the credentials are checked with GetCallerIdentity,
// and boto3 resolves the same profiles to the same identity. The failure modes give their exit
// codes and a message naming the profile and the program, never the helper's stdout.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runAwsrole, runPython } from '../support/cli.js';
import { startMoto, type MotoServer, type UserCredentials } from '../support/moto.js';
import { createSandbox, type Sandbox } from '../support/sandbox.js';

const roleArn = (name: string) => `arn:aws:iam::123456789012:role/${name}`;

let moto: MotoServer;
let alice: UserCredentials;
let sandbox: Sandbox;
let env: Record<string, string>;
let helperPath: string;
const paths: Record<string, string> = {};

/** A `#!/bin/sh` helper under the sandbox's home; returns its path. */
function helper(relativePath: string, body: string): string {
  return sandbox.writeFile(relativePath, `#!/bin/sh\n${body}\n`, 0o755);
}

beforeAll(async () => {
  moto = await startMoto();
  alice = await moto.createUser('alice');
  await moto.createRole('A', { trust: [alice.arn] });
  await moto.enableAuth();

  sandbox = createSandbox();
  const keys = JSON.stringify({ Version: 1, AccessKeyId: alice.accessKeyId, SecretAccessKey: alice.secretAccessKey });
  // Its path holds a space (quoted in the config); it checks its argument, which shlex unquotes.
  helperPath = helper(
    'my tools/creds helper',
    `[ "$1" = "for alice" ] || { echo "unexpected argument: $1" >&2; exit 9; }\necho "creds helper: signing in" >&2\ncat <<'EOF'\n${keys}\nEOF`,
  );
  paths.fails = helper('bin/fails', `echo '${keys}'\necho "helper: you are not logged in; run helper login" >&2\nexit 2`);
  paths.garbage = helper('bin/garbage', `echo "AccessKeyId=${alice.accessKeyId} SecretAccessKey=${alice.secretAccessKey}"`);
  paths.version = helper('bin/version', `echo '{"Version": "1", "AccessKeyId": "${alice.accessKeyId}", "SecretAccessKey": "${alice.secretAccessKey}"}'`);
  paths.expired = helper(
    'bin/expired',
    `echo '{"Version": 1, "AccessKeyId": "${alice.accessKeyId}", "SecretAccessKey": "${alice.secretAccessKey}", "SessionToken": "t", "Expiration": "2020-01-01T00:00:00Z"}'`,
  );
  paths.missing = `${sandbox.home}/bin/no-such-helper`;

  sandbox.writeConfig(`[profile tool]
credential_process = "${helperPath}" 'for alice'

[profile via-tool]
role_arn = ${roleArn('A')}
source_profile = tool

[profile tool-fails]
credential_process = ${paths.fails} --token do-not-show-me

[profile via-tool-fails]
role_arn = ${roleArn('A')}
source_profile = tool-fails

[profile tool-garbage]
credential_process = ${paths.garbage}

[profile tool-version]
credential_process = ${paths.version}

[profile tool-expired]
credential_process = ${paths.expired}

[profile tool-missing]
credential_process = ${paths.missing}
`);
  env = { ...sandbox.env(moto), USER: 'tester' };
});

beforeEach(async () => {
  await runAwsrole(['cache', 'clear'], { env });
});

afterAll(async () => {
  await moto?.stop();
  sandbox?.cleanup();
});

async function exportJson(profile: string) {
  const result = await runAwsrole(['export', profile, '--format', 'json'], { env });
  return { result, output: result.code === 0 ? (JSON.parse(result.stdout) as Record<string, string | null>) : undefined };
}

async function identityOf(output: Record<string, string | null>): Promise<string> {
  const identity = await moto.callerIdentity({
    accessKeyId: output.AccessKeyId!,
    secretAccessKey: output.SecretAccessKey!,
    sessionToken: output.SessionToken ?? undefined,
  });
  return identity.Arn;
}

describe('credential_process', () => {
  it("as the profile asked for: the helper's keys, its stderr passed through", async () => {
    const { result, output } = await exportJson('tool');
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('creds helper: signing in\n');
    expect(output).toMatchObject({ Profile: 'tool', RoleArn: null, AccessKeyId: alice.accessKeyId, SessionToken: null, Expiration: null });
    expect(await identityOf(output!)).toBe(alice.arn);
  });

  it('as the source profile of a role: AssumeRole signed with the keys it printed', async () => {
    await moto.startRecording();
    const { result, output } = await exportJson('via-tool');
    const calls = await moto.recordedStsActions();
    await moto.stopRecording();
    expect(result.code).toBe(0);
    expect(output!.RoleArn).toBe(roleArn('A'));
    expect(await identityOf(output!)).toBe('arn:aws:sts::123456789012:assumed-role/A/awsrole-tester');
    expect(calls.map((call) => [call.action, call.params.RoleArn, call.accessKeyId])).toEqual([['AssumeRole', roleArn('A'), alice.accessKeyId]]);
  });

  it.each([
    ['tool-fails', 4, 'fails', 'failed with exit code 2'],
    ['via-tool-fails', 4, 'fails', 'failed with exit code 2'],
    ['tool-garbage', 3, 'garbage', 'did not print JSON on stdout'],
    ['tool-version', 3, 'version', 'printed "Version" as a string; it must be the number 1'],
    ['tool-expired', 4, 'expired', 'returned credentials that expired at 2020-01-01T00:00:00Z'],
    ['tool-missing', 3, 'missing', 'was not found'],
  ])('profile %s: exit %i, a message naming the profile and the program, no secret', async (profile, code, program, what) => {
    const { result } = await exportJson(profile);
    expect(result.code).toBe(code);
    expect(result.stdout).toBe('');
    // A source profile's failure names the profile whose credential_process it is.
    const owner = profile.replace(/^via-/, '');
    expect(result.stderr).toContain(`awsrole: credential_process "${paths[program]}" ${what} (profile "${owner}", ${sandbox.configPath}:`);
    expect(result.stderr).not.toContain(alice.secretAccessKey);
    expect(result.stderr).not.toContain(alice.accessKeyId);
    expect(result.stderr).not.toContain('do-not-show-me');
  });

  it("a failing helper's own messages reach stderr", async () => {
    const { result } = await exportJson('tool-fails');
    expect(result.stderr).toContain('helper: you are not logged in; run helper login\n');
  });

  it('with --json, the error is one JSON line with the exit code', async () => {
    const result = await runAwsrole(['export', 'tool-garbage', '--format', 'json', '--json'], { env });
    expect(result.code).toBe(3);
    expect(JSON.parse(result.stderr.trim())).toMatchObject({ error: { exitCode: 3, message: expect.stringContaining('profile "tool-garbage"') } });
  });

  // boto3 resolves the same profiles; it must end as the same identity.
  it.each([
    ['tool', () => alice.arn],
    ['via-tool', () => 'arn:aws:sts::123456789012:assumed-role/A/'],
  ])('profile %s: awsrole ends where boto3 ends', async (profile, expected) => {
    const boto = await runPython(
      `import boto3; print(boto3.Session(profile_name=${JSON.stringify(profile)}).client("sts", region_name="us-east-1").get_caller_identity()["Arn"])`,
      env,
    );
    expect(boto.stdout.trim().startsWith(expected())).toBe(true);
    const { output } = await exportJson(profile);
    const ours = await identityOf(output!);
    // The session names differ by design (botocore-session-<epoch> against awsrole-<user>).
    expect(ours.split('/').slice(0, 2)).toEqual(boto.stdout.trim().split('/').slice(0, 2));
  });

  it('boto3 fails too where awsrole refuses the output', async () => {
    const boto = await runPython(
      `import boto3
try:
    boto3.Session(profile_name="tool-version").client("sts", region_name="us-east-1").get_caller_identity()
    print("OK")
except Exception as e:
    print("FAILED", type(e).__name__)`,
      env,
    );
    expect(boto.stdout.trim()).toBe('FAILED CredentialRetrievalError');
  });
});

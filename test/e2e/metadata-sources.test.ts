// credential_source = Ec2InstanceMetadata and EcsContainer, end to end: bin/awsrole takes role
// session credentials from a loopback IMDS or container-endpoint stand-in and assumes role A with
// them in moto (auth on); boto3, given the same files and environment, ends as the same role.
// What the stand-ins serve is what the real endpoints serve: a session of the instance (task)
// role, here obtained from moto by alice. (An IAM user's own keys cannot be served: both
// endpoints always send a Token, and moto, like STS, refuses a token beside a user's key.)
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runAwsrole, runPython } from '../support/cli.js';
import {
  closedPortEndpoint,
  startContainerStandIn,
  startImdsStandIn,
  type ContainerStandIn,
  type ImdsStandIn,
  type RecordedRequest,
} from '../support/metadata-standins.js';
import { startMoto, type AssumedCredentials, type MotoServer } from '../support/moto.js';
import { createSandbox, type Sandbox } from '../support/sandbox.js';

const AUTH = 'eks-pod-identity-token-e2e';
let moto: MotoServer;
let roleA: string;
let instanceSession: AssumedCredentials;
let taskSession: AssumedCredentials;
let imds: ImdsStandIn;
let container: ContainerStandIn;
let sandbox: Sandbox;
let env: Record<string, string>;

beforeAll(async () => {
  moto = await startMoto();
  const alice = await moto.createUser('alice');
  const instanceRole = await moto.createRole('ec2-instance-role', { trust: [alice.arn] });
  const taskRole = await moto.createRole('ecs-task-role', { trust: [alice.arn] });
  roleA = (await moto.createRole('A', { trust: [instanceRole.arn, taskRole.arn] })).arn;
  await moto.enableAuth();
  instanceSession = await moto.assumeRole(alice, { roleArn: instanceRole.arn, sessionName: 'i-0123456789abcdef0' });
  taskSession = await moto.assumeRole(alice, { roleArn: taskRole.arn, sessionName: 'task-0123' });

  imds = await startImdsStandIn({ credentials: served(instanceSession), roleName: 'ec2-instance-role', requireToken: true });
  container = await startContainerStandIn({ credentials: served(taskSession), authorization: AUTH, accountId: moto.accountId });

  sandbox = createSandbox({ moto });
  sandbox.writeConfig(`[profile on-ec2]
role_arn = ${roleA}
credential_source = Ec2InstanceMetadata
role_session_name = from-ec2

[profile in-container]
role_arn = ${roleA}
credential_source = EcsContainer
role_session_name = from-container
`);
  env = sandbox.env({
    AWS_EC2_METADATA_DISABLED: 'false', // the sandbox turns IMDS off by default
    AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.endpoint,
    AWS_CONTAINER_CREDENTIALS_FULL_URI: container.uri,
    AWS_CONTAINER_AUTHORIZATION_TOKEN: AUTH,
  });
});

afterAll(async () => {
  await imds?.close();
  await container?.close();
  await moto?.stop();
  sandbox?.cleanup();
});

beforeEach(() => {
  imds.requests.length = 0;
  container.requests.length = 0;
});

function served(session: AssumedCredentials) {
  return {
    accessKeyId: session.accessKeyId,
    secretAccessKey: session.secretAccessKey,
    sessionToken: session.sessionToken,
    expiration: new Date(session.expiration).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
}

/** Each IMDS request as method, path and whether it carried a token the stand-in issued. */
function imdsTrace(requests: RecordedRequest[]): string[] {
  return requests.map((r) => {
    const token = r.headers['x-aws-ec2-metadata-token'];
    return `${r.method} ${r.path}${token !== undefined && imds.tokens.includes(String(token)) ? ' +token' : ''}`;
  });
}

const IMDS_V2_TRACE = [
  'PUT /latest/api/token',
  'GET /latest/meta-data/iam/security-credentials/ +token',
  'GET /latest/meta-data/iam/security-credentials/ec2-instance-role +token',
];

async function exportedIdentity(profile: string, extraEnv: Record<string, string | undefined> = {}) {
  const result = await runAwsrole(['export', profile, '--format', 'json', '--no-cache'], { env: { ...env, ...dropUndefined(extraEnv) } });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  const out = JSON.parse(result.stdout) as { AccessKeyId: string; SecretAccessKey: string; SessionToken: string; RoleArn: string };
  expect(out.RoleArn).toBe(roleA);
  const identity = await moto.callerIdentity({ accessKeyId: out.AccessKeyId, secretAccessKey: out.SecretAccessKey, sessionToken: out.SessionToken });
  return { identity, out };
}

function dropUndefined(vars: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(vars).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

async function botoArn(profile: string, extraEnv: Record<string, string> = {}): Promise<string> {
  const result = await runPython(
    `import boto3; print(boto3.Session(profile_name=${JSON.stringify(profile)}).client("sts", region_name="us-east-1").get_caller_identity()["Arn"])`,
    { ...env, ...extraEnv },
  );
  expect(result.stderr).toBe('');
  return result.stdout.trim();
}

describe('credential_source = Ec2InstanceMetadata', () => {
  it('assumes the role with the instance role session, IMDSv2 token first', async () => {
    await moto.startRecording();
    const { identity, out } = await exportedIdentity('on-ec2');
    expect(identity.Arn).toBe('arn:aws:sts::123456789012:assumed-role/A/from-ec2');
    expect(imdsTrace(imds.requests)).toEqual(IMDS_V2_TRACE);
    expect(imds.requests[0]!.headers['x-aws-ec2-metadata-token-ttl-seconds']).toBe('21600');
    // The role was assumed with the keys IMDS served, and the output holds the role's, not those.
    const calls = await moto.recordedStsActions();
    expect(calls.find((c) => c.action === 'AssumeRole')).toMatchObject({
      accessKeyId: instanceSession.accessKeyId,
      params: { RoleArn: roleA, RoleSessionName: 'from-ec2' },
    });
    expect(out.AccessKeyId).not.toBe(instanceSession.accessKeyId);
    await moto.stopRecording();
  });

  it('boto3 ends as the same role, asking IMDS the same way', async () => {
    expect(await botoArn('on-ec2')).toBe('arn:aws:sts::123456789012:assumed-role/A/from-ec2');
    expect(imdsTrace(imds.requests)).toEqual(IMDS_V2_TRACE);
  });

  // The token request's outcome decides the fallback; awsrole and boto3 must ask IMDS alike.
  const V1_TRACE = ['PUT /latest/api/token', 'GET /latest/meta-data/iam/security-credentials/', 'GET /latest/meta-data/iam/security-credentials/ec2-instance-role'];
  it.each([
    ['refused with 405', { status: 405 }, V1_TRACE],
    ['dropped (hop limit 1)', 'hang', V1_TRACE],
    ['answered 400', { status: 400 }, ['PUT /latest/api/token']],
  ] as const)('token request %s: the same requests as boto3, and the same outcome', async (_name, token, trace) => {
    imds.behaviour.token = token;
    imds.behaviour.requireToken = false;
    try {
      const ours = await runAwsrole(['export', 'on-ec2', '--format', 'json', '--no-cache'], { env });
      const ourTrace = imdsTrace(imds.requests);
      imds.requests.length = 0;
      const boto = await runPython(
        `import boto3
try:
    print(boto3.Session(profile_name="on-ec2").client("sts", region_name="us-east-1").get_caller_identity()["Arn"])
except Exception as e:
    print("FAILED", type(e).__name__)`,
        env,
      );
      expect(ourTrace).toEqual(trace);
      expect(imdsTrace(imds.requests)).toEqual(trace);
      if (trace.length === 1) {
        expect(boto.stdout.trim()).toMatch(/^FAILED/);
        expect(ours.code).toBe(4);
        expect(ours.stderr).toContain('refused the IMDSv2 token request (HTTP 400)');
      } else {
        expect(boto.stdout.trim()).toBe('arn:aws:sts::123456789012:assumed-role/A/from-ec2');
        expect(ours.code).toBe(0);
        const out = JSON.parse(ours.stdout) as { AccessKeyId: string; SecretAccessKey: string; SessionToken: string };
        const identity = await moto.callerIdentity({ accessKeyId: out.AccessKeyId, secretAccessKey: out.SecretAccessKey, sessionToken: out.SessionToken });
        expect(identity.Arn).toBe('arn:aws:sts::123456789012:assumed-role/A/from-ec2');
      }
    } finally {
      imds.behaviour.token = 'issue';
      imds.behaviour.requireToken = true;
    }
  });

  it('AWS_EC2_METADATA_DISABLED=true: exit 3 naming the variable, IMDS untouched', async () => {
    const result = await runAwsrole(['export', 'on-ec2', '--format', 'json'], { env: { ...env, AWS_EC2_METADATA_DISABLED: 'true' } });
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^awsrole: AWS_EC2_METADATA_DISABLED=true turns the EC2 instance metadata service off, but profile "on-ec2"/);
    expect(imds.requests).toEqual([]);
  });

  it('nothing listening: exit 5 quickly, naming the endpoint', async () => {
    const closed = await closedPortEndpoint();
    const started = Date.now();
    const result = await runAwsrole(['export', 'on-ec2', '--format', 'json'], { env: { ...env, AWS_EC2_METADATA_SERVICE_ENDPOINT: closed } });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result.code).toBe(5);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`awsrole: cannot reach the EC2 instance metadata service at ${closed}`);
    expect(result.stderr).toContain('credential_source = Ec2InstanceMetadata');
    expect(result.stderr).not.toContain(instanceSession.secretAccessKey);
  });
});

describe('credential_source = EcsContainer', () => {
  it('assumes the role with the container credentials, sending the authorization token', async () => {
    const { identity } = await exportedIdentity('in-container');
    expect(identity.Arn).toBe('arn:aws:sts::123456789012:assumed-role/A/from-container');
    expect(container.requests).toHaveLength(1);
    expect(container.requests[0]!.headers.authorization).toBe(AUTH);
    expect(imds.requests).toEqual([]);
  });

  it('a cached chain asks the container endpoint nothing', async () => {
    const run = () => runAwsrole(['export', 'in-container', '--format', 'json'], { env });
    await runAwsrole(['cache', 'clear'], { env });
    expect((await run()).code).toBe(0);
    expect(container.requests).toHaveLength(1);
    const second = await run();
    expect(second.code).toBe(0);
    expect(container.requests).toHaveLength(1);
    // The other tests here run without the cache; leave none behind (the AWS CLI's included).
    await runAwsrole(['cache', 'clear'], { env });
  });

  it('boto3 ends as the same role', async () => {
    expect(await botoArn('in-container')).toBe('arn:aws:sts::123456789012:assumed-role/A/from-container');
    expect(container.requests.map((r) => r.headers.authorization)).toEqual([AUTH]);
  });

  it('the token from AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE, for awsrole and boto3 alike', async () => {
    const file = sandbox.writeFile('pod-identity/token', AUTH);
    const fileEnv = { AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: file, AWS_CONTAINER_AUTHORIZATION_TOKEN: 'not-this-one' };
    const { identity } = await exportedIdentity('in-container', fileEnv);
    expect(identity.Arn).toBe('arn:aws:sts::123456789012:assumed-role/A/from-container');
    expect(await botoArn('in-container', fileEnv)).toBe('arn:aws:sts::123456789012:assumed-role/A/from-container');
    expect(container.requests.map((r) => r.headers.authorization)).toEqual([AUTH, AUTH]);
  });

  it('plain http to a host that is not allowed: exit 3, nothing sent', async () => {
    const result = await runAwsrole(['export', 'in-container', '--format', 'json'], {
      env: { ...env, AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://198.51.100.7/creds' },
    });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('AWS_CONTAINER_CREDENTIALS_FULL_URI may use plain http only to a loopback address');
    expect(result.stderr).not.toContain(AUTH);
  });

  it('neither URI variable: exit 3 naming both', async () => {
    const result = await runAwsrole(['export', 'in-container', '--format', 'json'], {
      env: dropUndefined({ ...env, AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined }),
    });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor AWS_CONTAINER_CREDENTIALS_FULL_URI is set');
  });
});

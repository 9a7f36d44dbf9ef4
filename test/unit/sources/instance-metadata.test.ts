// instanceMetadataCredentials against a loopback IMDS stand-in: IMDSv2 first, IMDSv1 only where
// botocore falls back to it, the environment settings, and every way it can fail with its exit code.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Env } from '../../../src/environment/env.js';
import { AwsroleError, ExitCode } from '../../../src/errors/errors.js';
import type { InstanceMetadataStep } from '../../../src/plan/types.js';
import { imdsSettings, instanceMetadataCredentials } from '../../../src/sources/instance-metadata.js';
import type { SourceContext } from '../../../src/sources/types.js';
import { closedPortEndpoint, startImdsStandIn, type ImdsStandIn } from '../../support/metadata-standins.js';

const STEP: InstanceMetadataStep = {
  kind: 'instance-metadata',
  profile: 'on-ec2',
  source: { kind: 'file', origin: { file: '/home/u/.aws/config', line: 3 } },
};
const KEYS = {
  accessKeyId: 'ASIAINSTANCEROLE0001',
  secretAccessKey: 'instance-secret-value',
  sessionToken: 'instance-session-token',
  expiration: '2030-01-01T00:00:00Z',
};
const TOKEN_PATH = '/latest/api/token';
const LIST_PATH = '/latest/meta-data/iam/security-credentials/';
const ROLE_PATH = `${LIST_PATH}instance-role`;

let imds: ImdsStandIn;
beforeEach(async () => {
  imds = await startImdsStandIn({ credentials: KEYS });
});
afterEach(async () => {
  await imds.close();
});

function context(env: Env) {
  const messages: string[] = [];
  const ctx: SourceContext = {
    env,
    now: () => new Date(),
    sts: () => {
      throw new Error('instance metadata makes no STS call');
    },
    debug: (message) => messages.push(message),
    stderr: process.stderr,
  };
  return { ctx, messages };
}

/** The stand-in's endpoint, IMDS enabled, and short timeouts. */
function env(extra: Record<string, string | undefined> = {}): Env {
  return { AWS_EC2_METADATA_DISABLED: 'false', AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.endpoint, AWS_METADATA_SERVICE_TIMEOUT: '1', ...extra };
}

async function failure(promise: Promise<unknown>): Promise<AwsroleError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AwsroleError);
  const e = error as AwsroleError;
  // No secret of any kind in a message.
  for (const secret of [KEYS.secretAccessKey, KEYS.sessionToken, ...imds.tokens]) {
    expect(e.message).not.toContain(secret);
    expect(e.hint ?? '').not.toContain(secret);
  }
  return e;
}

const summary = (s: ImdsStandIn) =>
  s.requests.map((r) => `${r.method} ${r.path}${r.headers['x-aws-ec2-metadata-token'] ? ' +token' : ''}`);

describe(instanceMetadataCredentials.name, () => {
  it('gets an IMDSv2 token first and sends it with both GETs', async () => {
    const { ctx, messages } = context(env());
    const result = await instanceMetadataCredentials(STEP, ctx);

    expect(result).toEqual({
      credentials: {
        accessKeyId: KEYS.accessKeyId,
        secretAccessKey: KEYS.secretAccessKey,
        sessionToken: KEYS.sessionToken,
        expiration: new Date(KEYS.expiration),
      },
      identity: 'instance-role:instance-role',
      caller: 'instance role instance-role',
    });
    expect(summary(imds)).toEqual([`PUT ${TOKEN_PATH}`, `GET ${LIST_PATH} +token`, `GET ${ROLE_PATH} +token`]);
    expect(imds.requests[0]!.headers['x-aws-ec2-metadata-token-ttl-seconds']).toBe('21600');
    expect(imds.tokens).toHaveLength(1);
    expect(imds.requests[1]!.headers['x-aws-ec2-metadata-token']).toBe(imds.tokens[0]);
    expect(imds.requests[2]!.headers['x-aws-ec2-metadata-token']).toBe(imds.tokens[0]);
    expect(messages.join('\n')).toContain('IMDSv2 token obtained');
    expect(messages.join('\n')).not.toContain(KEYS.secretAccessKey);
    expect(messages.join('\n')).not.toContain(imds.tokens[0]);
  });

  it('an IMDSv2 token with control characters inside is unusable: IMDSv1', async () => {
    imds.behaviour.override = (request) => (request.method === 'PUT' ? { status: 200, body: 'tok\u0001en' } : undefined);
    const { ctx, messages } = context(env());
    await instanceMetadataCredentials(STEP, ctx);
    expect(summary(imds).slice(1)).toEqual([`GET ${LIST_PATH}`, `GET ${ROLE_PATH}`]);
    expect(messages.join('\n')).toContain('no header can carry');
  });

  it('works when IMDSv2 is required', async () => {
    imds.behaviour.requireToken = true;
    const result = await instanceMetadataCredentials(STEP, context(env()).ctx);
    expect(result.credentials.accessKeyId).toBe(KEYS.accessKeyId);
  });

  describe('falls back to IMDSv1 where botocore does', () => {
    it.each([403, 404, 405])('token answered HTTP %i: at once, GETs without a token', async (status) => {
      imds.behaviour.token = { status };
      const { ctx, messages } = context(env({ AWS_METADATA_SERVICE_NUM_ATTEMPTS: '3' }));
      const result = await instanceMetadataCredentials(STEP, ctx);
      expect(result.credentials.accessKeyId).toBe(KEYS.accessKeyId);
      expect(summary(imds)).toEqual([`PUT ${TOKEN_PATH}`, `GET ${LIST_PATH}`, `GET ${ROLE_PATH}`]);
      expect(messages.join('\n')).toContain(`HTTP ${status}); falling back to IMDSv1`);
    });

    it('token request times out once connected (hop limit 1 in a container): at once', async () => {
      imds.behaviour.token = 'hang';
      const started = Date.now();
      const result = await instanceMetadataCredentials(STEP, context(env({ AWS_METADATA_SERVICE_TIMEOUT: '0.3', AWS_METADATA_SERVICE_NUM_ATTEMPTS: '3' })).ctx);
      expect(result.credentials.accessKeyId).toBe(KEYS.accessKeyId);
      expect(summary(imds)).toEqual([`PUT ${TOKEN_PATH}`, `GET ${LIST_PATH}`, `GET ${ROLE_PATH}`]);
      expect(Date.now() - started).toBeLessThan(2000);
    });

    it('token answered another status: after every attempt', async () => {
      imds.behaviour.token = { status: 503 };
      const result = await instanceMetadataCredentials(STEP, context(env({ AWS_METADATA_SERVICE_NUM_ATTEMPTS: '2' })).ctx);
      expect(result.credentials.accessKeyId).toBe(KEYS.accessKeyId);
      expect(summary(imds)).toEqual([`PUT ${TOKEN_PATH}`, `PUT ${TOKEN_PATH}`, `GET ${LIST_PATH}`, `GET ${ROLE_PATH}`]);
    });

    it('not on HTTP 400: the token request is refused (exit 4), no GET', async () => {
      imds.behaviour.token = { status: 400 };
      const error = await failure(instanceMetadataCredentials(STEP, context(env()).ctx));
      expect(error.exitCode).toBe(ExitCode.awsRefused);
      expect(error.message).toContain('HTTP 400');
      expect(summary(imds)).toEqual([`PUT ${TOKEN_PATH}`]);
    });

    it('a timed-out token on an instance that requires IMDSv2: exit 4, with the hop limit hint', async () => {
      imds.behaviour.token = 'hang';
      imds.behaviour.requireToken = true;
      const error = await failure(instanceMetadataCredentials(STEP, context(env({ AWS_METADATA_SERVICE_TIMEOUT: '0.3' })).ctx));
      expect(error.exitCode).toBe(ExitCode.awsRefused);
      expect(error.message).toContain('requires IMDSv2 (HTTP 401 without a token)');
      expect(error.hint).toContain('hop-limit');
    });
  });

  describe('AWS_EC2_METADATA_V1_DISABLED=true', () => {
    it.each([
      ['HTTP 404', { status: 404 }, ExitCode.awsRefused],
      ['a timeout', 'hang', ExitCode.awsUnreachable],
    ] as const)('no fallback after %s: exit %i, no GET', async (_name, token, exitCode) => {
      imds.behaviour.token = token;
      const error = await failure(
        instanceMetadataCredentials(STEP, context(env({ AWS_EC2_METADATA_V1_DISABLED: 'TRUE', AWS_METADATA_SERVICE_TIMEOUT: '0.3' })).ctx),
      );
      expect(error.exitCode).toBe(exitCode);
      expect(error.message).toContain('AWS_EC2_METADATA_V1_DISABLED=true forbids IMDSv1');
      expect(summary(imds)).toEqual([`PUT ${TOKEN_PATH}`]);
    });

    it('IMDSv2 still works', async () => {
      const result = await instanceMetadataCredentials(STEP, context(env({ AWS_EC2_METADATA_V1_DISABLED: 'true' })).ctx);
      expect(result.credentials.accessKeyId).toBe(KEYS.accessKeyId);
    });
  });

  it('AWS_EC2_METADATA_DISABLED=true: exit 3 naming the variable and the profile, no request', async () => {
    const error = await failure(instanceMetadataCredentials(STEP, context(env({ AWS_EC2_METADATA_DISABLED: 'True' })).ctx));
    expect(error.exitCode).toBe(ExitCode.config);
    expect(error.message).toContain('AWS_EC2_METADATA_DISABLED=true');
    expect(error.message).toContain('profile "on-ec2", credential_source = Ec2InstanceMetadata at /home/u/.aws/config:3');
    expect(imds.requests).toEqual([]);
  });

  it('a closed port: exit 5 at once, naming the endpoint and the credential_source', async () => {
    const closed = await closedPortEndpoint();
    const started = Date.now();
    const error = await failure(instanceMetadataCredentials(STEP, context(env({ AWS_EC2_METADATA_SERVICE_ENDPOINT: closed })).ctx));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(error.exitCode).toBe(ExitCode.awsUnreachable);
    expect(error.message).toContain(`cannot reach the EC2 instance metadata service at ${closed}`);
    expect(error.message).toContain('connection refused');
    expect(error.message).toContain('credential_source = Ec2InstanceMetadata');
  });

  it('a GET that never answers: exit 5 after the timeout, every attempt', async () => {
    imds.behaviour.override = (request) => (request.path === ROLE_PATH ? 'hang' : undefined);
    const error = await failure(
      instanceMetadataCredentials(STEP, context(env({ AWS_METADATA_SERVICE_TIMEOUT: '0.2', AWS_METADATA_SERVICE_NUM_ATTEMPTS: '2' })).ctx),
    );
    expect(error.exitCode).toBe(ExitCode.awsUnreachable);
    expect(error.message).toContain('no answer within 0.2 s');
    expect(summary(imds).filter((line) => line.startsWith(`GET ${ROLE_PATH}`))).toHaveLength(2);
  });

  it('tries a failed GET again, up to AWS_METADATA_SERVICE_NUM_ATTEMPTS', async () => {
    imds.behaviour.override = (request, index) => (index === 1 ? { status: 500 } : undefined);
    const result = await instanceMetadataCredentials(STEP, context(env({ AWS_METADATA_SERVICE_NUM_ATTEMPTS: '2' })).ctx);
    expect(result.credentials.accessKeyId).toBe(KEYS.accessKeyId);
    expect(summary(imds)).toEqual([`PUT ${TOKEN_PATH}`, `GET ${LIST_PATH} +token`, `GET ${LIST_PATH} +token`, `GET ${ROLE_PATH} +token`]);
  });

  it('an instance without a role: exit 4 with a hint', async () => {
    imds.behaviour.roleName = null;
    const error = await failure(instanceMetadataCredentials(STEP, context(env()).ctx));
    expect(error.exitCode).toBe(ExitCode.awsRefused);
    expect(error.message).toContain('has no IAM role for this instance');
    expect(error.hint).toContain('instance profile');
  });

  it('bad JSON: tried again like botocore, then exit 5 (not what IMDS sends)', async () => {
    imds.behaviour.credentialsBody = '{"AccessKeyId": "ASIA';
    const error = await failure(instanceMetadataCredentials(STEP, context(env({ AWS_METADATA_SERVICE_NUM_ATTEMPTS: '3' })).ctx));
    expect(error.exitCode).toBe(ExitCode.awsUnreachable);
    expect(error.message).toContain('did not answer like IMDS: HTTP 200 with broken or unexpected JSON');
    expect(summary(imds).filter((line) => line.startsWith(`GET ${ROLE_PATH}`))).toHaveLength(3);
  });

  it('Code other than Success: exit 4 with what IMDS said, not tried again', async () => {
    imds.behaviour.credentialsBody = JSON.stringify({
      Code: 'AssumeRoleUnauthorizedAccess',
      Message: 'EC2 cannot assume the role instance-role.',
      LastUpdated: '2030-01-01T00:00:00Z',
    });
    const error = await failure(instanceMetadataCredentials(STEP, context(env({ AWS_METADATA_SERVICE_NUM_ATTEMPTS: '3' })).ctx));
    expect(error.exitCode).toBe(ExitCode.awsRefused);
    expect(error.message).toContain('AssumeRoleUnauthorizedAccess: EC2 cannot assume the role instance-role.');
    expect(error.hint).toContain('ec2.amazonaws.com');
    expect(summary(imds).filter((line) => line.startsWith(`GET ${ROLE_PATH}`))).toHaveLength(1);
  });

  it.each([
    ['without Token', { Code: 'Success', AccessKeyId: 'ASIAX', SecretAccessKey: 's', Expiration: '2030-01-01T00:00:00Z' }, 'without Token'],
    ['with a bad Expiration', { Code: 'Success', AccessKeyId: 'ASIAX', SecretAccessKey: 's', Token: 't', Expiration: 'soon' }, 'not a date'],
    ['as a list', [1, 2], 'not an object'],
  ])('a document %s: exit 4', async (_name, document, said) => {
    imds.behaviour.credentialsBody = JSON.stringify(document);
    const error = await failure(instanceMetadataCredentials(STEP, context(env()).ctx));
    expect(error.exitCode).toBe(ExitCode.awsRefused);
    expect(error.message).toContain(said);
  });

  it('a document without Code but with every field is accepted, as botocore does', async () => {
    imds.behaviour.credentialsBody = JSON.stringify({ AccessKeyId: 'ASIANOCODE', SecretAccessKey: 's', Token: 't', Expiration: '2030-01-01T00:00:00Z' });
    const result = await instanceMetadataCredentials(STEP, context(env()).ctx);
    expect(result.credentials.accessKeyId).toBe('ASIANOCODE');
  });

  it('an endpoint with a path: botocore joins it and the request path with one slash', async () => {
    imds.behaviour.override = () => ({ status: 400 }); // stop after the first request: only its path matters
    await failure(instanceMetadataCredentials(STEP, context(env({ AWS_EC2_METADATA_SERVICE_ENDPOINT: `${imds.endpoint}/prefix/` })).ctx));
    expect(imds.requests.map((r) => r.path)).toEqual([`/prefix${TOKEN_PATH}`]);
  });
});

describe(imdsSettings.name, () => {
  const where = 'test';
  it.each([
    [{}, 'http://169.254.169.254'],
    [{ AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE: 'IPv6' }, 'http://[fd00:ec2::254]'],
    [{ AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE: 'ipv4', AWS_IMDS_USE_IPV6: 'true' }, 'http://169.254.169.254'],
    [{ AWS_IMDS_USE_IPV6: 'true' }, 'http://[fd00:ec2::254]'],
    [{ AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://10.0.0.1:8080/', AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE: 'IPv6' }, 'http://10.0.0.1:8080'],
    [{ AWS_EC2_METADATA_SERVICE_ENDPOINT: '' }, 'http://169.254.169.254'],
  ])('%j → %s', (vars, endpoint) => {
    expect(imdsSettings(vars, where).endpoint).toBe(endpoint);
  });

  it('defaults: 1 s, 1 attempt, IMDSv1 allowed (botocore)', () => {
    expect(imdsSettings({}, where)).toMatchObject({ timeoutMs: 1000, attempts: 1, v1Disabled: false });
    expect(imdsSettings({ AWS_METADATA_SERVICE_TIMEOUT: '5', AWS_METADATA_SERVICE_NUM_ATTEMPTS: '3' }, where)).toMatchObject({ timeoutMs: 5000, attempts: 3 });
  });

  it.each([
    [{ AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE: 'ipv5' }, 'AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE'],
    [{ AWS_EC2_METADATA_SERVICE_ENDPOINT: '169.254.169.254' }, 'AWS_EC2_METADATA_SERVICE_ENDPOINT'],
    [{ AWS_EC2_METADATA_SERVICE_ENDPOINT: 'ftp://host/' }, 'AWS_EC2_METADATA_SERVICE_ENDPOINT'],
    [{ AWS_METADATA_SERVICE_TIMEOUT: 'soon' }, 'AWS_METADATA_SERVICE_TIMEOUT'],
    [{ AWS_METADATA_SERVICE_TIMEOUT: '0' }, 'AWS_METADATA_SERVICE_TIMEOUT'],
    [{ AWS_METADATA_SERVICE_NUM_ATTEMPTS: '0' }, 'AWS_METADATA_SERVICE_NUM_ATTEMPTS'],
    [{ AWS_METADATA_SERVICE_NUM_ATTEMPTS: '1.5' }, 'AWS_METADATA_SERVICE_NUM_ATTEMPTS'],
    [{ AWS_EC2_METADATA_DISABLED: 'true' }, 'AWS_EC2_METADATA_DISABLED'],
  ])('%j: exit 3 naming %s', (vars, variable) => {
    let error: unknown;
    try {
      imdsSettings(vars, where);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AwsroleError);
    expect((error as AwsroleError).exitCode).toBe(ExitCode.config);
    expect((error as AwsroleError).message).toContain(variable);
  });
});

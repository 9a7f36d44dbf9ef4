// containerCredentials against a loopback stand-in of the ECS / EKS Pod Identity endpoint: which
// URL, which Authorization header, which hosts plain http may go to, and every failure's exit code.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Env } from '../../../src/environment/env.js';
import { AwsroleError, ExitCode } from '../../../src/errors/errors.js';
import type { ContainerStep } from '../../../src/plan/types.js';
import {
  allowedHttpHost,
  containerCredentials,
  containerUrl,
  DEFAULT_CONTAINER_OPTIONS,
  type ContainerOptions,
} from '../../../src/sources/container.js';
import type { SourceContext } from '../../../src/sources/types.js';
import { closedPortEndpoint, startContainerStandIn, type ContainerStandIn } from '../../support/metadata-standins.js';

const STEP: ContainerStep = {
  kind: 'container',
  profile: 'in-task',
  source: { kind: 'file', origin: { file: '/home/u/.aws/config', line: 7 } },
};
const KEYS = {
  accessKeyId: 'ASIATASKROLE00000001',
  secretAccessKey: 'task-secret-value',
  sessionToken: 'task-session-token',
  expiration: '2030-01-01T00:00:00Z',
};
const AUTH = 'pod-identity-token-abc';

let server: ContainerStandIn;
let dir: string;
let options: ContainerOptions;
beforeEach(async () => {
  server = await startContainerStandIn({ credentials: KEYS, accountId: '123456789012' });
  dir = mkdtempSync(join(tmpdir(), 'awsrole-container-'));
  // botocore's 2 s × 3 attempts, 1 s apart, shortened; relative URIs go to the stand-in.
  options = { timeoutMs: 500, attempts: 3, retryDelayMs: 10, relativeBase: server.endpoint };
});
afterEach(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function context(env: Env): SourceContext {
  return {
    env,
    now: () => new Date(),
    sts: () => {
      throw new Error('container credentials make no STS call');
    },
    debug: () => undefined,
    stderr: process.stderr,
  };
}

async function failure(promise: Promise<unknown>): Promise<AwsroleError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AwsroleError);
  const e = error as AwsroleError;
  for (const secret of [KEYS.secretAccessKey, KEYS.sessionToken, AUTH]) {
    expect(e.message).not.toContain(secret);
    expect(e.hint ?? '').not.toContain(secret);
  }
  return e;
}

describe(containerCredentials.name, () => {
  it('AWS_CONTAINER_CREDENTIALS_FULL_URI to loopback: the credentials, asked for as JSON', async () => {
    const result = await containerCredentials(STEP, context({ AWS_CONTAINER_CREDENTIALS_FULL_URI: server.uri }), options);
    expect(result).toEqual({
      credentials: {
        accessKeyId: KEYS.accessKeyId,
        secretAccessKey: KEYS.secretAccessKey,
        sessionToken: KEYS.sessionToken,
        expiration: new Date(KEYS.expiration),
      },
      identity: `container:${server.uri}`,
      caller: 'container credentials',
    });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({ method: 'GET', path: '/v1/credentials' });
    expect(server.requests[0]!.headers.accept).toBe('application/json');
    expect(server.requests[0]!.headers.authorization).toBeUndefined();
  });

  it('AWS_CONTAINER_CREDENTIALS_RELATIVE_URI goes to the ECS address, and wins over the full URI', async () => {
    const env = { AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v1/credentials', AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://127.0.0.1:1/elsewhere' };
    const result = await containerCredentials(STEP, context(env), options);
    expect(result.identity).toBe(`container:${server.endpoint}/v1/credentials`);
    expect(server.requests).toHaveLength(1);
  });

  it('the relative URI is appended to http://169.254.170.2 by default', () => {
    expect(containerUrl('/v2/credentials/abc-123', undefined, DEFAULT_CONTAINER_OPTIONS.relativeBase, 'test').url.href).toBe(
      'http://169.254.170.2/v2/credentials/abc-123',
    );
    expect(DEFAULT_CONTAINER_OPTIONS).toMatchObject({ timeoutMs: 2000, attempts: 3, retryDelayMs: 1000 });
  });

  it('AWS_CONTAINER_AUTHORIZATION_TOKEN is sent as Authorization', async () => {
    server.behaviour.authorization = AUTH;
    const env = { AWS_CONTAINER_CREDENTIALS_FULL_URI: server.uri, AWS_CONTAINER_AUTHORIZATION_TOKEN: AUTH };
    const result = await containerCredentials(STEP, context(env), options);
    expect(result.credentials.accessKeyId).toBe(KEYS.accessKeyId);
    expect(server.requests[0]!.headers.authorization).toBe(AUTH);
  });

  it('AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE wins over the variable and is read on every call', async () => {
    const file = join(dir, 'eks-pod-identity-token');
    writeFileSync(file, 'first-token');
    const env = { AWS_CONTAINER_CREDENTIALS_FULL_URI: server.uri, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: file, AWS_CONTAINER_AUTHORIZATION_TOKEN: 'ignored' };
    await containerCredentials(STEP, context(env), options);
    writeFileSync(file, 'rotated-token\n'); // an `echo` leaves a newline: dropped
    await containerCredentials(STEP, context(env), options);
    expect(server.requests.map((r) => r.headers.authorization)).toEqual(['first-token', 'rotated-token']);
  });

  it('a wrong token: 401 on every attempt, then exit 4 with a hint', async () => {
    server.behaviour.authorization = AUTH;
    const env = { AWS_CONTAINER_CREDENTIALS_FULL_URI: server.uri, AWS_CONTAINER_AUTHORIZATION_TOKEN: 'wrong' };
    const error = await failure(containerCredentials(STEP, context(env), options));
    expect(error.exitCode).toBe(ExitCode.awsRefused);
    expect(error.message).toContain('HTTP 401: AccessDenied: invalid authorization token');
    expect(error.hint).toContain('AWS_CONTAINER_AUTHORIZATION_TOKEN');
    expect(server.requests).toHaveLength(3);
  });

  it.each([
    ['CR', 'abc\rdef'],
    ['LF', 'abc\ndef'],
    ['CRLF at the end', 'abc\r\n'],
  ])('a token with %s: exit 3, nothing sent', async (_name, token) => {
    const env = { AWS_CONTAINER_CREDENTIALS_FULL_URI: server.uri, AWS_CONTAINER_AUTHORIZATION_TOKEN: token };
    const error = await failure(containerCredentials(STEP, context(env), options));
    expect(error.exitCode).toBe(ExitCode.config);
    expect(error.message).toContain('AWS_CONTAINER_AUTHORIZATION_TOKEN has a line break');
    expect(server.requests).toEqual([]);
  });

  it('a token with another control character: exit 3, nothing sent', async () => {
    const env = { AWS_CONTAINER_CREDENTIALS_FULL_URI: server.uri, AWS_CONTAINER_AUTHORIZATION_TOKEN: 'abc\u0000def' };
    const error = await failure(containerCredentials(STEP, context(env), options));
    expect(error.exitCode).toBe(ExitCode.config);
    expect(error.message).toContain('control character');
    expect(server.requests).toEqual([]);
  });

  it('a token file with a line break inside: exit 3, nothing sent', async () => {
    const file = join(dir, 'token');
    writeFileSync(file, 'abc\ndef\n');
    const env = { AWS_CONTAINER_CREDENTIALS_FULL_URI: server.uri, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: file };
    const error = await failure(containerCredentials(STEP, context(env), options));
    expect(error.exitCode).toBe(ExitCode.config);
    expect(error.message).toContain('line break inside');
    expect(server.requests).toEqual([]);
  });

  it.each([
    ['missing', undefined, 'does not exist'],
    ['empty', '', 'is empty'],
  ])('a token file that is %s: exit 3 naming it', async (_name, contents, said) => {
    const file = join(dir, 'token');
    if (contents !== undefined) writeFileSync(file, contents);
    const env = { AWS_CONTAINER_CREDENTIALS_FULL_URI: server.uri, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: file };
    const error = await failure(containerCredentials(STEP, context(env), options));
    expect(error.exitCode).toBe(ExitCode.config);
    expect(error.message).toContain(`${file} (AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE) ${said}`);
  });

  it.each(['http://example.com/creds', 'http://169.254.169.254/creds', 'http://10.0.0.1/creds', 'http://[fd00:ec2::254]/creds', 'http://169.254.170.3/'])(
    'plain http to %s is refused: exit 3, nothing sent',
    async (uri) => {
      const error = await failure(containerCredentials(STEP, context({ AWS_CONTAINER_CREDENTIALS_FULL_URI: uri, AWS_CONTAINER_AUTHORIZATION_TOKEN: AUTH }), options));
      expect(error.exitCode).toBe(ExitCode.config);
      expect(error.message).toContain('may use plain http only to a loopback address or 169.254.170.2, 169.254.170.23, fd00:ec2::23, localhost');
    },
  );

  it.each(['ftp://127.0.0.1/creds', 'not a url'])('a full URI %j that is not http(s): exit 3', async (uri) => {
    const error = await failure(containerCredentials(STEP, context({ AWS_CONTAINER_CREDENTIALS_FULL_URI: uri }), options));
    expect(error.exitCode).toBe(ExitCode.config);
  });

  it('neither variable set: exit 3 naming both', async () => {
    const error = await failure(containerCredentials(STEP, context({ AWS_CONTAINER_CREDENTIALS_FULL_URI: '' }), options));
    expect(error.exitCode).toBe(ExitCode.config);
    expect(error.message).toContain('neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor AWS_CONTAINER_CREDENTIALS_FULL_URI is set');
    expect(error.message).toContain('profile "in-task", credential_source = EcsContainer at /home/u/.aws/config:7');
  });

  it('a closed port: exit 5 naming the endpoint', async () => {
    const closed = `${await closedPortEndpoint()}/v1/credentials`;
    const error = await failure(containerCredentials(STEP, context({ AWS_CONTAINER_CREDENTIALS_FULL_URI: closed }), options));
    expect(error.exitCode).toBe(ExitCode.awsUnreachable);
    expect(error.message).toContain(`cannot reach the container credentials endpoint ${closed} (connection refused, 3 attempts)`);
  });

  it('an endpoint that never answers: exit 5 after the timeout', async () => {
    server.behaviour.override = () => 'hang';
    const error = await failure(containerCredentials(STEP, context({ AWS_CONTAINER_CREDENTIALS_FULL_URI: server.uri }), { ...options, timeoutMs: 200, attempts: 1 }));
    expect(error.exitCode).toBe(ExitCode.awsUnreachable);
    expect(error.message).toContain('no answer within 0.2 s');
  });

  it('a failure, then the credentials: tried again', async () => {
    server.behaviour.override = (_request, index) => (index === 0 ? { status: 500, body: 'busy' } : undefined);
    const result = await containerCredentials(STEP, context({ AWS_CONTAINER_CREDENTIALS_FULL_URI: server.uri }), options);
    expect(result.credentials.accessKeyId).toBe(KEYS.accessKeyId);
    expect(server.requests).toHaveLength(2);
  });

  it('an answer that is not JSON: tried 3 times, then exit 5 (not what the endpoint sends)', async () => {
    server.behaviour.credentialsBody = '<html>';
    const error = await failure(containerCredentials(STEP, context({ AWS_CONTAINER_CREDENTIALS_FULL_URI: server.uri }), options));
    expect(error.exitCode).toBe(ExitCode.awsUnreachable);
    expect(error.message).toContain('did not answer like one: HTTP 200 with an HTML page (3 attempts)');
    expect(server.requests).toHaveLength(3);
  });

  it.each([
    ['without Token', JSON.stringify({ AccessKeyId: 'ASIAX', SecretAccessKey: 's', Expiration: '2030-01-01T00:00:00Z' }), 'without Token', 1],
    ['with a bad Expiration', JSON.stringify({ AccessKeyId: 'ASIAX', SecretAccessKey: 's', Token: 't', Expiration: 'never' }), 'not a date', 1],
  ])('an answer %s: exit 4', async (_name, body, said, requests) => {
    server.behaviour.credentialsBody = body;
    const error = await failure(containerCredentials(STEP, context({ AWS_CONTAINER_CREDENTIALS_FULL_URI: server.uri }), options));
    expect(error.exitCode).toBe(ExitCode.awsRefused);
    expect(error.message).toContain(said);
    expect(server.requests).toHaveLength(requests);
  });

  it('messages show the URI without a query string', async () => {
    const error = await failure(
      containerCredentials(STEP, context({ AWS_CONTAINER_CREDENTIALS_FULL_URI: `${server.endpoint}/nowhere?secret=1` }), { ...options, attempts: 1 }),
    );
    expect(error.message).toContain(`${server.endpoint}/nowhere answered HTTP 404`);
    expect(error.message).not.toContain('secret=1');
  });
});

describe(allowedHttpHost.name, () => {
  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['[::1]', true],
    ['localhost', true],
    ['169.254.170.2', true],
    ['169.254.170.23', true],
    ['[fd00:ec2::23]', true],
    ['169.254.169.254', false],
    ['[fd00:ec2::254]', false],
    ['128.0.0.1', false],
    ['localhost.example.com', false],
    ['example.com', false],
  ])('%s → %s', (host, allowed) => {
    expect(allowedHttpHost(host)).toBe(allowed);
  });

  it('https goes anywhere', () => {
    expect(containerUrl(undefined, 'https://creds.example.com/v1', 'http://169.254.170.2', 'test').url.hostname).toBe('creds.example.com');
  });
});

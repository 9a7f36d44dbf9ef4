// The token file is real (a temp dir); STS is a stand-in that records what it was asked.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBuilt, runBuiltAsNobody } from '../../support/as-nobody.js';
import { AwsroleError, ExitCode } from '../../../src/errors/errors.js';
import type { StsTarget, WebIdentityStep } from '../../../src/plan/types.js';
import { webIdentityCredentials } from '../../../src/sources/web-identity.js';
import type { SourceContext } from '../../../src/sources/types.js';
import { StsRefusal, StsUnreachable, type StsCaller, type WebIdentityRequest } from '../../../src/sts/types.js';

const ROLE = 'arn:aws:iam::123456789012:role/ci-deploy';
const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOmV4YW1wbGUifQ.c2lnbmF0dXJl';
const STS: StsTarget = {
  region: { value: 'us-east-1', source: { kind: 'default', reason: 'test' } },
  endpoint: { value: 'http://127.0.0.1:1', source: { kind: 'env', variable: 'AWS_ENDPOINT_URL_STS' } },
};

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'awsrole-web-identity-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function tokenFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function step(path: string, extra: Partial<WebIdentityStep> = {}): WebIdentityStep {
  return {
    kind: 'web-identity',
    profile: 'ci',
    roleArn: { value: ROLE, source: { kind: 'file', origin: { file: '/home/u/.aws/config', line: 2 } } },
    tokenFile: { value: path, source: { kind: 'file', origin: { file: '/home/u/.aws/config', line: 3 } } },
    sessionName: { value: 'gha-run-42', source: { kind: 'file', origin: { file: '/home/u/.aws/config', line: 4 } } },
    sts: STS,
    ...extra,
  };
}

/** A stand-in STS: records each AssumeRoleWithWebIdentity request, answers or throws `fail`. */
function standIn(fail?: Error) {
  const requests: WebIdentityRequest[] = [];
  const targets: StsTarget[] = [];
  const refuse = () => Promise.reject(new Error('not used by web identity'));
  const sts: StsCaller = {
    assumeRole: refuse,
    getSessionToken: refuse,
    getCallerIdentity: refuse,
    async assumeRoleWithWebIdentity(target, request) {
      targets.push(target);
      requests.push(request);
      if (fail) throw fail;
      return {
        credentials: { accessKeyId: `ASIAWEB${requests.length}`, secretAccessKey: 'web-secret', sessionToken: 'web-session', expiration: new Date('2030-01-01T00:00:00Z') },
        assumedRoleArn: `arn:aws:sts::123456789012:assumed-role/ci-deploy/${request.sessionName}`,
      };
    },
  };
  const debug: string[] = [];
  const context: SourceContext = { env: {}, now: () => new Date('2026-06-01T12:00:00Z'), sts: () => sts, debug: (m) => debug.push(m), stderr: new PassThrough() };
  return { context, requests, targets, debug };
}

async function failure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(AwsroleError);
    const { message, hint, exitCode } = error as AwsroleError;
    return { message, hint, exitCode };
  }
  throw new Error('did not fail');
}

describe(webIdentityCredentials.name, () => {
  it('sends the token from the file, the role and the session name; identity is the role', async () => {
    const { context, requests, targets, debug } = standIn();
    const result = await webIdentityCredentials(step(tokenFile('token', `${TOKEN}\n`)), context);
    expect(requests).toEqual([{ roleArn: ROLE, sessionName: 'gha-run-42', token: TOKEN }]);
    expect(targets).toEqual([STS]);
    expect(result).toEqual({
      credentials: { accessKeyId: 'ASIAWEB1', secretAccessKey: 'web-secret', sessionToken: 'web-session', expiration: new Date('2030-01-01T00:00:00Z') },
      identity: `web-identity:${ROLE}`,
      caller: 'arn:aws:sts::123456789012:assumed-role/ci-deploy/gha-run-42',
    });
    expect(debug.join('\n')).toContain('AssumeRoleWithWebIdentity');
    expect(debug.join('\n')).not.toContain(TOKEN);
  });

  it('sends DurationSeconds only when set', async () => {
    const { context, requests } = standIn();
    const path = tokenFile('token-duration', TOKEN);
    await webIdentityCredentials(step(path, { durationSeconds: { value: 1800, source: { kind: 'flag', flag: '--duration' } } }), context);
    expect(requests[0]).toEqual({ roleArn: ROLE, sessionName: 'gha-run-42', token: TOKEN, durationSeconds: 1800 });
  });

  it('reads the file again on every call (CI rotates it); the identity stays the same', async () => {
    const { context, requests } = standIn();
    const path = tokenFile('rotated', 'first-token');
    const first = await webIdentityCredentials(step(path), context);
    writeFileSync(path, 'second-token');
    const second = await webIdentityCredentials(step(path), context);
    expect(requests.map((r) => r.token)).toEqual(['first-token', 'second-token']);
    expect(second.identity).toBe(first.identity);
  });

  it.each([
    ['missing', () => join(dir, 'no-such-token'), 'does not exist'],
    ['empty', () => tokenFile('empty', ''), 'is empty'],
    ['only whitespace', () => tokenFile('blank', ' \n\n'), 'is empty'],
    ['a directory', () => dir, 'is a directory'],
  ])('a token file that is %s: exit 3 naming the profile, the file and where its path was set', async (_, makePath, what) => {
    const { context, requests } = standIn();
    const path = makePath();
    const result = await failure(webIdentityCredentials(step(path), context));
    expect(result).toMatchObject({ exitCode: ExitCode.config, message: `the web identity token file ${path} ${what} (profile "ci", /home/u/.aws/config:3)` });
    expect(requests).toEqual([]);
  });

  it('an unreadable token file: exit 3', async (test) => {
    const path = tokenFile('unreadable', TOKEN);
    chmodSync(path, 0o000);
    const expected = `the web identity token file ${path} cannot be read (permission denied) (profile "ci", /home/u/.aws/config:3)`;
    if (process.getuid?.() !== 0) {
      expect(await failure(webIdentityCredentials(step(path), standIn().context))).toMatchObject({ exitCode: ExitCode.config, message: expected });
      return;
    }
    // root reads any file, so the source runs as `nobody` (test/support/as-nobody.ts).
    if (!isBuilt('sources/web-identity.js')) test.skip(); // `npm test` builds first
    chmodSync(dir, 0o755);
    const script = (module: string) => `import(${JSON.stringify(module)}).then((m) => m.webIdentityCredentials(JSON.parse(process.argv[1]), {}))
      .catch((e) => process.stdout.write(e.exitCode + ' ' + e.message))`;
    const child = runBuiltAsNobody('sources/web-identity.js', script, [JSON.stringify(step(path))]);
    expect(child.stderr).toBe('');
    expect(child.stdout).toBe(`${ExitCode.config} ${expected}`);
  });

  it('names the environment variable when the path came from AWS_WEB_IDENTITY_TOKEN_FILE', async () => {
    const path = join(dir, 'absent-from-env');
    const s = step(path, { tokenFile: { value: path, source: { kind: 'env', variable: 'AWS_WEB_IDENTITY_TOKEN_FILE' } } });
    const result = await failure(webIdentityCredentials(s, standIn().context));
    expect(result.message).toBe(`the web identity token file ${path} does not exist (profile "ci", $AWS_WEB_IDENTITY_TOKEN_FILE)`);
  });

  it('STS refuses: exit 4 with its code and message, the profile and role, and a hint about the token; never the token', async () => {
    const { context } = standIn(new StsRefusal('InvalidIdentityToken', 'Couldn\'t retrieve verification key from your identity provider'));
    const path = tokenFile('refused', TOKEN);
    const result = await failure(webIdentityCredentials(step(path), context));
    expect(result).toMatchObject({
      exitCode: ExitCode.awsRefused,
      message: `STS refused AssumeRoleWithWebIdentity: InvalidIdentityToken: Couldn't retrieve verification key from your identity provider (profile "ci", role ${ROLE})`,
    });
    expect(result.hint).toContain('OIDC provider');
    expect(JSON.stringify(result)).not.toContain(TOKEN);
  });

  it('AccessDenied: the hint speaks of the trust policy for web identity', async () => {
    const { context } = standIn(new StsRefusal('AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity'));
    const result = await failure(webIdentityCredentials(step(tokenFile('denied', TOKEN)), context));
    expect(result).toMatchObject({ exitCode: ExitCode.awsRefused, hint: expect.stringContaining('sts:AssumeRoleWithWebIdentity') });
  });

  it('STS unreachable: exit 5 naming the endpoint', async () => {
    const { context } = standIn(new StsUnreachable('connect ECONNREFUSED 127.0.0.1:1'));
    const result = await failure(webIdentityCredentials(step(tokenFile('unreachable', TOKEN)), context));
    expect(result).toMatchObject({
      exitCode: ExitCode.awsUnreachable,
      message: `STS at http://127.0.0.1:1 could not be reached: connect ECONNREFUSED 127.0.0.1:1 (profile "ci", role ${ROLE})`,
    });
  });
});

/**
 * The docker format read back by docker itself: `docker run --env-file FILE` parses the file in
 * the docker CLI and sends the variables to the daemon in the `Env` of POST /containers/create.
 * A loopback stand-in plays the daemon: it answers the ping, records that request and refuses
 * it, so no container ever runs and no real daemon is needed. Without a docker CLI on PATH the
 * reader is a transcription of docker/cli's parser (pkg/kvfile: lines split at LF, a CR before
 * the LF dropped, leading whitespace and `#` lines skipped, the value after the first `=` taken
 * as it is). Which one ran is in the test name.
 */
import { execFile, spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../../src/run/credentials.js';
import { AwsroleError, ExitCode } from '../../../src/errors/errors.js';
import { formatSession } from '../../../src/output/formats.js';
import { roleSession, tempDir } from './helpers.js';

const dir = tempDir('docker');
const haveDocker = spawnSync('docker', ['--version'], { encoding: 'utf8' }).status === 0;
const reader = haveDocker ? 'the docker CLI' : "a transcription of docker/cli's env-file parser (docker not installed)";

let daemon: Server | undefined;
let daemonUrl = '';
const recordedEnv: string[][] = [];

beforeAll(async () => {
  if (!haveDocker) return;
  daemon = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      if (request.url?.endsWith('/_ping')) {
        response.writeHead(200, { 'API-Version': '1.45', 'Content-Type': 'text/plain' });
        response.end('OK');
        return;
      }
      if (request.url?.includes('/containers/create')) recordedEnv.push((JSON.parse(body) as { Env: string[] }).Env);
      response.writeHead(500, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ message: 'stand-in daemon: request recorded' }));
    });
  });
  await new Promise<void>((resolve) => daemon!.listen(0, '127.0.0.1', resolve));
  daemonUrl = `tcp://127.0.0.1:${(daemon.address() as AddressInfo).port}`;
});

afterAll(() => {
  daemon?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The variables docker would give the container, by name. */
async function readBack(text: string): Promise<Record<string, string>> {
  const lines = haveDocker ? await dockerEnv(text) : transcribedParse(text);
  return Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
}

async function dockerEnv(text: string): Promise<string[]> {
  const file = join(dir, `${Math.random().toString(36).slice(2)}.env`);
  writeFileSync(file, text);
  const before = recordedEnv.length;
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, DOCKER_CONFIG: dir, DOCKER_HOST: daemonUrl };
  await new Promise<void>((resolve) => execFile('docker', ['run', '--rm', '--env-file', file, 'stand-in-image', 'true'], { env, timeout: 20_000 }, () => resolve()));
  expect(recordedEnv.length, 'docker sent no create request').toBe(before + 1);
  return recordedEnv.at(-1)!;
}

function transcribedParse(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.replace(/\r$/, '').replace(/^\s+/, ''))
    .filter((line) => line !== '' && !line.startsWith('#'));
}

function sessionWith(value: string): Session {
  return {
    profile: value,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIA', secretAccessKey: value, sessionToken: value, expiration: new Date('2030-01-01T00:00:00Z') },
  };
}

describe(`docker format read back by ${reader}`, () => {
  it('reads an assumed role back', async () => {
    expect(await readBack(formatSession('docker', roleSession))).toEqual({
      AWS_ACCESS_KEY_ID: 'ASIAEXAMPLEKEY123456',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      AWS_SESSION_TOKEN: 'FwoGZXIvYXdzEJr//////////wEaDH+tok=',
      AWS_CREDENTIAL_EXPIRATION: '2026-11-28T10:00:00Z',
      AWS_SESSION_EXPIRATION: '2026-11-28T10:00:00Z',
      AWS_REGION: 'eu-west-1',
      AWS_DEFAULT_REGION: 'eu-west-1',
      AWSROLE_PROFILE: 'prod-admin',
    });
  });

  // What a quoting format would have to escape; docker wants it as it is.
  it.each([
    ['single quotes', `'quoted'`],
    ['double quotes', '"quoted"'],
    ['a hash', 'a #b'],
    ['spaces around', '  padded  '],
    ['dollar signs', '$HOME ${HOME}'],
    ['backslashes', 'a\\\\b\\'],
    ['equals signs', 'a=b=='],
    ['unicode', 'héllo 中文 🙂'],
    ['a tab', 'a\tb'],
    ['empty', ''],
  ])('round-trips %s', async (_, value) => {
    const values = await readBack(formatSession('docker', sessionWith(value)));
    expect(values.AWS_SECRET_ACCESS_KEY).toBe(value);
    expect(values.AWSROLE_PROFILE).toBe(value);
    expect(values.AWS_REGION).toBe('eu-west-1');
  });
});

describe('docker refuses what an env file cannot hold', () => {
  it.each([
    ['a newline', 'a\nb'],
    ['a carriage return', 'a\rb'],
    ['a final carriage return', 'ab\r'],
  ])('%s: exit 1 like every value a format cannot write, naming the variable and not the value', (_, value) => {
    let error: unknown;
    try {
      formatSession('docker', sessionWith(value));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AwsroleError);
    expect((error as AwsroleError).exitCode).toBe(ExitCode.unexpected);
    expect((error as AwsroleError).message).toMatch(/cannot write AWS_SECRET_ACCESS_KEY in the docker format: .*line break/);
    expect((error as AwsroleError).message).not.toContain(value);
  });

  it.runIf(haveDocker)('docker really misreads them (so the refusals are needed)', async () => {
    expect((await readBack('K=ab\r\nNEXT=x\n')).K).toBe('ab');
    expect(await readBack('K=a\nb=c\n')).toEqual({ K: 'a', b: 'c' });
  });
});

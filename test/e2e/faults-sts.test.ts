// STS that misbehaves (issue 10 §1–2, issue 9 §5): a fault server between awsrole and moto
// (AWS_ENDPOINT_URL_STS points at it) stalls after the headers, drips, resets, answers HTML,
// garbage, nothing, half an answer, a redirect, a 5xx, or expired credentials. Whatever it does,
// awsrole ends within attempts × AWSROLE_STS_TIMEOUT (plus start-up and a margin), with exit 5
// and one line naming the endpoint and what came back — or exit 4 for expired credentials —
// prints nothing on stdout and caches nothing. The same server passing answers through proves
// the retry: a bad first answer, a good second one, success.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runAwsrole, type RunResult } from '../support/cli.js';
import { startFaultServer, type Fault, type FaultServer } from '../support/fault-server.js';
import { startMoto, type MotoServer } from '../support/moto.js';
import { createSandbox, type Sandbox } from '../support/sandbox.js';

const TIMEOUT_S = 1;
const ATTEMPTS = 2;
// Node's start-up and the SDK's load, on a loaded two-core machine, are the rest of the bound.
const BOUND_MS = ATTEMPTS * TIMEOUT_S * 1000 + 15_000;
// Runs that must succeed get a wait no loaded machine misses; the bound is not what they test.
const PATIENT = { AWSROLE_STS_TIMEOUT: '5' };

let moto: MotoServer;
let fault: FaultServer;
let sandbox: Sandbox;
let env: Record<string, string>;

beforeAll(async () => {
  moto = await startMoto();
  const alice = await moto.createUser('alice');
  await moto.createRole('A', { trust: [alice.arn] });
  await moto.enableAuth();
  fault = await startFaultServer({ upstream: moto.endpoint });
  sandbox = createSandbox();
  sandbox.writeCredentials(`[base]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\n`);
  sandbox.writeConfig(`[profile a]\nrole_arn = arn:aws:iam::123456789012:role/A\nsource_profile = base\n`);
  env = sandbox.env({ AWS_ENDPOINT_URL_STS: fault.endpoint, AWSROLE_STS_TIMEOUT: String(TIMEOUT_S) });
});

afterAll(async () => {
  await fault?.close();
  await moto?.stop();
  sandbox?.cleanup();
});

beforeEach(() => {
  for (const dir of CACHE_DIRS()) rmSync(dir, { recursive: true, force: true });
  fault.fault = 'pass';
  fault.next.length = 0;
  fault.requests.length = 0;
  fault.slowMs = 5000;
});

async function exportEnv(extraArgs: string[] = [], extraEnv: Record<string, string> = {}): Promise<{ result: RunResult; ms: number }> {
  const started = Date.now();
  const result = await runAwsrole(['export', 'a', '--format', 'env', ...extraArgs], { env: { ...env, ...extraEnv }, timeoutMs: 40_000 });
  return { result, ms: Date.now() - started };
}

/** Every file under the two caches: awsrole's own and the AWS CLI's. */
const CACHE_DIRS = () => [join(sandbox.home, '.cache', 'awsrole'), join(sandbox.home, '.aws', 'cli', 'cache')];

function cachedFiles(): string[] {
  return CACHE_DIRS().flatMap((dir) => (existsSync(dir) ? readdirSync(dir, { recursive: true }).map(String) : [])).filter((name) => name.endsWith('.json'));
}

/** The one-line error (plus at most a hint), naming the endpoint; never the SDK's own text. */
function expectOneLine(stderr: string, ...parts: string[]): void {
  const lines = stderr.trimEnd().split('\n');
  expect(lines.length, stderr).toBeLessThanOrEqual(2);
  expect(lines[0]).toMatch(/^awsrole: /);
  expect(lines[0]).toContain(`STS at ${fault.endpoint}`);
  for (const part of parts) expect(lines[0]).toContain(part);
  expect(stderr).not.toMatch(/Deserialization|hidden field|\$response|STS refused/);
}

describe('an STS endpoint that does not answer in time', () => {
  it.each<[Fault, string]>([
    ['stall', `no answer within ${TIMEOUT_S} s, ${ATTEMPTS} attempts`],
    ['drip', `no answer within ${TIMEOUT_S} s, ${ATTEMPTS} attempts`],
    ['slow', `no answer within ${TIMEOUT_S} s, ${ATTEMPTS} attempts`],
  ])('%s: exit 5 within attempts × AWSROLE_STS_TIMEOUT, naming the endpoint', async (kind, reason) => {
    fault.fault = kind;
    const { result, ms } = await exportEnv();
    expect(result.code, result.stderr).toBe(5);
    expect(result.stdout).toBe('');
    expectOneLine(result.stderr, 'could not be reached', reason);
    expect(ms).toBeLessThan(BOUND_MS);
    expect(fault.requests).toHaveLength(ATTEMPTS);
    expect(cachedFiles()).toEqual([]);
  });

  it('a slow answer inside the timeout is simply used', async () => {
    fault.fault = 'slow';
    fault.slowMs = 200;
    const { result } = await exportEnv([], PATIENT);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('AWS_SESSION_TOKEN=');
  });
});

describe('an STS endpoint that does not answer like STS', () => {
  it.each<[Fault, string, string]>([
    ['reset', 'could not be reached', `the connection was reset, ${ATTEMPTS} attempts`],
    ['truncated', 'could not be reached', `the connection closed before the answer was complete, ${ATTEMPTS} attempts`],
    ['html', 'did not answer like STS', `HTTP 200 with an HTML page, ${ATTEMPTS} attempts`],
    ['garbage', 'did not answer like STS', `HTTP 200 with something that is not XML, ${ATTEMPTS} attempts`],
    ['empty', 'did not answer like STS', `HTTP 200 with an empty body, ${ATTEMPTS} attempts`],
    ['not-found', 'did not answer like STS', `HTTP 404 with an HTML page, ${ATTEMPTS} attempts`],
    ['redirect', 'did not answer like STS', `HTTP 302, a redirect to http://login.example.invalid, ${ATTEMPTS} attempts`],
    ['server-error', 'is unreachable or failing', `HTTP 503, ${ATTEMPTS} attempts`],
  ])('%s: exit 5, one line naming the endpoint and what came back, tried twice', async (kind, what, reason) => {
    fault.fault = kind;
    const { result, ms } = await exportEnv();
    expect(result.code, result.stderr).toBe(5);
    expect(result.stdout).toBe('');
    expectOneLine(result.stderr, what, reason);
    expect(ms).toBeLessThan(BOUND_MS);
    expect(fault.requests).toHaveLength(ATTEMPTS);
    expect(cachedFiles()).toEqual([]);
  });

  it('the hint of a foreign answer names AWS_ENDPOINT_URL_STS and the network', async () => {
    fault.fault = 'html';
    const { result } = await exportEnv();
    const hint = result.stderr.trimEnd().split('\n')[1] ?? '';
    expect(hint).toContain('$AWS_ENDPOINT_URL_STS');
    expect(hint).toContain('network');
  });

  it.each<Fault>(['html', 'reset', 'server-error', 'stall'])('one bad answer (%s), then a good one: the retry succeeds', async (kind) => {
    fault.next.push(kind);
    const { result } = await exportEnv(['--no-cache'], PATIENT);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('AWS_SESSION_TOKEN=');
    expect(fault.requests.map((request) => request.fault)).toEqual([kind, 'pass']);
  });
});

describe('credentials that have expired', () => {
  it('are refused with exit 4, not printed and not cached', async () => {
    fault.fault = 'expired';
    const { result } = await exportEnv([], PATIENT);
    expect(result.code, result.stderr).toBe(4);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^awsrole: AssumeRole returned credentials that expired at \S+Z, (60|61|62) s ago \(profile "a", role arn:aws:iam::123456789012:role\/A, via http:\/\/127\.0\.0\.1:\d+\)\n/);
    expect(cachedFiles()).toEqual([]);

    // Nothing was cached: the next run asks STS again and gets a good session.
    fault.fault = 'pass';
    const again = await exportEnv([], PATIENT);
    expect(again.result.code, again.result.stderr).toBe(0);
    expect(fault.requests.map((request) => request.fault)).toEqual(['expired', 'pass']);
  });
});

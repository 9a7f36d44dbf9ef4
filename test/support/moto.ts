// A moto server per test file: started on a free loopback port, seeded through its IAM API,
// then switched to enforce authentication so that STS checks signatures, keys, trust and
// external ids. Talks to moto over plain HTTP (SigV4-signed AWS query API); no AWS SDK, no src/.
//
// How moto 5.2.1 decides an AssumeRole once auth is on (moto/iam/access_control.py):
//   1. the key must exist (else InvalidClientTokenId) and the signature match (SignatureDoesNotMatch);
//   2. the CALLER's identity policies must allow sts:AssumeRole on the role ARN, and
//   3. the role's trust policy must allow the caller: its Principal is compared with the caller's
//      exact ARN — `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION` for a role session, so a
//      trust policy naming `arn:aws:iam::ACCOUNT:role/ROLE` (or `:root`) never matches a session —
//      and a StringEquals sts:ExternalId condition must hold when an ExternalId is sent.
// So the recipe here: every trust policy says Principal {"AWS": "*"} (plus the external id
// condition), and "role R trusts P" is written as an inline policy on P allowing sts:AssumeRole
// on R. Any session name works, and a principal R does not trust is refused with AccessDenied.

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const MOTO_ACCOUNT_ID = '123456789012';
/** The region harness requests are signed for; moto serves STS in any `aws`-partition region. */
export const MOTO_REGION = 'us-east-1';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface UserCredentials extends AwsCredentials {
  arn: string;
}

export interface AssumedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** As moto sends it, e.g. `2026-01-01T12:00:00.123456Z`. */
  expiration: string;
  /** `arn:aws:sts::123456789012:assumed-role/ROLE/SESSION` */
  assumedRoleArn: string;
}

export interface CallerIdentity {
  Arn: string;
  Account: string;
  UserId: string;
}

export interface RoleOptions {
  /** ARNs of the users and roles (of this moto) allowed to assume the role. */
  trust: string[];
  /** Require this external id (moto refuses a wrong one; it lets a missing one through). */
  externalId?: string;
  /** Stored on the role; moto does not enforce it. */
  maxSessionDuration?: number;
}

export interface AssumeRoleParams {
  roleArn: string;
  sessionName: string;
  externalId?: string;
  durationSeconds?: number;
}

export interface RecordedStsCall {
  /** The STS action, e.g. `AssumeRole`, `GetCallerIdentity`. */
  action: string;
  /** Every other form/query parameter of the request (without Action and Version). */
  params: Record<string, string>;
  /** The access key id that signed the request; absent for unsigned calls. */
  accessKeyId?: string;
}

export interface MotoServer {
  /** `http://127.0.0.1:PORT` — what AWS_ENDPOINT_URL_STS should be set to. */
  readonly endpoint: string;
  readonly accountId: string;
  /** An IAM user with one access key. */
  createUser(name: string): Promise<UserCredentials>;
  /** An IAM role; see RoleOptions. Create the trusted principals first. */
  createRole(name: string, options: RoleOptions): Promise<{ arn: string; name: string }>;
  /** An inline policy on a user, allowing these actions on these resources (e.g. organizations:ListAccounts). */
  allowUser(userName: string, policyName: string, actions: string[], resources?: string[]): Promise<void>;
  /**
   * An AWS Organization with this moto's account as its management account, and a member account
   * per name (moto gives each its own IAM, with an OrganizationAccountAccessRole that trusts the
   * management account). Returns the members' ids by name, in creation order.
   */
  createOrganization(memberNames: string[]): Promise<Array<{ name: string; id: string }>>;
  /** An AWS Organizations call (JSON protocol) signed with these credentials, or the seeding ones. */
  organizations(action: string, body: Record<string, unknown>, credentials?: AwsCredentials): Promise<Record<string, unknown>>;
  /** The ids of the user's access keys, as IAM lists them; with auth off (it signs with the seeding key). */
  listAccessKeys(user: string): Promise<string[]>;
  /** From now on every request is authenticated and authorized. Seed before this. */
  enableAuth(): Promise<void>;
  /** Back to accepting anything (moto's default). */
  disableAuth(): Promise<void>;
  /** Wipes all IAM/STS state, turns auth off and clears and stops the recorder. */
  reset(): Promise<void>;
  /** Clears the recording and starts recording every request. */
  startRecording(): Promise<void>;
  stopRecording(): Promise<void>;
  /** The STS calls recorded since startRecording(), in order; refused calls included. */
  recordedStsActions(): Promise<RecordedStsCall[]>;
  /** GetCallerIdentity signed with these credentials; rejects with AwsQueryError when refused. */
  callerIdentity(credentials: AwsCredentials): Promise<CallerIdentity>;
  /** AssumeRole signed with these credentials; rejects with AwsQueryError when refused. */
  assumeRole(credentials: AwsCredentials, params: AssumeRoleParams): Promise<AssumedCredentials>;
  /** The last lines moto wrote (its request log and tracebacks), for failure messages. */
  log(): string;
  /** Kills moto and waits for it to exit. Safe to call twice. */
  stop(): Promise<void>;
}

/** An error response from moto: `code` is the AWS error code, e.g. `AccessDenied`. */
export class AwsQueryError extends Error {
  constructor(
    readonly action: string,
    readonly status: number,
    readonly code: string,
    readonly awsMessage: string,
  ) {
    super(`${action}: ${status} ${code}: ${awsMessage}`);
    this.name = 'AwsQueryError';
  }
}

// ---------------------------------------------------------------------------------------------
// Python

let pythonPath: string | undefined;

/** The python interpreter that has moto and boto3 (resolved once, past any pyenv shim). */
export function pythonExecutable(): string {
  pythonPath ??=
    process.env['AWSROLE_TEST_PYTHON'] ??
    execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();
  return pythonPath;
}

// ---------------------------------------------------------------------------------------------
// Process lifecycle

// `python -m moto.server -H 127.0.0.1 -p 0`, plus a watchdog that exits when our end of its stdin
// closes — so moto dies with the test worker even when the worker is killed with SIGKILL.
const LAUNCHER = `
import os, runpy, sys, threading
def _watch():
    try:
        sys.stdin.buffer.read()
    finally:
        os._exit(0)
threading.Thread(target=_watch, daemon=True).start()
sys.argv = ["moto.server", "-H", "127.0.0.1", "-p", "0"]
runpy.run_module("moto.server", run_name="__main__", alter_sys=True)
`;

const START_TIMEOUT_MS = 20_000;
const LOG_TAIL_CHARS = 20_000;

/** Live moto processes and their temp directories, for the exit hook. */
const running = new Map<ChildProcess, string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const [child, dir] of running) {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

export async function startMoto(options: { auth?: boolean } = {}): Promise<MotoServer> {
  installExitHook();
  const dir = mkdtempSync(join(tmpdir(), 'awsrole-moto-'));
  const child = spawn(pythonExecutable(), ['-c', LAUNCHER], {
    cwd: dir,
    env: {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOME: dir,
      PYTHONUNBUFFERED: '1',
      PYTHONDONTWRITEBYTECODE: '1',
      AWS_EC2_METADATA_DISABLED: 'true',
      // The recorder writes to ./moto_recording by default; keep it per server.
      MOTO_RECORDER_FILEPATH: join(dir, 'recording.jsonl'),
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  running.set(child, dir);
  child.stdin?.on('error', () => undefined); // EPIPE once moto has gone

  let output = '';
  const collect = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-LOG_TAIL_CHARS);
  };
  // Keep draining both pipes for the server's whole life: werkzeug logs every request to
  // stderr, and a full pipe would block moto.
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  exited.then(() => running.delete(child), () => undefined);

  let endpoint: string;
  try {
    endpoint = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => fail(`did not start within ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS);
      const onData = (): void => {
        const match = /Running on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
        if (match?.[1]) done(() => resolve(match[1] as string));
      };
      const onExit = (code: number | null, signal: string | null): void =>
        fail(`exited during start-up (code ${code}, signal ${signal})`);
      const onError = (err: Error): void => fail(`could not be spawned: ${err.message}`);
      function done(settle: () => void): void {
        clearTimeout(timer);
        child.stderr?.off('data', onData);
        child.stdout?.off('data', onData);
        child.off('exit', onExit);
        child.off('error', onError);
        settle();
      }
      function fail(why: string): void {
        done(() => reject(new Error(`moto ${why}:\n${output}`)));
      }
      child.stderr?.on('data', onData);
      child.stdout?.on('data', onData);
      child.once('exit', onExit);
      child.once('error', onError);
    });
  } catch (err) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }

  const server = new Server(endpoint, child, exited, dir, () => output);
  await server.resetRecorder();
  if (options.auth) await server.enableAuth();
  return server;
}

// ---------------------------------------------------------------------------------------------
// The server object

// Any key will do while auth is off.
const SEEDING_CREDENTIALS: AwsCredentials = { accessKeyId: 'AKIAMOTOSEEDING00000', secretAccessKey: 'seeding' };

const UNSIGNED_STS_ACTIONS = new Set(['AssumeRoleWithWebIdentity', 'AssumeRoleWithSAML']);

class Server implements MotoServer {
  readonly accountId = MOTO_ACCOUNT_ID;
  private authEnabled = false;
  private stopped: Promise<void> | undefined;

  constructor(
    readonly endpoint: string,
    private readonly child: ChildProcess,
    private readonly exited: Promise<void>,
    private readonly dir: string,
    private readonly output: () => string,
  ) {}

  log(): string {
    return this.output();
  }

  async createUser(name: string): Promise<UserCredentials> {
    this.assertSeedable('createUser');
    const created = await this.iam('CreateUser', { UserName: name });
    const key = await this.iam('CreateAccessKey', { UserName: name });
    // GetSessionToken needs an identity policy in moto (real STS does not).
    await this.iam('PutUserPolicy', {
      UserName: name,
      PolicyName: 'allow-get-session-token',
      PolicyDocument: policy({ Effect: 'Allow', Action: 'sts:GetSessionToken', Resource: '*' }),
    });
    return {
      accessKeyId: xmlValue(key, 'AccessKeyId'),
      secretAccessKey: xmlValue(key, 'SecretAccessKey'),
      arn: xmlValue(created, 'Arn'),
    };
  }

  async listAccessKeys(user: string): Promise<string[]> {
    const text = await this.iam('ListAccessKeys', { UserName: user });
    return [...text.matchAll(/<AccessKeyId>([^<]+)<\/AccessKeyId>/g)].map((match) => match[1]!);
  }

  async createRole(name: string, options: RoleOptions): Promise<{ arn: string; name: string }> {
    this.assertSeedable('createRole');
    const principals = options.trust.map((arn) => parsePrincipal(arn, name));
    const statement: Record<string, unknown> = {
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: 'sts:AssumeRole',
    };
    if (options.externalId !== undefined) {
      statement['Condition'] = { StringEquals: { 'sts:ExternalId': options.externalId } };
    }
    const params: Record<string, string> = { RoleName: name, AssumeRolePolicyDocument: policy(statement) };
    if (options.maxSessionDuration !== undefined) params['MaxSessionDuration'] = String(options.maxSessionDuration);
    const arn = xmlValue(await this.iam('CreateRole', params), 'Arn');

    const allow = policy({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: arn });
    for (const p of principals) {
      if (p.kind === 'user') {
        await this.iam('PutUserPolicy', { UserName: p.name, PolicyName: `assume-${name}`, PolicyDocument: allow });
      } else {
        await this.iam('PutRolePolicy', { RoleName: p.name, PolicyName: `assume-${name}`, PolicyDocument: allow });
      }
    }
    return { arn, name };
  }

  async allowUser(userName: string, policyName: string, actions: string[], resources = ['*']): Promise<void> {
    this.assertSeedable('allowUser');
    await this.iam('PutUserPolicy', {
      UserName: userName,
      PolicyName: policyName,
      PolicyDocument: policy({ Effect: 'Allow', Action: actions, Resource: resources }),
    });
  }

  async createOrganization(memberNames: string[]): Promise<Array<{ name: string; id: string }>> {
    this.assertSeedable('createOrganization');
    await this.organizations('CreateOrganization', { FeatureSet: 'ALL' });
    const members: Array<{ name: string; id: string }> = [];
    for (const [index, name] of memberNames.entries()) {
      const created = await this.organizations('CreateAccount', { AccountName: name, Email: `account-${index}@example.com` });
      const status = created['CreateAccountStatus'] as { AccountId?: string } | undefined;
      if (!status?.AccountId) throw new Error(`moto CreateAccount ${name}: no AccountId in ${JSON.stringify(created)}`);
      members.push({ name, id: status.AccountId });
    }
    return members;
  }

  async organizations(action: string, body: Record<string, unknown>, credentials = SEEDING_CREDENTIALS): Promise<Record<string, unknown>> {
    const url = new URL('/', this.endpoint);
    const text = JSON.stringify(body);
    const headers = signV4({
      url,
      body: text,
      service: 'organizations',
      credentials,
      contentType: 'application/x-amz-json-1.1',
      extra: { 'x-amz-target': `AWSOrganizationsV20161128.${action}` },
    });
    const response = await fetch(url, { method: 'POST', headers, body: text });
    const answer = await response.text();
    if (!response.ok) {
      const parsed = JSON.parse(answer || '{}') as { __type?: string; message?: string; Message?: string };
      throw new AwsQueryError(action, response.status, parsed.__type ?? 'InternalError', parsed.message ?? parsed.Message ?? answer.slice(0, 300));
    }
    return JSON.parse(answer || '{}') as Record<string, unknown>;
  }

  async enableAuth(): Promise<void> {
    // The body is the number of requests still let through unauthenticated.
    await this.motoApi('/moto-api/reset-auth', '0');
    this.authEnabled = true;
  }

  async disableAuth(): Promise<void> {
    await this.motoApi('/moto-api/reset-auth', 'inf');
    this.authEnabled = false;
  }

  async reset(): Promise<void> {
    await this.motoApi('/moto-api/reset', '');
    await this.disableAuth(); // /moto-api/reset leaves the auth setting alone
    await this.motoApi('/moto-api/recorder/stop-recording', '');
    await this.resetRecorder();
  }

  async resetRecorder(): Promise<void> {
    // Also creates the recording file, without which download-recording fails.
    await this.motoApi('/moto-api/recorder/reset-recording', '');
  }

  async startRecording(): Promise<void> {
    await this.resetRecorder();
    await this.motoApi('/moto-api/recorder/start-recording', '');
  }

  async stopRecording(): Promise<void> {
    await this.motoApi('/moto-api/recorder/stop-recording', '');
  }

  async recordedStsActions(): Promise<RecordedStsCall[]> {
    const text = await this.motoApi('/moto-api/recorder/download-recording', undefined);
    const calls: RecordedStsCall[] = [];
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      const call = parseRecordedStsCall(JSON.parse(line) as RecordedRequest);
      if (call) calls.push(call);
    }
    return calls;
  }

  async callerIdentity(credentials: AwsCredentials): Promise<CallerIdentity> {
    const xml = await this.query('sts', 'GetCallerIdentity', {}, credentials);
    return { Arn: xmlValue(xml, 'Arn'), Account: xmlValue(xml, 'Account'), UserId: xmlValue(xml, 'UserId') };
  }

  async assumeRole(credentials: AwsCredentials, p: AssumeRoleParams): Promise<AssumedCredentials> {
    const params: Record<string, string> = { RoleArn: p.roleArn, RoleSessionName: p.sessionName };
    if (p.externalId !== undefined) params['ExternalId'] = p.externalId;
    if (p.durationSeconds !== undefined) params['DurationSeconds'] = String(p.durationSeconds);
    const xml = await this.query('sts', 'AssumeRole', params, credentials);
    return {
      accessKeyId: xmlValue(xml, 'AccessKeyId'),
      secretAccessKey: xmlValue(xml, 'SecretAccessKey'),
      sessionToken: xmlValue(xml, 'SessionToken'),
      expiration: xmlValue(xml, 'Expiration'),
      assumedRoleArn: xmlValue(xml, 'Arn'),
    };
  }

  stop(): Promise<void> {
    this.stopped ??= (async () => {
      if (this.child.exitCode === null && this.child.signalCode === null) {
        // Closing its stdin makes the launcher's watchdog exit at once; SIGTERM would make moto
        // shut werkzeug down politely, which takes a second.
        this.child.stdin?.end();
        const timer = setTimeout(() => this.child.kill('SIGKILL'), 2_000);
        await this.exited;
        clearTimeout(timer);
      }
      running.delete(this.child);
      rmSync(this.dir, { recursive: true, force: true });
    })();
    return this.stopped;
  }

  private assertSeedable(what: string): void {
    if (this.authEnabled) {
      throw new Error(`moto.${what}: seed before enableAuth() (or call disableAuth() first)`);
    }
  }

  private iam(action: string, params: Record<string, string>): Promise<string> {
    return this.query('iam', action, { ...params, Version: '2010-05-08' }, SEEDING_CREDENTIALS);
  }

  private async query(
    service: 'sts' | 'iam',
    action: string,
    params: Record<string, string>,
    credentials: AwsCredentials,
  ): Promise<string> {
    const body = new URLSearchParams({ Version: '2011-06-15', ...params, Action: action }).toString();
    const url = new URL('/', this.endpoint);
    const headers = signV4({ url, body, service, credentials });
    const response = await fetch(url, { method: 'POST', headers, body });
    const text = await response.text();
    if (!response.ok) {
      const code = xmlValueOrUndefined(text, 'Code') ?? 'InternalError';
      const message = xmlValueOrUndefined(text, 'Message') ?? text.slice(0, 300);
      throw new AwsQueryError(action, response.status, code, message);
    }
    return text;
  }

  private async motoApi(path: string, body: string | undefined): Promise<string> {
    const response = await fetch(new URL(path, this.endpoint), {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'text/plain' },
      body,
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`moto ${path}: HTTP ${response.status}: ${text.slice(0, 300)}`);
    return text;
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers

function policy(...statements: Array<Record<string, unknown>>): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

function parsePrincipal(arn: string, role: string): { kind: 'user' | 'role'; name: string } {
  const match = /^arn:aws:iam::(\d{12}):(user|role)\/(?:[^/]*\/)*([^/]+)$/.exec(arn);
  if (!match || match[1] !== MOTO_ACCOUNT_ID) {
    throw new Error(
      `moto.createRole(${role}): trust principal ${arn} is not a user or role ARN of account ${MOTO_ACCOUNT_ID}`,
    );
  }
  return { kind: match[2] as 'user' | 'role', name: match[3] as string };
}

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function xmlValueOrUndefined(xml: string, tag: string): string | undefined {
  const match = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(xml);
  if (!match) return undefined;
  return (match[1] as string).replace(/&(#x?[0-9a-fA-F]+|\w+);/g, (whole, entity: string) => {
    if (entity.startsWith('#x')) return String.fromCodePoint(parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(parseInt(entity.slice(1), 10));
    return XML_ENTITIES[entity] ?? whole;
  });
}

function xmlValue(xml: string, tag: string): string {
  const value = xmlValueOrUndefined(xml, tag);
  if (value === undefined) throw new Error(`moto response has no <${tag}>: ${xml.slice(0, 300)}`);
  return value;
}

interface RecordedRequest {
  headers: Record<string, string>;
  method: string;
  url: string;
  body: string | null;
  body_encoded: boolean;
}

function parseRecordedStsCall(request: RecordedRequest): RecordedStsCall | undefined {
  const url = new URL(request.url);
  if (url.pathname.startsWith('/moto-api/')) return undefined;
  const body = request.body_encoded ? Buffer.from(request.body ?? '', 'base64').toString('utf8') : (request.body ?? '');
  const params: Record<string, string> = Object.fromEntries(url.searchParams);
  const contentType = headerValue(request.headers, 'content-type') ?? '';
  if (contentType.startsWith('application/x-www-form-urlencoded')) {
    Object.assign(params, Object.fromEntries(new URLSearchParams(body)));
  }
  const action = params['Action'];
  if (action === undefined) return undefined;
  delete params['Action'];
  delete params['Version'];

  const authorization = headerValue(request.headers, 'authorization');
  const credential = authorization ? /Credential=([^/,\s]+)\/[^/]+\/[^/]+\/([^/]+)\//.exec(authorization) : null;
  if (credential) {
    if (credential[2] !== 'sts') return undefined;
    return { action, params, accessKeyId: credential[1] as string };
  }
  return UNSIGNED_STS_ACTIONS.has(action) ? { action, params } : undefined;
}

function headerValue(headers: Record<string, string>, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return value;
  }
  return undefined;
}

function sha256Hex(data: string): string {
  return createHash('sha256').update(data, 'utf8').digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/** SigV4 headers for a form-encoded POST to `url` (the `host` header is the one fetch sends). */
function signV4(request: {
  url: URL;
  body: string;
  service: string;
  credentials: AwsCredentials;
  /** Default: a form-encoded body (the query protocol). */
  contentType?: string;
  /** More headers to send and sign (x-amz-target for JSON protocols). */
  extra?: Record<string, string>;
}): Record<string, string> {
  const { url, body, service, credentials } = request;
  const amzDate = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const date = amzDate.slice(0, 8);
  const headers: Record<string, string> = {
    'content-type': request.contentType ?? 'application/x-www-form-urlencoded; charset=utf-8',
    host: url.host,
    'x-amz-date': amzDate,
    ...request.extra,
  };
  if (credentials.sessionToken) headers['x-amz-security-token'] = credentials.sessionToken;
  const names = Object.keys(headers).sort();
  const signedHeaders = names.join(';');
  const canonicalHeaders = names.map((n) => `${n}:${headers[n]}\n`).join('');
  const canonicalRequest = ['POST', url.pathname, '', canonicalHeaders, signedHeaders, sha256Hex(body)].join('\n');
  const scope = `${date}/${MOTO_REGION}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, date), MOTO_REGION), service), 'aws4_request');
  const signature = createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
  const { host: _host, ...sent } = headers;
  return {
    ...sent,
    authorization: `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
  };
}

/** Session keys, as IAM Identity Center hands them out for a role. */
export interface SessionKeys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

/**
 * What IAM Identity Center hands out, made real: user alice assumes the role
 * AWSReservedSSO_Developer as `alice@example.com`, so that moto checks what is done with those
 * keys; the roles named in `trustingSso` are created trusting that role. Turns moto's auth on,
 * after creating the roles.
 */
export async function ssoRoleSession(
  moto: MotoServer,
  trustingSso: string[] = [],
): Promise<{ alice: UserCredentials; ssoRoleArn: string; roleArns: Record<string, string>; keys: SessionKeys }> {
  const alice = await moto.createUser('alice');
  const ssoRoleArn = (await moto.createRole('AWSReservedSSO_Developer', { trust: [alice.arn] })).arn;
  const roleArns: Record<string, string> = {};
  for (const name of trustingSso) roleArns[name] = (await moto.createRole(name, { trust: [ssoRoleArn] })).arn;
  await moto.enableAuth();
  const session = await moto.assumeRole(alice, { roleArn: ssoRoleArn, sessionName: 'alice@example.com' });
  const keys = { accessKeyId: session.accessKeyId, secretAccessKey: session.secretAccessKey, sessionToken: session.sessionToken };
  return { alice, ssoRoleArn, roleArns, keys };
}

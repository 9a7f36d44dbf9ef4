// Decision (issue 14, item 5): keep this client; do not switch to @smithy/credential-provider-imds
// (4.5.2, already installed as a dependency of @aws-sdk/client-sts). Checked against its source
// (dist-es/fromInstanceMetadata.js, utils/staticStabilityProvider.js, remoteProvider/*.js) and the
// tests that pin this module, it would change what users see:
// - An expired Expiration is rewritten to now + 5–10 minutes (staticStabilityProvider, "static
//   stability") with a console warning: faults-sources.test.ts "expired: exit 4" would export
//   stale credentials as good ones.
// - Its timeout is Node's socket idle timeout (http.request `timeout`), not one deadline per
//   attempt: a server that drips its answer never times out ("drip: exit 5" within the bound).
// - It reads neither AWS_METADATA_SERVICE_TIMEOUT nor AWS_METADATA_SERVICE_NUM_ATTEMPTS (1 s,
//   no retry, fixed), retries no token request ("token answered another status: after every
//   attempt"), ignores `Code` ("Code other than Success: exit 4"), takes any
//   AWS_EC2_METADATA_V1_DISABLED value but "false" as true (botocore: "true"), and compares a
//   timeout's message with "TimeoutError" while it throws "TimeoutError from instance metadata
//   service", so the hop-limit case is not recognised.
// - Its errors are ProviderErrors (and one for a blocked IMDSv1 fallback): exit 4 (IMDS refused) and 5 (unreachable) could only
//   be told apart by matching message strings.
// - It reads process.env and the config files itself, not the plan's Env.
// Tried, not assumed: with this function replaced by an adapter over fromInstanceMetadata (our
// settings parsing kept, its errors mapped to exit codes as well as their messages allow),
// instance-metadata.test.ts failed 19 of its 27 source tests. Besides wording, in behaviour: the
// token request is not retried; an endpoint's path is dropped (/prefix/latest/… becomes
// /latest/…); a document with an Expiration that is no date is accepted; the role name is not
// returned, so the cache identity `instance-role:<name>` cannot be formed; a blocked IMDSv1
// fallback hides whether IMDS refused (4) or did not answer (5).
// Cost, for the record: require('@smithy/credential-provider-imds') took ~70 ms here against
// ~20 ms for this module's chunk (median of 5, a loaded 2-core machine).

import type { Credentials } from '../run/credentials.js';
import { envFlag, type Env } from '../environment/env.js';
import { AwsRefusedError, AwsUnreachableError, ConfigError } from '../errors/errors.js';
import { maskAccessKeyId } from '../output/mask.js';
import type { InstanceMetadataStep } from '../plan/types.js';
import { describeCredentialSource } from '../plan/where.js';
import { credentialsDocument, foreignBody, formatSeconds, HttpFailure, httpCall, plural, shorten, type HttpResponse } from './http.js';
import type { SourceContext, SourceResult } from './types.js';

/**
 * `credential_source = Ec2InstanceMetadata`: the instance role's credentials from IMDS, as
 * botocore's InstanceMetadataFetcher gets them (botocore 1.43, botocore/utils.py):
 *
 * 1. PUT /latest/api/token with `x-aws-ec2-metadata-token-ttl-seconds: 21600` (IMDSv2).
 *    - 200: the token, sent as `x-aws-ec2-metadata-token` on both GETs.
 *    - 403, 404, 405, or no answer in time once connected: no token, IMDSv1 (GETs without it).
 *      A timeout is what a container behind a hop limit of 1 sees.
 *    - 400: refused, no fallback.
 *    - any other status, or no connection: tried again up to the attempt count, then IMDSv1.
 *      (awsrole stops at once when it could not connect at all: the GETs would go to the same
 *      closed port; botocore tries them and fails the same way, later.)
 *    AWS_EC2_METADATA_V1_DISABLED=true forbids the IMDSv1 fallback.
 * 2. GET /latest/meta-data/iam/security-credentials/ → the role name.
 * 3. GET /latest/meta-data/iam/security-credentials/<role> → JSON with AccessKeyId,
 *    SecretAccessKey, Token, Expiration; a Code other than Success is IMDS saying why not.
 *    Each GET is tried again (no pause) on a non-200 answer, an empty body, bad JSON (the
 *    document), or a network error, up to AWS_METADATA_SERVICE_NUM_ATTEMPTS (default 1).
 *
 * Every request waits AWS_METADATA_SERVICE_TIMEOUT seconds (default 1) to connect and again to
 * be answered. The endpoint is AWS_EC2_METADATA_SERVICE_ENDPOINT, else by
 * AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE (or AWS_IMDS_USE_IPV6) http://169.254.169.254 or
 * http://[fd00:ec2::254]. AWS_EC2_METADATA_DISABLED=true is a configuration error here (exit 3):
 * the environment forbids what this profile asks for, and saying so beats a timeout.
 *
 * Exit codes: 3 for the environment's settings, 4 when IMDS answers without credentials (no role,
 * 401, bad JSON, a Code), 5 when it does not answer (refused, timed out).
 * The token and the secret appear in no message.
 */
export async function instanceMetadataCredentials(step: InstanceMetadataStep, context: SourceContext): Promise<SourceResult> {
  const where = describeCredentialSource(step.profile, 'Ec2InstanceMetadata', step.source);
  const settings = imdsSettings(context.env, where);
  const imds = new Imds(settings, where);
  context.debug(
    `profile ${step.profile}: instance metadata at ${settings.endpoint} (${settings.endpointFrom}), ` +
      `${formatSeconds(settings.timeoutMs)} per request, ${plural(settings.attempts, 'attempt')}`,
  );

  const token = await imds.token();
  if (token.value === undefined) {
    context.debug(`profile ${step.profile}: no IMDSv2 token (${token.why}); falling back to IMDSv1`);
  } else {
    context.debug(`profile ${step.profile}: IMDSv2 token obtained`);
  }

  const roleName = await imds.roleName(token);
  const document = await imds.credentials(roleName, token);
  const credentials = parseCredentials(document, roleName, settings.endpoint, where);
  context.debug(
    `profile ${step.profile}: instance role ${roleName}, keys ${maskAccessKeyId(credentials.accessKeyId)}` +
      `${credentials.expiration ? `, until ${credentials.expiration.toISOString()}` : ''}`,
  );
  return { credentials, identity: `instance-role:${roleName}`, caller: `instance role ${roleName}` };
}

export interface ImdsSettings {
  /** Without a trailing slash. */
  endpoint: string;
  /** Which variable (or default) chose the endpoint, for messages. */
  endpointFrom: string;
  timeoutMs: number;
  attempts: number;
  v1Disabled: boolean;
}

const IPV4_ENDPOINT = 'http://169.254.169.254';
const IPV6_ENDPOINT = 'http://[fd00:ec2::254]';
const TOKEN_PATH = 'latest/api/token';
const CREDENTIALS_PATH = 'latest/meta-data/iam/security-credentials/';
const TOKEN_TTL_SECONDS = '21600';

/** The IMDS settings botocore reads from the environment, checked (botocore crashes on bad ones). */
export function imdsSettings(env: Env, where: string): ImdsSettings {
  if (envFlag(env, 'AWS_EC2_METADATA_DISABLED')) {
    throw new ConfigError(
      `AWS_EC2_METADATA_DISABLED=true turns the EC2 instance metadata service off, but ${where} takes its credentials from it`,
      'unset AWS_EC2_METADATA_DISABLED (or set it to false), or give the profile another credential source',
    );
  }
  const { endpoint, endpointFrom } = chooseEndpoint(env, where);
  return {
    endpoint,
    endpointFrom,
    timeoutMs: positiveSeconds(env, 'AWS_METADATA_SERVICE_TIMEOUT', 1, where) * 1000,
    attempts: positiveInteger(env, 'AWS_METADATA_SERVICE_NUM_ATTEMPTS', 1, where),
    v1Disabled: envFlag(env, 'AWS_EC2_METADATA_V1_DISABLED'),
  };
}

function chooseEndpoint(env: Env, where: string): { endpoint: string; endpointFrom: string } {
  const custom = env.AWS_EC2_METADATA_SERVICE_ENDPOINT?.trim();
  if (custom) {
    let url: URL | undefined;
    try {
      url = new URL(custom);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) {
      throw new ConfigError(
        `AWS_EC2_METADATA_SERVICE_ENDPOINT is not an http(s) URL: ${JSON.stringify(custom)} (${where})`,
        'e.g. AWS_EC2_METADATA_SERVICE_ENDPOINT=http://169.254.169.254',
      );
    }
    return { endpoint: custom.replace(/\/+$/, ''), endpointFrom: '$AWS_EC2_METADATA_SERVICE_ENDPOINT' };
  }
  const mode = env.AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE?.trim();
  if (mode) {
    switch (mode.toLowerCase()) {
      case 'ipv4':
        return { endpoint: IPV4_ENDPOINT, endpointFrom: '$AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv4' };
      case 'ipv6':
        return { endpoint: IPV6_ENDPOINT, endpointFrom: '$AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv6' };
      default:
        throw new ConfigError(
          `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE is ${JSON.stringify(mode)}, not IPv4 or IPv6 (${where})`,
        );
    }
  }
  if (envFlag(env, 'AWS_IMDS_USE_IPV6')) return { endpoint: IPV6_ENDPOINT, endpointFrom: '$AWS_IMDS_USE_IPV6' };
  return { endpoint: IPV4_ENDPOINT, endpointFrom: 'the default IPv4 endpoint' };
}

function positiveSeconds(env: Env, name: string, fallback: number, where: string): number {
  const text = env[name]?.trim();
  if (!text) return fallback;
  const value = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !(value > 0)) {
    throw new ConfigError(`${name} must be a number of seconds above 0, not ${JSON.stringify(text)} (${where})`);
  }
  return value;
}

function positiveInteger(env: Env, name: string, fallback: number, where: string): number {
  const text = env[name]?.trim();
  if (!text) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1) {
    throw new ConfigError(`${name} must be a whole number of at least 1, not ${JSON.stringify(text)} (${where})`);
  }
  return value;
}

/** The IMDSv2 token, or why there is none. */
interface Token {
  value?: string;
  why?: string;
  /** The token request timed out after connecting (a container behind a hop limit of 1, typically). */
  timedOut?: boolean;
}

/**
 * Why the last attempt at a GET failed: no answer; an answer with an error status; or a 200 that
 * is not what IMDS sends (empty, not JSON, not a role name) — an HTML page from a web server or a
 * captive portal, say. A redirect, a 5xx and a foreign 200 are exit 5, like no answer at all.
 */
type Failure =
  | { kind: 'network'; failure: HttpFailure }
  | { kind: 'status'; status: number }
  | { kind: 'foreign'; status: number; body: string };

class Imds {
  constructor(
    private readonly settings: ImdsSettings,
    private readonly where: string,
  ) {}

  async token(): Promise<Token> {
    const { attempts } = this.settings;
    const url = this.url(TOKEN_PATH);
    let why = '';
    for (let attempt = 1; attempt <= attempts; attempt++) {
      let response: HttpResponse;
      try {
        response = await this.send(url, 'PUT', { 'x-aws-ec2-metadata-token-ttl-seconds': TOKEN_TTL_SECONDS });
      } catch (error) {
        if (!(error instanceof HttpFailure)) throw error;
        if (error.kind === 'read-timeout') return this.noToken({ why: `the token request got ${error.message}`, timedOut: true });
        why = error.message;
        if (attempt === attempts) throw this.unreachable(url, error);
        continue;
      }
      if (response.status === 200 && response.body.trim() !== '') {
        const value = response.body.trim();
        // It goes into a header: printable ASCII only (IMDS tokens are base64), or Node would throw.
        if (!/^[\x21-\x7e]{1,1024}$/.test(value)) return this.noToken({ why: 'the token request was answered with a token no header can carry' });
        return { value };
      }
      if (response.status === 403 || response.status === 404 || response.status === 405) {
        return this.noToken({ why: `the token request was answered HTTP ${response.status}` });
      }
      if (response.status === 400) {
        throw new AwsRefusedError(
          `the EC2 instance metadata service at ${this.settings.endpoint} refused the IMDSv2 token request (HTTP 400) (${this.where})`,
        );
      }
      why = response.status === 200 ? 'the token request was answered with an empty token' : `the token request was answered HTTP ${response.status}`;
    }
    return this.noToken({ why });
  }

  async roleName(token: Token): Promise<string> {
    let name = '';
    await this.get(CREDENTIALS_PATH, token, (response) => {
      // IMDS lists one role; take the first line without its line ending. A role name has only
      // these characters (IAM's rule); anything else is not IMDS answering.
      name = response.body.split(/\r?\n/)[0]!.trim();
      return /^[\w+=,.@-]{1,128}$/.test(name) ? undefined : { kind: 'foreign', status: response.status, body: response.body };
    });
    return name;
  }

  async credentials(roleName: string, token: Token): Promise<Record<string, unknown>> {
    const path = `${CREDENTIALS_PATH}${roleName}`;
    let document: unknown;
    await this.get(path, token, (response) => {
      try {
        document = JSON.parse(response.body);
        return undefined;
      } catch {
        return { kind: 'foreign', status: response.status, body: response.body };
      }
    });
    if (typeof document !== 'object' || document === null || Array.isArray(document)) {
      throw new AwsRefusedError(
        `the EC2 instance metadata service at ${this.settings.endpoint} answered ${path} with JSON that is not an object (${this.where})`,
      );
    }
    return document as Record<string, unknown>;
  }

  /** The fallback to IMDSv1, unless it is disabled. */
  private noToken(token: Token): Token {
    if (!this.settings.v1Disabled) return token;
    const message = `no IMDSv2 token from the EC2 instance metadata service at ${this.settings.endpoint} (${token.why}), and AWS_EC2_METADATA_V1_DISABLED=true forbids IMDSv1 (${this.where})`;
    // A timeout is exit 5 like any other; an answer without a token is a refusal.
    if (token.timedOut) throw new AwsUnreachableError(message, HOP_LIMIT_HINT);
    throw new AwsRefusedError(message);
  }

  /** A GET, tried again like botocore: on a network error, a non-200 answer, an empty body, or `check`'s objection. */
  private async get(path: string, token: Token, check: (response: HttpResponse) => Failure | undefined): Promise<HttpResponse> {
    const url = this.url(path);
    const headers: Record<string, string> = token.value === undefined ? {} : { 'x-aws-ec2-metadata-token': token.value };
    let last: Failure = { kind: 'foreign', status: 0, body: '' };
    for (let attempt = 1; attempt <= this.settings.attempts; attempt++) {
      try {
        const response = await this.send(url, 'GET', headers);
        const failure: Failure | undefined =
          response.status !== 200
            ? { kind: 'status', status: response.status }
            : response.body === '' ? { kind: 'foreign', status: response.status, body: '' } : check(response);
        if (!failure) return response;
        last = failure;
      } catch (error) {
        if (!(error instanceof HttpFailure)) throw error;
        last = { kind: 'network', failure: error };
      }
    }
    if (last.kind === 'network') throw this.unreachable(url, last.failure);
    if (last.kind === 'foreign' || (last.status >= 300 && last.status < 400) || last.status >= 500) throw this.notImds(path, last);
    throw this.refused(path, last, token);
  }

  private send(url: URL, method: 'GET' | 'PUT', headers: Record<string, string>): Promise<HttpResponse> {
    return httpCall(url, { method, headers, timeoutMs: this.settings.timeoutMs });
  }

  /** botocore joins the endpoint and the path with one slash, so an endpoint may carry a path. */
  private url(path: string): URL {
    return new URL(`${this.settings.endpoint}/${path}`);
  }

  private unreachable(url: URL, failure: HttpFailure): AwsUnreachableError {
    return new AwsUnreachableError(
      `cannot reach the EC2 instance metadata service at ${this.settings.endpoint} (${url.pathname}: ${failure.message}) (${this.where})`,
      `is this an EC2 instance with IMDS on? AWS_EC2_METADATA_SERVICE_ENDPOINT chooses another endpoint, AWS_METADATA_SERVICE_TIMEOUT and AWS_METADATA_SERVICE_NUM_ATTEMPTS wait longer`,
    );
  }

  /** Exit 5: a redirect, a 5xx, or a 200 that IMDS would not send. */
  private notImds(path: string, failure: Exclude<Failure, { kind: 'network' }>): AwsUnreachableError {
    const at = `the EC2 instance metadata service at ${this.settings.endpoint}`;
    const tries = plural(this.settings.attempts, 'attempt');
    const what =
      failure.kind === 'status'
        ? failure.status >= 500 ? `is failing: HTTP ${failure.status}` : `did not answer like IMDS: HTTP ${failure.status}, a redirect`
        : `did not answer like IMDS: HTTP ${failure.status} with ${foreignBody(failure.body)}`;
    return new AwsUnreachableError(
      `${at} ${what} for /${path} (${tries}) (${this.where})`,
      'check AWS_EC2_METADATA_SERVICE_ENDPOINT and the network: something other than IMDS may be answering',
    );
  }

  private refused(path: string, failure: Extract<Failure, { kind: 'status' }>, token: Token): AwsRefusedError {
    const at = `the EC2 instance metadata service at ${this.settings.endpoint}`;
    const tail = `(${this.where})`;
    {
      if (failure.status === 404 && path === CREDENTIALS_PATH) {
        return new AwsRefusedError(`${at} has no IAM role for this instance (HTTP 404 for /${path}) ${tail}`, 'attach an instance profile with a role to the instance');
      }
      if (failure.status === 401) {
        return new AwsRefusedError(
          token.value === undefined
            ? `${at} requires IMDSv2 (HTTP 401 without a token), and ${token.why ?? 'no token was obtained'} ${tail}`
            : `${at} did not accept its own IMDSv2 token (HTTP 401 for /${path}) ${tail}`,
          token.timedOut ? HOP_LIMIT_HINT : undefined,
        );
      }
      return new AwsRefusedError(`${at} answered HTTP ${failure.status} for /${path} ${tail}`);
    }
  }
}

const HOP_LIMIT_HINT =
  'in a container on EC2, the token reply may be dropped by a hop limit of 1: raise it with `aws ec2 modify-instance-metadata-options --http-put-response-hop-limit 2`';

/**
 * IMDS answers 200 with `{"Code": "AssumeRoleUnauthorizedAccess", "Message": …}` when EC2 cannot
 * assume the instance role; botocore then finds the fields missing. awsrole says what IMDS said.
 * A document without `Code` but with every field is accepted, as botocore does.
 */
function parseCredentials(document: Record<string, unknown>, roleName: string, endpoint: string, where: string): Credentials {
  const at = `the EC2 instance metadata service at ${endpoint}`;
  const code = document.Code;
  if (code !== undefined && code !== 'Success') {
    const message = typeof document.Message === 'string' ? `: ${shorten(document.Message)}` : '';
    throw new AwsRefusedError(
      `${at} gave no credentials for instance role ${roleName}: ${shorten(String(code))}${message} (${where})`,
      code === 'AssumeRoleUnauthorizedAccess' ? "the role's trust policy must allow ec2.amazonaws.com to assume it" : undefined,
    );
  }
  return credentialsDocument(document, `${at} answered for instance role ${roleName}`, where);
}

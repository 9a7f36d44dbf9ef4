// Decision (issue 14, item 5): keep this client; do not switch to @aws-sdk/credential-provider-http
// (3.972.88, installed with @aws-sdk/client-sts). From its source (dist-es/fromHttp/*.js) against
// the tests that pin this module:
// - Timing is not botocore's: 1 s per attempt and 1 + 3 retries (botocore, and these tests: 2 s,
//   3 attempts, 1 s apart — faults-sources.test.ts "no answer within 2 s, 3 attempts"), and the
//   timeout is @smithy/node-http-handler's socket idle timeout, so a dripping answer ("drip")
//   is not bounded.
// - The authorization token is checked only for the sequence "\r\n": a lone CR or LF or another
//   control character is sent on (container.test.ts "a token with another control character:
//   exit 3, nothing sent"), and a token file's trailing newline is kept, which Node then refuses
//   as a header value (this module drops trailing line ends, see below).
// - Both URI variables or both token variables set: console.warn lines on stderr, not ours.
// - Errors are CredentialsProviderError(String(e)): the exit codes 3/4/5 and the "(n attempts)"
//   wording these tests pin would have to be recovered from message text.
// - It reads process.env itself (AWS_CONTAINER_*), not the Env passed to the source.
// Tried, not assumed: with this function replaced by an adapter over fromHttp (variables passed
// as its options, the relative base and timings as the tests set them, errors mapped to exit
// codes as well as its messages allow), container.test.ts failed 23 of its 41 tests. Besides
// wording, in behaviour: a token file ending in a newline fails (Node: ERR_INVALID_CHAR in
// Authorization); a token with a lone CR, LF or other control character is not refused up front
// (Node's header check fails the request instead), and an empty token file is used as an empty
// token; a missing token file, an ftp:// or unparsable
// URI are not told apart from a refusal (exit 3 becomes 4 or 5); an answer that is not JSON is a
// refusal (4) instead of "not the endpoint" (5).
// Cost: require('@aws-sdk/credential-provider-http') took ~130 ms here (it loads
// @smithy/node-http-handler and @aws-sdk/core) against ~20 ms for this module's chunk.

import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import type { Credentials } from '../run/credentials.js';
import { AwsRefusedError, AwsUnreachableError, ConfigError } from '../errors/errors.js';
import { maskAccessKeyId } from '../output/mask.js';
import type { ContainerStep } from '../plan/types.js';
import { describeCredentialSource } from '../plan/where.js';
import { credentialsDocument, foreignBody, formatSeconds, HttpFailure, httpCall, plural, shorten, type HttpResponse } from './http.js';
import type { SourceContext, SourceResult } from './types.js';

/**
 * `credential_source = EcsContainer`: the task's (ECS) or pod's (EKS Pod Identity) credentials,
 * as botocore's ContainerProvider and ContainerMetadataFetcher get them (botocore 1.43):
 *
 * - The URL: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI appended to http://169.254.170.2 (this wins
 *   when both are set), else AWS_CONTAINER_CREDENTIALS_FULL_URI, which must be https, or http to
 *   a loopback address (127.0.0.0/8, ::1) or one of 169.254.170.2 (ECS), 169.254.170.23 and
 *   fd00:ec2::23 (EKS Pod Identity), localhost. Another host is refused: the Authorization token
 *   must not be sent in clear text off the machine.
 * - `Authorization`: the contents of AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (read on every call:
 *   EKS rotates it), else AWS_CONTAINER_AUTHORIZATION_TOKEN. A value with CR or LF is refused.
 *   botocore also refuses a token file that ends in a newline; awsrole drops trailing line ends
 *   first (an `echo "$T" > file` adds one), as it does for web identity token files.
 * - `GET` with `Accept: application/json`, 2 s timeout, 3 attempts, 1 s apart, on a network
 *   error, a non-200 answer or bad JSON (botocore also sleeps after the last one; awsrole not).
 * - The answer: AccessKeyId, SecretAccessKey, Token, Expiration (botocore crashes with a
 *   KeyError when one is missing; awsrole names it). AccountId and RoleArn may be present.
 *
 * An empty variable counts as unset (botocore tests presence; the JS SDK truthiness).
 * The token and the secret appear in no message.
 */
export async function containerCredentials(
  step: ContainerStep,
  context: SourceContext,
  options: ContainerOptions = DEFAULT_CONTAINER_OPTIONS,
): Promise<SourceResult> {
  const where = describeCredentialSource(step.profile, 'EcsContainer', step.source);
  const { env } = context;
  const endpoint = containerUrl(env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI, env.AWS_CONTAINER_CREDENTIALS_FULL_URI, options.relativeBase, where);
  const authorization = await authorizationHeader(env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE, env.AWS_CONTAINER_AUTHORIZATION_TOKEN, where);
  context.debug(
    `profile ${step.profile}: container credentials from ${endpoint.display} (${endpoint.from})` +
      `${authorization ? `, with the authorization token of ${authorization.from}` : ''}`,
  );

  const headers: Record<string, string> = { Accept: 'application/json' };
  if (authorization) headers.Authorization = authorization.value;
  const document = await fetchDocument(endpoint, headers, options, context, where);
  const credentials = parseCredentials(document, endpoint, where);
  const role = typeof document.RoleArn === 'string' ? `, role ${document.RoleArn}` : '';
  context.debug(
    `profile ${step.profile}: container credentials ${maskAccessKeyId(credentials.accessKeyId)}${role}` +
      `${credentials.expiration ? `, until ${credentials.expiration.toISOString()}` : ''}`,
  );
  return { credentials, identity: `container:${endpoint.url.href}`, caller: 'container credentials' };
}

/** botocore's fixed timing; tests pass shorter ones, and a stand-in for the ECS address. */
export interface ContainerOptions {
  timeoutMs: number;
  attempts: number;
  retryDelayMs: number;
  /** Where a relative URI points: http://169.254.170.2 (ECS). */
  relativeBase: string;
}

export const ECS_CONTAINER_BASE = 'http://169.254.170.2';

export const DEFAULT_CONTAINER_OPTIONS: ContainerOptions = {
  timeoutMs: 2000,
  attempts: 3,
  retryDelayMs: 1000,
  relativeBase: ECS_CONTAINER_BASE,
};

/** botocore's ContainerMetadataFetcher._ALLOWED_HOSTS, besides any loopback address. */
export const ALLOWED_HTTP_HOSTS = ['169.254.170.2', '169.254.170.23', 'fd00:ec2::23', 'localhost'];

interface Target {
  url: URL;
  /** For messages: without any user:password@ or query string. */
  display: string;
  from: string;
}

function target(url: URL, from: string): Target {
  return { url, display: `${url.origin}${url.pathname}`, from };
}

export function containerUrl(relative: string | undefined, full: string | undefined, relativeBase: string, where: string): Target {
  if (relative) {
    const url = parseUrl(`${relativeBase}${relative}`);
    if (!url) throw new ConfigError(`AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is not a path: ${JSON.stringify(relative)} (${where})`);
    return target(url, '$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI');
  }
  if (full) {
    const url = parseUrl(full);
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      throw new ConfigError(`AWS_CONTAINER_CREDENTIALS_FULL_URI is not an http(s) URL: ${JSON.stringify(full)} (${where})`);
    }
    if (url.protocol === 'http:' && !allowedHttpHost(url.hostname)) {
      throw new ConfigError(
        `AWS_CONTAINER_CREDENTIALS_FULL_URI may use plain http only to a loopback address or ${ALLOWED_HTTP_HOSTS.join(', ')}, not ${url.hostname} (${where})`,
        'use an https URL, as botocore and the AWS SDKs require',
      );
    }
    return target(url, '$AWS_CONTAINER_CREDENTIALS_FULL_URI');
  }
  throw new ConfigError(
    `${where} takes its credentials from the container credentials endpoint, but neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor AWS_CONTAINER_CREDENTIALS_FULL_URI is set`,
    'ECS and EKS Pod Identity set one of them inside the task or pod; outside one, use another credential source',
  );
}

function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/** `hostname` as URL gives it: lower case, IPv6 in brackets, IPv4 in dotted decimal. */
export function allowedHttpHost(hostname: string): boolean {
  const host = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  if (isIP(host) === 4 && host.startsWith('127.')) return true;
  if (isIP(host) === 6 && host === '::1') return true;
  return ALLOWED_HTTP_HOSTS.includes(host);
}

/** Besides CR and LF (botocore's check), the characters Node refuses in a header value; tab is fine. */
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/;

async function authorizationHeader(file: string | undefined, token: string | undefined, where: string): Promise<{ value: string; from: string } | undefined> {
  if (file) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new ConfigError(
        `the container authorization token file ${file} (AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE) ${code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? 'unknown error'})`} (${where})`,
      );
    }
    const value = text.replace(/[\r\n]+$/, '');
    if (value === '') throw new ConfigError(`the container authorization token file ${file} (AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE) is empty (${where})`);
    if (/[\r\n]/.test(value)) {
      throw new ConfigError(`the container authorization token in ${file} (AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE) has a line break inside, which no HTTP header may carry (${where})`);
    }
    if (CONTROL.test(value)) {
      throw new ConfigError(`the container authorization token in ${file} (AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE) has a control character, which no HTTP header may carry (${where})`);
    }
    return { value, from: '$AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE' };
  }
  if (token) {
    if (/[\r\n]/.test(token)) {
      throw new ConfigError(`AWS_CONTAINER_AUTHORIZATION_TOKEN has a line break (CR or LF), which no HTTP header may carry (${where})`);
    }
    if (CONTROL.test(token)) {
      throw new ConfigError(`AWS_CONTAINER_AUTHORIZATION_TOKEN has a control character, which no HTTP header may carry (${where})`);
    }
    return { value: token, from: '$AWS_CONTAINER_AUTHORIZATION_TOKEN' };
  }
  return undefined;
}

type Failure = { kind: 'network'; failure: HttpFailure } | { kind: 'status'; response: HttpResponse } | { kind: 'bad-json'; response: HttpResponse };

async function fetchDocument(
  endpoint: Target,
  headers: Record<string, string>,
  options: ContainerOptions,
  context: SourceContext,
  where: string,
): Promise<Record<string, unknown>> {
  let last: Failure | undefined;
  for (let attempt = 1; attempt <= options.attempts; attempt++) {
    if (attempt > 1) {
      context.debug(`container credentials: attempt ${attempt} of ${options.attempts} in ${formatSeconds(options.retryDelayMs)}`);
      await new Promise((resolve) => setTimeout(resolve, options.retryDelayMs));
    }
    let response: HttpResponse;
    try {
      response = await httpCall(endpoint.url, { method: 'GET', headers, timeoutMs: options.timeoutMs });
    } catch (error) {
      if (!(error instanceof HttpFailure)) throw error;
      last = { kind: 'network', failure: error };
      continue;
    }
    if (response.status !== 200) {
      last = { kind: 'status', response };
      continue;
    }
    let document: unknown;
    try {
      document = JSON.parse(response.body);
    } catch {
      last = { kind: 'bad-json', response };
      continue;
    }
    if (typeof document !== 'object' || document === null || Array.isArray(document)) {
      throw new AwsRefusedError(`the container credentials endpoint ${endpoint.display} answered with JSON that is not an object (${where})`);
    }
    return document as Record<string, unknown>;
  }
  const tries = plural(options.attempts, 'attempt');
  if (!last || last.kind === 'network') {
    throw new AwsUnreachableError(
      `cannot reach the container credentials endpoint ${endpoint.display} (${last?.failure.message ?? 'no attempt made'}, ${tries}) (${where})`,
      'is this an ECS task or an EKS pod with Pod Identity? the variable that names the endpoint may be left over from one',
    );
  }
  // A 200 that is not JSON, a redirect, a 5xx: not the endpoint answering as it should (exit 5).
  const { status, body } = last.response;
  const foreignHint = 'check AWS_CONTAINER_CREDENTIALS_FULL_URI (or _RELATIVE_URI) and the network: something other than the credentials endpoint may be answering';
  if (last.kind === 'bad-json') {
    throw new AwsUnreachableError(
      `the container credentials endpoint ${endpoint.display} did not answer like one: HTTP ${status} with ${foreignBody(body)} (${tries}) (${where})`,
      foreignHint,
    );
  }
  if (status >= 300 && status < 400) {
    throw new AwsUnreachableError(`the container credentials endpoint ${endpoint.display} did not answer like one: HTTP ${status}, a redirect (${tries}) (${where})`, foreignHint);
  }
  const said = errorText(body);
  if (status >= 500) {
    throw new AwsUnreachableError(
      `the container credentials endpoint ${endpoint.display} is failing: HTTP ${status}${said ? `: ${said}` : ''} (${tries}) (${where})`,
      'try again in a moment',
    );
  }
  throw new AwsRefusedError(
    `the container credentials endpoint ${endpoint.display} answered HTTP ${status}${said ? `: ${said}` : ''} (${tries}) (${where})`,
    status === 401 || status === 403
      ? 'check the authorization token (AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE or AWS_CONTAINER_AUTHORIZATION_TOKEN)'
      : undefined,
  );
}

/** What an error answer says, when it says it in the usual JSON fields. */
function errorText(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    const code = parsed.code ?? parsed.Code;
    const message = parsed.message ?? parsed.Message;
    const parts = [code, message].filter((part): part is string => typeof part === 'string' && part !== '');
    return parts.length > 0 ? shorten(parts.join(': ')) : undefined;
  } catch {
    return undefined;
  }
}

function parseCredentials(document: Record<string, unknown>, endpoint: Target, where: string): Credentials {
  return credentialsDocument(document, `the container credentials endpoint ${endpoint.display} answered`, where);
}

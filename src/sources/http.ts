// Decision (issue 14, item 5): keep this module. The packages that speak these protocols bring
// their own HTTP layer (@smithy/node-http-handler's NodeHttpHandler, or the IMDS package's
// httpRequest), and both bound a request by Node's socket *idle* timeout (plus a connection
// timeout), not by one deadline for the whole attempt, and neither tells a connect timeout from a
// read timeout. The tests pin both: faults-sources.test.ts ("stall" and "drip" end within the
// bound with "no answer within N s"), and instance-metadata.test.ts (a token request that times
// out once connected falls back to IMDSv1 at once; one that cannot connect stops). The login
// refresh (src/login/signin-api.ts) uses it for the same reasons.

import { request as httpRequest, type ClientRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Credentials } from '../run/credentials.js';
import { AwsRefusedError } from '../errors/errors.js';
import { maskAccessKeyIds } from '../output/mask.js';

/**
 * One small HTTP request, for the metadata sources (IMDS, the container endpoint) and STS:
 * node:http rather than fetch, so that a connect timeout can be told from a read timeout (botocore
 * treats them differently for the IMDSv2 token), and without the AWS SDK. No proxy, no redirects,
 * no keep-alive: each request has its own socket, so a timed-out one is simply destroyed.
 *
 * One deadline covers the whole attempt — connecting, the headers and every byte of the body —
 * so a server that sends its headers and then stalls, or drips the body a byte at a time, costs
 * `timeoutMs` and no more. (The AWS SDK's requestTimeout is cleared once the headers arrive.)
 */
export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface HttpRequestOptions {
  method: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** For the whole attempt: connecting, the headers and the body. */
  timeoutMs: number;
}

/**
 * Why no response came: no connection within the timeout, a connection but no full answer within
 * it, or a network error (refused, reset, DNS, TLS, an answer cut short).
 */
export type HttpFailureKind = 'connect-timeout' | 'read-timeout' | 'network';

export class HttpFailure extends Error {
  constructor(
    readonly kind: HttpFailureKind,
    message: string,
  ) {
    super(message);
    this.name = 'HttpFailure';
  }
}

/** Credential documents and STS answers are a few kilobytes; anything this large is not one. */
const MAX_BODY_BYTES = 1024 * 1024;

export function httpCall(url: URL, options: HttpRequestOptions): Promise<HttpResponse> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<HttpResponse>((resolve, reject) => {
    let connected = false;
    let failure: HttpFailure | undefined;
    let request: ClientRequest;
    const timer = setTimeout(() => {
      const kind = connected ? 'read-timeout' : 'connect-timeout';
      const what = connected ? 'no answer' : 'no connection';
      failure = new HttpFailure(kind, `${what} within ${formatSeconds(options.timeoutMs)}`);
      request.destroy(failure);
    }, options.timeoutMs);
    const finish = (settle: () => void) => {
      clearTimeout(timer);
      settle();
    };

    try {
      request = send(url, { method: options.method, headers: options.headers ?? {}, agent: false });
    } catch (error) {
      // A header value Node refuses (a control character, say) throws here, before any socket.
      finish(() => reject(new HttpFailure('network', `the request could not be sent: ${(error as Error).message}`)));
      return;
    }
    request.once('socket', (socket) => {
      socket.once('connect', () => {
        connected = true;
      });
    });
    request.once('error', (error) => finish(() => reject(failure ?? asFailure(error))));
    request.once('response', (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) {
          failure = new HttpFailure('network', `the answer is larger than ${MAX_BODY_BYTES} bytes`);
          request.destroy(failure);
          return;
        }
        chunks.push(chunk);
      });
      response.once('error', (error) => finish(() => reject(failure ?? asFailure(error))));
      response.once('end', () =>
        finish(() =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }),
        ),
      );
      // A promise settles once: this only matters when the answer was cut off without an error.
      response.once('close', () =>
        finish(() => reject(failure ?? new HttpFailure('network', 'the connection closed before the answer was complete'))),
      );
    });
    request.end(options.body);
  });
}

function asFailure(error: Error): HttpFailure {
  if (error instanceof HttpFailure) return error;
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ECONNREFUSED':
      return new HttpFailure('network', 'connection refused');
    case 'ECONNRESET':
      // Node also says ECONNRESET ("aborted") when an answer stops short of its Content-Length.
      return new HttpFailure('network', error.message === 'aborted' ? 'the connection closed before the answer was complete' : 'the connection was reset');
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new HttpFailure('network', 'host name not found');
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new HttpFailure('network', 'no route to the host');
    default:
      return new HttpFailure('network', code ? `${code}: ${error.message}` : error.message);
  }
}

/** What came instead of the expected answer, in a few words (never the body itself: it may echo a secret). */
export function describeBody(body: string): string {
  const text = body.trim();
  if (text === '') return 'an empty body';
  if (/^<!doctype html|<html[\s>]/i.test(text)) return 'an HTML page';
  if (text.startsWith('<')) return 'XML';
  if (text.startsWith('{') || text.startsWith('[')) return 'JSON';
  return 'text';
}

/** A body where a JSON document was expected, in a few words. */
export function foreignBody(body: string): string {
  const kind = describeBody(body);
  if (kind === 'JSON') return 'broken or unexpected JSON';
  return kind === 'text' ? 'something that is not JSON' : kind === 'XML' ? 'XML instead of JSON' : kind;
}

export function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}

/** For text a server sent, in a message: one line, bounded, access key ids masked. */
export function shorten(text: string, limit = 200): string {
  const line = maskAccessKeyIds(text.replace(/\s+/g, ' ').trim());
  return line.length > limit ? `${line.slice(0, limit)}…` : line;
}

const REQUIRED_FIELDS = ['AccessKeyId', 'SecretAccessKey', 'Token', 'Expiration'] as const;

/**
 * The credentials document both IMDS and the container endpoint serve. `answered` says who
 * answered, for the messages: `the container credentials endpoint … answered`.
 */
export function credentialsDocument(document: Record<string, unknown>, answered: string, where: string): Credentials {
  const missing = REQUIRED_FIELDS.filter((field) => typeof document[field] !== 'string' || document[field] === '');
  if (missing.length > 0) throw new AwsRefusedError(`${answered} without ${missing.join(', ')} (${where})`);
  const expiration = new Date(document.Expiration as string);
  if (Number.isNaN(expiration.getTime())) {
    throw new AwsRefusedError(`${answered} with an Expiration that is not a date: ${JSON.stringify(shorten(document.Expiration as string))} (${where})`);
  }
  return {
    accessKeyId: document.AccessKeyId as string,
    secretAccessKey: document.SecretAccessKey as string,
    sessionToken: document.Token as string,
    expiration,
  };
}

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

// A loopback HTTP server that misbehaves on purpose, for every network client awsrole has (STS,
// the SSO portal and OIDC, IMDS, the container endpoint, the federation endpoint). In front of
// an upstream (moto, or one of the stand-ins in this folder) it passes good answers through, so a
// test can make the first answer bad and the retry good; without one it only misbehaves.
//
//   const fault = await startFaultServer({ upstream: moto.endpoint });
//   fault.fault = 'stall';               // every request from now on
//   fault.next.push('html');             // only the next request, then `fault.fault` again
//   env.AWS_ENDPOINT_URL_STS = fault.endpoint;
//
// Requests are forwarded with their headers untouched (Host included): a SigV4 signature covers
// the Host header, and moto checks it against the header it receives, so signed calls still pass.

import { randomBytes } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback } from './loopback.js';

export type Fault =
  /** Forward to the upstream and answer what it answers. */
  | 'pass'
  /** 200 and its headers, then nothing, for ever (the connection stays open). */
  | 'stall'
  /** 200 and a Content-Length of 1 MB, then one byte every `dripMs`, for ever. */
  | 'drip'
  /** A TCP reset as soon as the request arrives. */
  | 'reset'
  /** 200 with 64 random bytes. */
  | 'garbage'
  /** 200 with an HTML page, what a captive portal or a web server on the wrong port sends. */
  | 'html'
  /** 200 with no body at all. */
  | 'empty'
  /** The upstream's answer (or an HTML page) cut in half, then the connection closed. */
  | 'truncated'
  /** 302 to another host. */
  | 'redirect'
  /** `serverErrorStatus` (503) with a short text body. */
  | 'server-error'
  /** 404 with an HTML page: a web server that is not the service. */
  | 'not-found'
  /** The upstream's answer with every expiration in it moved to one minute ago. */
  | 'expired'
  /** The upstream's answer, `slowMs` late. */
  | 'slow';

export interface FaultRequest {
  method: string;
  /** Path and query, as sent. */
  path: string;
  /** The fault this request got. */
  fault: Fault;
}

export interface FaultServer {
  /** `http://127.0.0.1:PORT`, without a trailing slash. */
  readonly endpoint: string;
  /** What every request gets once `next` is empty. Change freely between requests. */
  fault: Fault;
  /** Faults for the next requests, one each, taken from the front. */
  readonly next: Fault[];
  /** Delay of `slow`, ms (default 5000). */
  slowMs: number;
  /** Pause between the bytes of `drip`, ms (default 200). */
  dripMs: number;
  /** Status of `server-error` (default 503). */
  serverErrorStatus: number;
  /** Every request so far, in order. */
  readonly requests: FaultRequest[];
  /** Stops listening and drops every open connection (stalled ones included). */
  close(): Promise<void>;
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

const HTML_PAGE = '<!DOCTYPE html>\n<html><head><title>Welcome</title></head><body><h1>It works!</h1></body></html>\n';

export async function startFaultServer(options: { upstream?: string } = {}): Promise<FaultServer> {
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, work: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      work();
    }, ms);
    timers.add(timer);
  };
  const state = {
    fault: 'pass' as Fault,
    next: [] as Fault[],
    slowMs: 5000,
    dripMs: 200,
    serverErrorStatus: 503,
    requests: [] as FaultRequest[],
  };

  const upstreamAnswer = async (incoming: IncomingMessage, body: Buffer): Promise<Answer> => {
    if (!options.upstream) return { status: 200, headers: { 'content-type': 'text/html' }, body: Buffer.from(HTML_PAGE) };
    return forward(options.upstream, incoming, body);
  };

  const server = createServer((incoming: IncomingMessage, response: ServerResponse) => {
    const fault = state.next.shift() ?? state.fault;
    state.requests.push({ method: incoming.method ?? '', path: incoming.url ?? '/', fault });
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      const send = (answer: Answer) => {
        if (response.destroyed) return;
        response.writeHead(answer.status, { ...answer.headers, 'content-length': String(answer.body.length) });
        response.end(answer.body);
      };
      const fail = (error: unknown) => send({ status: 599, headers: { 'content-type': 'text/plain' }, body: Buffer.from(`fault server: ${String(error)}\n`) });
      switch (fault) {
        case 'pass':
          upstreamAnswer(incoming, body).then(send, fail);
          return;
        case 'slow':
          upstreamAnswer(incoming, body).then((answer) => later(state.slowMs, () => send(answer)), fail);
          return;
        case 'expired':
          upstreamAnswer(incoming, body).then((answer) => send({ ...answer, body: Buffer.from(expire(answer.body.toString('utf8'))) }), fail);
          return;
        case 'stall':
          response.writeHead(200, { 'content-type': 'text/xml', 'content-length': '4096' });
          response.flushHeaders();
          return;
        case 'drip': {
          response.writeHead(200, { 'content-type': 'text/xml', 'content-length': String(1024 * 1024) });
          const drip = () => {
            if (response.destroyed) return;
            response.write(' ');
            later(state.dripMs, drip);
          };
          drip();
          return;
        }
        case 'reset':
          incoming.socket.resetAndDestroy();
          return;
        case 'garbage':
          send({ status: 200, headers: { 'content-type': 'application/octet-stream' }, body: randomBytes(64) });
          return;
        case 'html':
          send({ status: 200, headers: { 'content-type': 'text/html' }, body: Buffer.from(HTML_PAGE) });
          return;
        case 'empty':
          send({ status: 200, headers: {}, body: Buffer.alloc(0) });
          return;
        case 'not-found':
          send({ status: 404, headers: { 'content-type': 'text/html' }, body: Buffer.from(HTML_PAGE.replace('It works!', 'Not Found')) });
          return;
        case 'redirect':
          send({ status: 302, headers: { location: 'http://login.example.invalid/portal' }, body: Buffer.alloc(0) });
          return;
        case 'server-error':
          send({ status: state.serverErrorStatus, headers: { 'content-type': 'text/plain' }, body: Buffer.from('Service Unavailable\n') });
          return;
        case 'truncated':
          upstreamAnswer(incoming, body).then((answer) => {
            const half = answer.body.subarray(0, Math.max(1, Math.floor(answer.body.length / 2)));
            response.writeHead(answer.status, { ...answer.headers, 'content-length': String(answer.body.length) });
            response.write(half, () => incoming.socket.destroy());
          }, fail);
          return;
      }
    });
  });
  const listening = await listenOnLoopback(server);
  const { endpoint } = listening;

  return Object.assign(state, {
    endpoint,
    close: () => {
      for (const timer of timers) clearTimeout(timer);
      return listening.close();
    },
  });
}

/** The request, as received, to the upstream; its answer in full. */
function forward(upstream: string, incoming: IncomingMessage, body: Buffer): Promise<Answer> {
  const target = new URL(incoming.url ?? '/', upstream);
  return new Promise<Answer>((resolve, reject) => {
    const headers: IncomingHttpHeaders = { ...incoming.headers, connection: 'close' };
    const outgoing = httpRequest(target, { method: incoming.method, headers, agent: false }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('error', reject);
      answer.on('end', () => {
        const kept: Record<string, string> = {};
        for (const [name, value] of Object.entries(answer.headers)) {
          if (value === undefined || ['content-length', 'transfer-encoding', 'connection', 'keep-alive'].includes(name)) continue;
          kept[name] = Array.isArray(value) ? value.join(', ') : value;
        }
        resolve({ status: answer.statusCode ?? 502, headers: kept, body: Buffer.concat(chunks) });
      });
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/**
 * Every expiration the services send, moved to one minute ago: STS's XML `<Expiration>`, the
 * metadata endpoints' JSON `"Expiration"` (ISO 8601), the SSO portal's `"expiration"` (epoch ms).
 */
export function expire(text: string): string {
  const past = new Date(Date.now() - 60_000);
  const iso = past.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return text
    .replace(/<Expiration>[^<]*<\/Expiration>/g, `<Expiration>${iso}</Expiration>`)
    .replace(/"Expiration"(\s*):(\s*)"[^"]*"/g, `"Expiration"$1:$2"${iso}"`)
    .replace(/"expiration"(\s*):(\s*)\d+/g, `"expiration"$1:$2${past.getTime()}`);
}

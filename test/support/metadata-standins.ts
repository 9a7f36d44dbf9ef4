// Loopback stand-ins for the two metadata endpoints awsrole's credential_source values read:
// the EC2 instance metadata service (IMDS, v2 token optional or required) and the ECS / EKS Pod
// Identity container credentials endpoint. Each listens on 127.0.0.1 on a free port, hands out
// the credentials a test chooses, and records every request with its headers. Tests point
// AWS_EC2_METADATA_SERVICE_ENDPOINT or AWS_CONTAINER_CREDENTIALS_FULL_URI at them, so nothing
// ever goes to 169.254.169.254 or 169.254.170.2.

import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { listenOnLoopback } from './loopback.js';

/** The document both endpoints answer with (IMDS adds Code, Type and LastUpdated). */
export interface MetadataCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  /**
   * Default: a made-up token. The real endpoints always serve a role session; so should a stand-in
   * whose credentials are used against moto, which (like STS) refuses any token beside a user's key.
   */
  sessionToken?: string;
  /** Default: six hours from now, in the `2026-01-01T12:00:00Z` form IMDS uses. */
  expiration?: string;
}

export interface RecordedRequest {
  method: string;
  /** Path and query, as sent. */
  path: string;
  headers: IncomingHttpHeaders;
}

/** A canned answer, or `'hang'`: accept the request and never answer (a dropped reply). */
export type CannedResponse = { status: number; body?: string; headers?: Record<string, string> } | 'hang';

/** Looks at a request first; returns an answer to override the stand-in's own, or undefined. */
export type Override = (request: RecordedRequest, index: number) => CannedResponse | undefined;

interface StandIn {
  /** `http://127.0.0.1:PORT`, without a trailing slash. */
  readonly endpoint: string;
  /** Every request so far, in order. */
  readonly requests: RecordedRequest[];
  /** Stops listening and drops open connections (hung ones included). */
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// IMDS

export interface ImdsBehaviour {
  /**
   * PUT /latest/api/token: `'issue'` a token (IMDSv2), answer with a status (403, 404 and 405 make
   * the SDKs fall back to IMDSv1; 400 makes them give up), or `'hang'` (what a container behind a
   * hop limit of 1 sees).
   */
  token: 'issue' | 'hang' | { status: number };
  /** GETs without a valid token get 401 (`HttpTokens: required`). A wrong token always gets 401. */
  requireToken: boolean;
  /** The role the listing names; null: no instance profile (404). */
  roleName: string | null;
  credentials: MetadataCredentials;
  /** Replaces the credentials document as sent (for bad JSON, `Code` other than Success, …). */
  credentialsBody?: string;
  /** Looked at before everything else. */
  override?: Override;
}

export interface ImdsStandIn extends StandIn {
  /** Change freely between requests. */
  readonly behaviour: ImdsBehaviour;
  /** The tokens issued so far. */
  readonly tokens: string[];
}

export async function startImdsStandIn(options: Partial<ImdsBehaviour> & { credentials: MetadataCredentials }): Promise<ImdsStandIn> {
  const behaviour: ImdsBehaviour = { token: 'issue', requireToken: false, roleName: 'instance-role', ...options };
  const tokens: string[] = [];
  const base = await listen((request) => {
    const { method, path, headers } = request;
    if (method === 'PUT' && path === '/latest/api/token') {
      if (behaviour.token === 'hang') return 'hang';
      if (behaviour.token !== 'issue') return behaviour.token;
      if (!headers['x-aws-ec2-metadata-token-ttl-seconds']) return { status: 400, body: 'missing ttl' };
      const token = `standin-token-${randomBytes(8).toString('hex')}`;
      tokens.push(token);
      return { status: 200, body: token, headers: { 'x-aws-ec2-metadata-token-ttl-seconds': String(headers['x-aws-ec2-metadata-token-ttl-seconds']) } };
    }
    if (method !== 'GET') return { status: 405 };
    const sent = headers['x-aws-ec2-metadata-token'];
    if (sent !== undefined ? !tokens.includes(String(sent)) : behaviour.requireToken) return { status: 401 };

    const prefix = '/latest/meta-data/iam/security-credentials/';
    if (path === prefix) {
      return behaviour.roleName === null ? { status: 404, body: notFound() } : { status: 200, body: behaviour.roleName };
    }
    if (path.startsWith(prefix) && behaviour.roleName !== null && decodeURIComponent(path.slice(prefix.length)) === behaviour.roleName) {
      const c = behaviour.credentials;
      const body =
        behaviour.credentialsBody ??
        JSON.stringify(
          {
            Code: 'Success',
            LastUpdated: imdsTime(new Date()),
            Type: 'AWS-HMAC',
            AccessKeyId: c.accessKeyId,
            SecretAccessKey: c.secretAccessKey,
            Token: c.sessionToken ?? DEFAULT_SESSION_TOKEN,
            Expiration: c.expiration ?? defaultExpiration(),
          },
          null,
          2,
        );
      return { status: 200, body };
    }
    return { status: 404, body: notFound() };
  }, () => behaviour.override);
  return Object.assign(base, { behaviour, tokens });
}

// ---------------------------------------------------------------------------------------------
// Container credentials endpoint

export interface ContainerBehaviour {
  /** The path credentials are served at. */
  path: string;
  /** When set, requests without exactly this Authorization header get 401. */
  authorization?: string;
  credentials: MetadataCredentials;
  /** Sent with the credentials, as EKS Pod Identity does. */
  accountId?: string;
  /** Replaces the credentials document as sent. */
  credentialsBody?: string;
  override?: Override;
}

export interface ContainerStandIn extends StandIn {
  /** `endpoint` + the path it started with: what AWS_CONTAINER_CREDENTIALS_FULL_URI should be. */
  readonly uri: string;
  readonly behaviour: ContainerBehaviour;
}

export async function startContainerStandIn(
  options: Partial<ContainerBehaviour> & { credentials: MetadataCredentials },
): Promise<ContainerStandIn> {
  const behaviour: ContainerBehaviour = { path: '/v1/credentials', ...options };
  const base = await listen((request) => {
    if (request.method !== 'GET') return { status: 405 };
    if (request.path !== behaviour.path) return { status: 404, body: JSON.stringify({ code: 'NotFound', message: 'no such path' }) };
    if (behaviour.authorization !== undefined && request.headers.authorization !== behaviour.authorization) {
      return { status: 401, body: JSON.stringify({ code: 'AccessDenied', message: 'invalid authorization token' }) };
    }
    const c = behaviour.credentials;
    const document: Record<string, string> = {
      AccessKeyId: c.accessKeyId,
      SecretAccessKey: c.secretAccessKey,
      Token: c.sessionToken ?? DEFAULT_SESSION_TOKEN,
      Expiration: c.expiration ?? defaultExpiration(),
    };
    if (behaviour.accountId) document.AccountId = behaviour.accountId;
    return { status: 200, body: behaviour.credentialsBody ?? JSON.stringify(document), headers: { 'content-type': 'application/json' } };
  }, () => behaviour.override);
  return Object.assign(base, { behaviour, uri: `${base.endpoint}${behaviour.path}` });
}

// ---------------------------------------------------------------------------------------------
// A port nothing listens on

/** A loopback URL whose port was free a moment ago: connections to it are refused. */
export async function closedPortEndpoint(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

// ---------------------------------------------------------------------------------------------
// Shared

const DEFAULT_SESSION_TOKEN = 'standin-session-token';

function defaultExpiration(): string {
  return imdsTime(new Date(Date.now() + 6 * 3600 * 1000));
}

/** `2026-01-01T12:00:00Z`: IMDS sends no fractions of a second. */
function imdsTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function notFound(): string {
  return '<?xml version="1.0" encoding="iso-8859-1"?>\n<html><head><title>404 - Not Found</title></head></html>\n';
}

async function listen(answer: (request: RecordedRequest) => CannedResponse, override: () => Override | undefined): Promise<StandIn> {
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    // Drain the body (there is none in these protocols), then answer.
    req.resume();
    req.once('end', () => {
      const request: RecordedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers };
      const index = requests.push(request) - 1;
      const canned = override()?.(request, index) ?? answer(request);
      if (canned === 'hang') return;
      res.writeHead(canned.status, canned.headers ?? {});
      res.end(canned.body ?? '');
    });
  });
  const listening = await listenOnLoopback(server);
  return {
    endpoint: listening.endpoint,
    requests,
    close: listening.close,
  };
}

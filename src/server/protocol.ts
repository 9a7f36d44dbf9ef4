import type { IncomingHttpHeaders } from 'node:http';
import type { Credentials } from '../run/credentials.js';
import { errorText } from './errors.js';

/** One request as the protocol handlers see it: no body (none of them takes one). */
export interface ServerRequest {
  method: string;
  /** The path without the query string. */
  path: string;
  headers: IncomingHttpHeaders;
}

export interface ServerResponse {
  status: number;
  headers?: Record<string, string>;
  body: string;
}

/** What a handler serves: the current credentials, and what they belong to. */
export interface Served {
  credentials: () => Promise<Credentials>;
  /** The role of the last hop, when the profile assumes one. */
  roleArn?: string;
  region?: string;
  now: () => Date;
}

export interface ProtocolHandler {
  handle(request: ServerRequest): Promise<ServerResponse>;
  /** The path as the request log shows it: never a secret. */
  logPath(path: string): string;
}

export function json(status: number, document: unknown): ServerResponse {
  return { status, headers: { 'Content-Type': 'application/json' }, body: `${JSON.stringify(document)}\n` };
}

export function text(status: number, body: string, headers: Record<string, string> = {}): ServerResponse {
  return { status, headers: { 'Content-Type': 'text/plain', ...headers }, body };
}

/** The account id in a role ARN (`arn:aws:iam::123456789012:role/x`). */
export function accountOf(roleArn: string | undefined): string | undefined {
  return roleArn ? /^arn:[^:]+:[^:]*:[^:]*:(\d{12}):/.exec(roleArn)?.[1] : undefined;
}

/** When refreshing failed and nothing valid is left: the reason, without a secret. */
export function unavailable(error: unknown): ServerResponse {
  return json(503, { code: 'CredentialsUnavailable', message: errorText(error) });
}

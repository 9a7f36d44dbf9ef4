// A loopback stand-in for the AWS federation endpoint (signin.aws.amazon.com/federation):
// `GET /federation?Action=getSigninToken&Session=<JSON>` answers `{"SigninToken": "<random>"}` and
// records the Session it got, so that a test can check which credentials were sent. `status`
// makes it refuse instead. Point awsrole at it with AWSROLE_FEDERATION_ENDPOINT=<endpoint>.

import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback } from './loopback.js';

export interface FederationSession {
  sessionId: string;
  sessionKey: string;
  sessionToken: string;
}

export interface RecordedFederationRequest {
  method: string;
  path: string;
  /** Every query parameter, decoded. */
  query: Record<string, string>;
  /** The Session parameter parsed as JSON, when it is JSON. */
  session?: FederationSession;
  /** The SigninToken answered, when one was. */
  signinToken?: string;
}

export interface FederationStandIn {
  /** `http://127.0.0.1:PORT`: what AWSROLE_FEDERATION_ENDPOINT should be set to. */
  readonly endpoint: string;
  readonly requests: RecordedFederationRequest[];
  /** Answer every getSigninToken with this HTTP status and no token (e.g. 403); undefined: answer normally. */
  status: number | undefined;
  /** Wait this long before answering (for the spinner); 0 by default. */
  delayMs: number;
  close(): Promise<void>;
}

export async function startFederationStandIn(): Promise<FederationStandIn> {
  const requests: RecordedFederationRequest[] = [];
  const standIn = { status: undefined as number | undefined, delayMs: 0 };

  const server = createServer((incoming: IncomingMessage, response: ServerResponse) => {
    const url = new URL(incoming.url ?? '/', 'http://stand-in');
    const query = Object.fromEntries(url.searchParams);
    const request: RecordedFederationRequest = { method: incoming.method ?? '', path: url.pathname, query };
    requests.push(request);
    const answer = (status: number, body: string, type = 'application/json') => {
      setTimeout(() => {
        response.writeHead(status, { 'content-type': type });
        response.end(body);
      }, standIn.delayMs);
    };
    if (request.method !== 'GET' || url.pathname !== '/federation' || query.Action !== 'getSigninToken') {
      answer(400, 'Bad request\n', 'text/plain');
      return;
    }
    try {
      request.session = JSON.parse(query.Session ?? '') as FederationSession;
    } catch {
      answer(400, 'Session is not JSON\n', 'text/plain');
      return;
    }
    if (standIn.status !== undefined) {
      answer(standIn.status, '<html><body>Refused</body></html>\n', 'text/html');
      return;
    }
    request.signinToken = `SigninToken-${randomBytes(24).toString('base64url')}`;
    answer(200, JSON.stringify({ SigninToken: request.signinToken }));
  });
  const listening = await listenOnLoopback(server);
  const { endpoint } = listening;

  return Object.assign(standIn, {
    endpoint,
    requests,
    close: listening.close,
  });
}

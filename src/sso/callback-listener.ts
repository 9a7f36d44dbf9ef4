import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { CALLBACK_PATH } from './pkce.js';

/** What the browser brought back to the loopback listener. */
export type AuthorizationCallback =
  | { kind: 'code'; code: string }
  /** The service redirected with OAuth's `error` (the person denied, or the request was bad). */
  | { kind: 'error'; error: string; description?: string }
  | { kind: 'timeout' };

export interface CallbackListener {
  /** `http://127.0.0.1:PORT/oauth/callback`, the redirect URI of this login. */
  readonly redirectUri: string;
  /** Settles with the first callback that carries this login's state, or a timeout. */
  readonly result: Promise<AuthorizationCallback>;
  /** Stops listening (idempotent); a pending `result` settles as a timeout. */
  close(): void;
}

export interface ListenOptions {
  /** The state this login sent; a callback with another one is refused and waited past. */
  state: string;
  timeoutMs: number;
  /** Told when a request is refused, with why (no secret: codes are never named). */
  refused: (why: string) => void;
}

/**
 * The loopback listener the AWS CLI runs for the authorization-code flow (AuthCodeFetcher): an
 * HTTP server on 127.0.0.1 and a free port, for one redirect to /oauth/callback. Unlike the CLI,
 * it checks `state` as each request arrives: a request with another state (a stale tab, or
 * another local page probing the port) is answered 400 and does not end the wait, so that it can
 * neither sign the user in with someone else's code nor abort the real sign-in. Only 127.0.0.1:
 * nothing off this machine can reach it.
 */
export async function listenForCallback(options: ListenOptions): Promise<CallbackListener> {
  let settle!: (callback: AuthorizationCallback) => void;
  const result = new Promise<AuthorizationCallback>((resolve) => (settle = resolve));
  const sockets = new Set<Socket>();
  let done = false;
  let timer: NodeJS.Timeout | undefined;

  const finish = (callback: AuthorizationCallback) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    settle(callback);
    server.close();
    // Keep-alive connections would hold the server (and the process) open.
    setImmediate(() => sockets.forEach((socket) => socket.destroy()));
  };

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (request.method !== 'GET' || url.pathname !== CALLBACK_PATH) {
      page(response, 404, 'Not found', 'This is awsrole waiting for an IAM Identity Center sign-in; there is nothing else here.');
      return;
    }
    const params = url.searchParams;
    if (params.get('state') !== options.state) {
      options.refused(params.has('state') ? 'a sign-in callback whose state is not this login\'s' : 'a sign-in callback without a state');
      page(response, 400, 'Not this sign-in', 'This sign-in does not belong to the awsrole login waiting here; it was ignored.');
      return;
    }
    if (done) {
      page(response, 409, 'Already done', 'This awsrole login already received its answer.');
      return;
    }
    const error = params.get('error');
    const code = params.get('code');
    if (error !== null) {
      page(response, 200, 'Sign-in failed', 'The sign-in did not succeed. Return to your terminal for details.');
      const description = params.get('error_description');
      finish(description ? { kind: 'error', error, description } : { kind: 'error', error });
    } else if (code) {
      page(response, 200, 'Signed in', 'awsrole is signed in. You can close this window and return to your terminal.');
      finish({ kind: 'code', code });
    } else {
      options.refused('a sign-in callback with neither a code nor an error');
      page(response, 400, 'Incomplete sign-in', 'The sign-in answer had no authorization code; it was ignored.');
    }
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  timer = setTimeout(() => finish({ kind: 'timeout' }), options.timeoutMs);
  const { port } = server.address() as AddressInfo;
  return { redirectUri: `http://127.0.0.1:${port}${CALLBACK_PATH}`, result, close: () => finish({ kind: 'timeout' }) };
}

function page(response: ServerResponse, status: number, title: string, text: string): void {
  const body = `<!doctype html><html><head><meta charset="utf-8"><title>awsrole: ${title}</title></head><body><h1>${title}</h1><p>${text}</p></body></html>\n`;
  response.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store', connection: 'close' });
  response.end(body);
}
